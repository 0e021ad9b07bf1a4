import PolicyFlowCore
import Testing

/// The calculator on flows built in code.
struct PremiumCalculatorTests {
  typealias B = CatalogBuilder
  let noon = Timestamp(iso8601: "2026-11-22T12:00:00Z")!

  static func line(_ code: String, _ amount: String, refundable: Bool = true) -> CalculationLineDefinition {
    CalculationLineDefinition(
      code: code, description: "\(code) description", amount: B.logic(amount), refundable: refundable)
  }

  func flow(
    _ lines: [CalculationLineDefinition], currency: String = #"{"var": "currency"}"#, onCancellation: Bool = true,
    fees: [CalculationLineDefinition] = []
  ) -> ProcessFlow {
    var flow = B.flow("PRICED", [B.step(10, "checks")], isDefault: true)
    flow.calculation = CalculationDefinition(
      currency: B.logic(currency), lines: lines, calculateOnCancellation: onCancellation, cancellationLines: fees)
    return flow
  }

  let policy: JSON = [
    "currency": "EUR", "sum": 1_000_001, "startDate": "2026-01-01", "endDate": "2026-12-31",
    "lines": "a business field the calculation hides",
  ]

  @Test func computesLinesInOrderReadingEarlierLines() throws {
    let result = try #require(
      try PremiumCalculator.premium(
        for: policy,
        flow: flow([
          Self.line("BASE", #"{"/": [{"var": "sum"}, 100]}"#),  // 10,000.01 → 10000
          Self.line("TAX", #"{"*": [{"var": "lines.BASE"}, 0.0725]}"#),  // 725.0
          Self.line("TOTAL_CHECK", #"{"-": [{"+": [{"var": "lines.BASE"}, {"var": "lines.TAX"}]}, 10725]}"#),
        ]), at: noon))
    #expect(result.lines.map(\.amount) == [10_000, 725, 0])
    #expect(result.total == 10_725)
    #expect(result.currency == "EUR")
    #expect(result.kind == .premium)
  }

  @Test func isNilWithoutACalculation() throws {
    #expect(try PremiumCalculator.premium(for: policy, flow: B.flow("PLAIN", [B.step(10, "checks")]), at: noon) == nil)
  }

  @Test func namesTheLineThatFails() {
    let failing = flow([Self.line("BASE", "100"), Self.line("RATE", #"{"var": "rate"}"#)])
    #expect(
      throws: LogicError(
        type: "Invalid Arguments",
        message: "line RATE (RATE description): gave null null; an amount must be a number of minor units")
    ) { try PremiumCalculator.premium(for: policy, flow: failing, at: noon) }
  }

  @Test func refusesACurrencyThatIsNotISO4217() {
    #expect(throws: LogicError.self) {
      try PremiumCalculator.premium(for: policy, flow: flow([Self.line("BASE", "1")], currency: #""euro""#), at: noon)
    }
  }

  @Test func reversalNegatesEveryLineExactly() throws {
    let earlier = CalculationResult(
      kind: .premium, currency: "JPY",
      lines: [
        CalculationLine(code: "A", description: "a", amount: 123_457),
        CalculationLine(code: "B", description: "b", amount: -3),
        CalculationLine(code: "C", description: "c", amount: 0),
      ])
    let (reversal, recalculated) = try PremiumCalculator.cancellation(
      of: policy, flow: flow([], onCancellation: false), earlier: earlier, effectiveDate: "2026-06-01", at: noon)
    #expect(recalculated == nil)
    #expect(reversal.kind == .reversal)
    #expect(reversal.currency == "JPY")
    #expect(reversal.lines.map(\.code) == ["A", "B", "C"])
    #expect(reversal.lines.map(\.amount) == [-123_457, 3, 0])
    #expect(reversal.total == -earlier.total)
  }

  @Test func settlesAgainstThePremiumPaid() throws {
    let priced = flow(
      [Self.line("BASE", "36500"), Self.line("FEE", "1000", refundable: false)],
      fees: [
        Self.line(
          "ADMIN",
          #"{"+": [{"var": "cancellation.daysCovered"}, {"var": "cancellation.daysInTerm"}, {"var": "lines.BASE"}]}"#),
        Self.line("CHECK", #"{"-": [{"var": "cancellation.premiumPaid"}, {"var": "cancellation.earned"}]}"#),
      ])
    let earlier = try #require(try PremiumCalculator.premium(for: policy, flow: priced, at: noon))
    let settlement = try #require(
      try PremiumCalculator.cancellation(
        of: policy, flow: priced, earlier: earlier, effectiveDate: "2026-01-11", at: noon
      ).recalculated)
    // 10 of 365 days: BASE earned 1,000; FEE kept; ADMIN = 10 + 365 + 1,000; CHECK = 37,500 − 2,000.
    #expect(
      settlement.lines.map { "\($0.code) \($0.amount)" } == [
        "BASE 1000", "FEE 1000", "ADMIN 1375", "CHECK 35500", "PREMIUM_PAID -37500",
      ])
    #expect(settlement.total == 1_000 + 1_000 + 1_375 + 35_500 - 37_500)
  }

  @Test func roundTripsThroughJSON() throws {
    let result = CalculationResult(
      kind: .cancellation, currency: "EUR", lines: [CalculationLine(code: "A", description: "a", amount: -5)])
    #expect(
      result.json.serialized()
        == #"{"kind":"cancellation","currency":"EUR","lines":[{"code":"A","description":"a","amount":-5}],"total":-5}"#)
    #expect(CalculationResult(json: result.json) == result)
    #expect(CalculationResult(json: ["kind": "premium"]) == nil)
  }
}
