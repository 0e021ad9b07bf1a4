import PolicyFlowCore
import Testing

/// A cycle carries the premium only when it approves the policy.
struct CycleCalculationTests {
  typealias B = CatalogBuilder
  let noon = Timestamp(iso8601: "2026-11-22T12:00:00Z")!

  /// Pends sums above 1,000, rejects policies without a currency, derives a rate the premium reads.
  func catalog(amount: String = #"{"*": [{"var": "sum"}, {"var": "derived.rate"}]}"#) -> Catalog {
    var flow = B.flow(
      "PRICED",
      [
        B.step(
          10, "checks",
          validations: [
            B.validation("R_CURRENCY", when: #"{"missing": ["currency"]}"#, message: B.message("M_CURRENCY")),
            B.validation(
              "R_RATE", when: "true", message: B.message("M_RATE", .informative), derive: [("derived.rate", "3")]),
          ],
          pends: [B.pend("P_SUM", when: #"{">": [{"var": "sum"}, 1000]}"#, reason: "UW")])
      ], isDefault: true)
    flow.calculation = CalculationDefinition(
      currency: B.logic(#"{"var": "currency"}"#),
      lines: [CalculationLineDefinition(code: "BASE", description: "Base premium", amount: B.logic(amount))])
    return B.catalog(flow)
  }

  func run(_ data: JSON, _ catalog: Catalog) -> CycleOutcome {
    ProcessingCycle(catalog: catalog).run(data, at: noon)
  }

  @Test func approvedOutcomeCarriesThePremiumFromDerivedData() throws {
    let outcome = run(["currency": "EUR", "sum": 500], catalog())
    #expect(outcome.status == .approved)
    let premium = try #require(outcome.calculation)
    #expect(premium.lines == [CalculationLine(code: "BASE", description: "Base premium", amount: 1_500)])
    #expect(outcome.json[path: "calculation"] == premium.json)
  }

  @Test func pendedAndRejectedOutcomesCarryNone() {
    let pended = run(["currency": "EUR", "sum": 5_000], catalog())
    #expect(pended.status == .pended)
    #expect(pended.calculation == nil)
    #expect(pended.json[path: "calculation"] == .null)
    let rejected = run(["sum": 5], catalog())
    #expect(rejected.status == .edit)
    #expect(rejected.calculation == nil)
  }

  @Test func calculationErrorSendsThePolicyBackToEdit() throws {
    let outcome = run(["currency": "EUR", "sum": 500], catalog(amount: #"{"var": "missing.field"}"#))
    #expect(outcome.status == .edit)
    #expect(outcome.calculation == nil)
    let message = try #require(outcome.messages.last)
    #expect(message.code == "CALCULATION_ERROR")
    #expect(message.severity == .fatal)
    #expect(message.rule == "(calculation BASE)")
    #expect(
      message.text
        == "The premium of flow PRICED could not be calculated: line BASE (Base premium): gave null (a value it reads is missing?); "
        + "an amount must be a number of minor units")
    #expect(message.condition == ["var": "missing.field"])
    // What the failing line read, for `explain`: it showed nothing (rule author trial).
    #expect(message.trace.reads.map(\.path) == ["missing.field"], "\(message.trace.reads)")
  }

  @Test func flowWithoutCalculationApprovesWithoutOne() {
    let outcome = run(["sum": 5], B.catalog(B.flow("PLAIN", [B.step(10, "checks")], isDefault: true)))
    #expect(outcome.status == .approved)
    #expect(outcome.calculation == nil)
  }
}
