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

  func settlement(asOf date: String) throws -> CalculationResult {
    let premium = try #require(outcome.calculation)
    return try #require(
      try PremiumCalculator.settlement(
        of: outcome.data, flow: flow, premiumPaid: premium.total,
        period: CancellationPeriod(policy: outcome.data, effectiveDate: date),
        at: Timestamp(iso8601: "\(date)T09:00:00Z")!))
  }

  @Test func cancelsOnTheFirstOfAprilWithARefund() throws {
    let recalculated = try settlement(asOf: "2026-04-01")
    #expect(recalculated.kind == .cancellation)
    #expect(recalculated.currency == "EUR")
    #expect(
      recalculated.lines.map { "\($0.code) \($0.amount)" } == [
        "BASE 36062",  // 146,250 × 90 / 365 = 36,061.64
        "POLICY_FEE 2500",  // not refundable
        "PREMIUM_TAX 8098",  // 21% of (360.62 + 25.00) = 80.9802: tax on what is charged
        "CANCELLATION_FEE 5000",  // 90 days covered: past the first 14 days
      ])
    #expect(recalculated.total == 51_660)  // charged for the cover used
    #expect(179_988 - recalculated.total == 128_328)  // refund of 1,283.28 EUR
    #expect(recalculated.lines[0].description.hasSuffix(", earned 90 of 365 days"))
  }

  /// A half year's cover is charged its 181 days of 365, and earned pro rata over those 181 days:
  /// a cover of 90 days earns the same base premium as 90 days of the year's cover.
  @Test func aShorterTermIsChargedProRataAndEarnedOverItsOwnDays() throws {
    var data = try JSON(parsing: CatalogTestPaths.read("examples/policies/health-approved.json"))
    data.set(path: "endDate", to: "2026-06-30")
    let half = ProcessingCycle(catalog: catalog).run(data, at: Timestamp(iso8601: "2026-11-22T12:00:00Z")!)
    let premium = try #require(half.calculation)
    // 250,000.00 × 585 × 181 / (100,000 × 365) = 72,523.97…; 21% of 750.24 = 157.5504.
    #expect(premium.lines.map(\.amount) == [72_524, 2_500, 15_755])
    let settled = try #require(
      try PremiumCalculator.settlement(
        of: half.data, flow: flow, premiumPaid: premium.total,
        period: CancellationPeriod(policy: half.data, effectiveDate: "2026-04-01"),
        at: Timestamp(iso8601: "2026-04-01T09:00:00Z")!))
    // 72,524 × 90 / 181 = 36,061.66: within a cent of the year's cover's 36,062.
    #expect(settled.lines.first?.amount == 36_062)
    #expect(settled.lines.first?.description.hasSuffix(", earned 90 of 181 days") == true)
  }

  @Test func aCancellationFromInceptionRefundsEverything() throws {
    let recalculated = try settlement(asOf: "2026-01-01")
    #expect(recalculated.lines.map(\.amount) == [0, 0, 0])
    #expect(recalculated.total == 0)
  }

  @Test func noFeeWithinTheFirstFourteenDays() throws {
    let recalculated = try settlement(asOf: "2026-01-11")
    #expect(recalculated["CANCELLATION_FEE"] == 0)
    #expect(recalculated["POLICY_FEE"] == 2_500)
  }

  /// On the last day the fee is held to what is left to refund: a cancellation never charges
  /// more than the premium.
  @Test func theFeeNeverMakesACancellationCostMoreThanThePremium() throws {
    let recalculated = try settlement(asOf: "2026-12-31")
    #expect(
      recalculated.lines.map { "\($0.code) \($0.amount)" } == [
        "BASE 145849", "POLICY_FEE 2500", "PREMIUM_TAX 31153", "CANCELLATION_FEE 486",
      ])
    #expect(recalculated.total == 179_988)
  }

  @Test func documentsTheNumbersInTheExamplesReadme() throws {
    let readme = try CatalogTestPaths.read("examples/README.md")
    for figure in ["1,799.88", "1,462.50", "312.38", "360.62", "80.98", "50.00", "516.60", "1,283.28"] {
      #expect(readme.contains(figure), "examples/README.md does not show \(figure)")
    }
  }
}
