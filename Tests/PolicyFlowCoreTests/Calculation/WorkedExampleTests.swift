import Foundation
import PolicyFlowCore
import Testing

/// The worked example of `examples/README.md`, to the cent: `examples/policies/health-approved.json`
/// through the shipped `INDIVIDUAL_HEALTH` flow, approved, then canceled on 2026-04-01.
struct WorkedExampleTests {
  let catalog: Catalog
  let outcome: CycleOutcome

  init() throws {
    catalog = try #require(CatalogLoader.load(directory: CatalogTestPaths.packageRoot).catalog)
    let data = try JSON(parsing: CatalogTestPaths.read("examples/policies/health-approved.json"))
    outcome = ProcessingCycle(catalog: catalog).run(data, at: Timestamp(iso8601: "2026-11-22T12:00:00Z")!)
  }

  var flow: ProcessFlow { catalog.flows["INDIVIDUAL_HEALTH"]! }

  @Test func approvesWithThePremium() throws {
    #expect(outcome.status == .approved)
    let premium = try #require(outcome.calculation)
    #expect(premium.kind == .premium)
    #expect(premium.currency == "EUR")
    #expect(premium.lines.map(\.code) == ["BASE", "POLICY_FEE", "PREMIUM_TAX"])
    // 250,000.00 × 585 / 100,000 (age 39); 25.00; 21% of 1,487.50 = 312.375 → 312.38 (half to even).
    #expect(premium.lines.map(\.amount) == [146_250, 2_500, 31_238])
    #expect(premium.total == 179_988)
  }

  @Test func cancelsOnTheFirstOfAprilWithARefund() throws {
    let premium = try #require(outcome.calculation)
    let (reversal, settlement) = try PremiumCalculator.cancellation(
      of: outcome.data, flow: flow, earlier: premium, effectiveDate: "2026-04-01",
      at: Timestamp(iso8601: "2026-04-01T09:00:00Z")!)
    #expect(reversal.lines.map(\.amount) == [-146_250, -2_500, -31_238])
    #expect(reversal.total == -179_988)
    let recalculated = try #require(settlement)
    #expect(recalculated.kind == .cancellation)
    #expect(recalculated.currency == "EUR")
    #expect(
      recalculated.lines.map { "\($0.code) \($0.amount)" } == [
        "BASE 36062",  // 146,250 × 90 / 365 = 36,061.64
        "POLICY_FEE 2500",  // not refundable
        "PREMIUM_TAX 7703",  // 31,238 × 90 / 365 = 7,702.52
        "CANCELLATION_FEE 5000",  // 90 days covered: past the cooling-off period
        "PREMIUM_PAID -179988",
      ])
    #expect(recalculated.total == -128_723)  // refund of 1,287.23 EUR
    #expect(recalculated.lines[0].description.hasSuffix(", earned 90 of 365 days"))
  }

  @Test func waivesTheFeeWithinTheCoolingOffPeriod() throws {
    let premium = try #require(outcome.calculation)
    let recalculated = try #require(
      try PremiumCalculator.cancellation(
        of: outcome.data, flow: flow, earlier: premium, effectiveDate: "2026-01-01",
        at: Timestamp(iso8601: "2026-01-01T09:00:00Z")!
      ).recalculated)
    // Nothing earned but the policy fee: everything else comes back.
    #expect(recalculated["CANCELLATION_FEE"] == 0)
    #expect(recalculated["BASE"] == 0)
    #expect(recalculated.total == 2_500 - 179_988)
  }

  @Test func documentsTheNumbersInTheExamplesReadme() throws {
    let readme = try CatalogTestPaths.read("examples/README.md")
    for figure in ["1,799.88", "1,462.50", "312.38", "360.62", "77.03", "50.00", "-1,287.23", "1,287.23"] {
      #expect(readme.contains(figure), "examples/README.md does not show \(figure)")
    }
  }
}
