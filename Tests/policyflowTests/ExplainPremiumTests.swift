import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// `policies explain` shows the premium its cycle calculated line by line, with the values each
/// line read and its value before rounding: it showed the rules' reads and nothing of the money
/// (auditor trial).
struct ExplainPremiumTests {
  @Test(arguments: TestStore.all) func eachPremiumLineShowsWhatItReadAndItsRounding(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    let json = try JSON(parsing: try store.succeed(["policies", "explain", code, "--json", "--as", "tester"]).stdout)
    let premium = try #require(json[path: "premium"])
    #expect(premium[path: "explained"] == true, "\(premium)")
    // The lines the cycle recorded, amount for amount.
    let recorded = try #require(json[path: "cycle.calculation.lines"]?.arrayValue)
    let lines = try #require(premium[path: "lines"]?.arrayValue)
    #expect(lines.map { $0[path: "code"] } == recorded.map { $0[path: "code"] })
    #expect(lines.map { $0[path: "amount"] } == recorded.map { $0[path: "amount"] })
    #expect(premium[path: "total"] == json[path: "cycle.calculation.total"])
    // BASE reads the sum assured and the age its band is chosen by.
    let base = try #require(lines.first { $0[path: "code"] == "BASE" })
    let reads = base[path: "reads"]?.arrayValue ?? []
    #expect(reads.contains(["path": "sumAssured", "value": 25_000_000]), "\(reads)")
    #expect(reads.contains { $0[path: "path"] == "derived.ageAtStart" }, "\(reads)")
    // The tax reads the lines above it, and its value before rounding is kept: 21% of 1,487.50.
    let tax = try #require(lines.first { $0[path: "code"] == "PREMIUM_TAX" })
    #expect(
      tax[path: "reads"]?.arrayValue?.map { $0[path: "path"] } == ["lines.BASE", "lines.POLICY_FEE"], "\(tax)")
    #expect(tax[path: "unrounded"] == .double(31_237.5))
    #expect(tax[path: "amount"] == 31_238, "half to even")

    let text = try store.succeed(["policies", "explain", code, "--as", "tester"]).stdout
    #expect(text.contains("\nPremium: total 1799.88 EUR, by line"), "\(text)")
    #expect(text.contains("  PREMIUM_TAX  312.38  Insurance premium tax"), "\(text)")
    #expect(text.contains("    = 31237.5 before rounding, 31238 after\n"), "\(text)")
    #expect(text.contains("    read sumAssured = 25000000\n"), "\(text)")
  }

  /// A pended or returned policy's cycle calculated no premium: nothing is said of one.
  @Test func aCycleWithoutAPremiumSaysNothingOfOne() throws {
    let store = try StoreFixture()
    let (path, code) = try store.writeExample("health-fatal-under-age.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    let text = try store.succeed(["policies", "explain", code, "--as", "tester"]).stdout
    #expect(!text.contains("Premium"), "\(text)")
    let json = try JSON(parsing: try store.succeed(["policies", "explain", code, "--json", "--as", "tester"]).stdout)
    #expect(json[path: "premium"] == .null)
  }
}
