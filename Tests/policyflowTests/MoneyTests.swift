import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// Premiums in force, settlements and cancellation dates, through the built binary
/// (DESIGN.md, "Cancellation and recalculation").
@Suite(.serialized) struct MoneyTests {
  /// The worked example's policy, imported by `tester`, submitted and approved.
  func approved(_ kind: TestStore = .sqlite, _ change: (inout JSON) -> Void = { _ in }) throws -> (StoreFixture, String)
  {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json", change: change)
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Approved")
    return (store, code)
  }

  /// No calculation row is reversed twice.
  func expectNothingReversedTwice(_ store: StoreFixture) throws {
    #expect(
      try store.count(
        "SELECT count(*) FROM (SELECT reverses FROM calculation WHERE reverses IS NOT NULL GROUP BY reverses HAVING count(*) > 1) AS twice"
      ) == 0)
  }

  @Test(arguments: TestStore.all) func anApprovedNewVersionReversesThePremiumItSupersedes(_ kind: TestStore) throws {
    let (store, code) = try approved(kind)
    #expect(try store.ledger(code) == (179_988, 179_988))
    // Kept under 250,000.00, so the manual edit needs no second person's review.
    try store.succeed(["policies", "edit", code, "--set", "sumAssured=20000000", "--as", "tester"])
    try store.succeed(["policies", "submit", code, "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Approved")
    let rows = try store.show(code)[path: "calculations"]?.arrayValue ?? []
    #expect(
      rows.map { "\($0[path: "kind"]!.stringValue!) v\($0[path: "version"]!.serialized())" } == [
        "premium v1", "reversal v2", "premium v2",
      ])
    // 200,000.00 × 585 / 100,000 = 1,170.00; fee 25.00; tax 21% of 1,195.00 = 250.95.
    #expect(rows.last?[path: "total"] == 144_595)
    #expect(try store.ledger(code) == (144_595, 144_595), "only version 2's premium is in force")

    let canceled = try store.succeed([
      "policies", "cancel", code, "--date", "2026-04-01", "--reason", "test", "--json", "--as", "tester",
    ])
    let outcome = try JSON(parsing: canceled.stdout)
    #expect(outcome[path: "reversed"] == 144_595)
    let settlement = try #require(outcome[path: "settlement.total"]?.serialized()).flatMap { Int($0) }
    #expect(try store.ledger(code) == (settlement!, settlement!), "the rows add up to the settlement in force")
    #expect(outcome[path: "balance"] == .int(settlement! - 144_595))
    try expectNothingReversedTwice(store)

    // An edit of the Canceled version has nothing in force: canceling it is refused.
    try store.succeed(["policies", "edit", code, "--set", "sumAssured=1000", "--as", "tester"])
    let before = try store.ledger(code)
    let again = try store.run([
      "policies", "cancel", code, "--date", "2026-05-01", "--reason", "test", "--as", "tester",
    ])
    #expect(again.exitCode == 1)
    #expect(again.stderr.contains("edits a Canceled version: the policy is canceled already"))
    #expect(again.stderr.contains("policyflow policies revert \(code)"))
    #expect(try store.ledger(code) == before)
    #expect(try store.count("SELECT count(*) FROM cancellation") == 1)
  }

  /// Amounts are shown in their currency's own unit: yen have no minor unit, dinars three
  /// decimals (with a catalog that prices them). The stored minor units are the worked example's either way; they were shown as if
  /// every currency had cents (179988 yen as "1799.88 JPY").
  @Test(arguments: [("JPY", "179988", "51660", "128328"), ("KWD", "179.988", "51.660", "128.328")])
  func amountsAreShownInTheirCurrencysUnit(_ currency: String, _ reversed: String, _ settled: String, _ refund: String)
    throws
  {
    // The shipped catalog's fees are cents of EUR or GBP, and it refuses other currencies
    // (POLICY_CURRENCY_NOT_PRICED); a copy that prices these two in the same minor units.
    let store = try StoreFixture()
    let catalog = store.directory.appendingPathComponent("priced").path
    for folder in ["flows", "rules", "schemas"] {
      try FileManager.default.copyItem(
        atPath: PolicyFlowBinary.packageRoot.appendingPathComponent(folder).path, toPath: catalog + "/" + folder)
    }
    let rules = catalog + "/rules/policy-data.json"
    let text = try String(contentsOfFile: rules, encoding: .utf8)
    #expect(text.contains(#"["EUR", "GBP"]"#))
    try text.replacingOccurrences(of: #"["EUR", "GBP"]"#, with: #"["EUR", "GBP", "\#(currency)"]"#)
      .write(toFile: rules, atomically: true, encoding: .utf8)
    let (path, code) = try store.writeExample("health-approved.json") {
      $0.set(path: "currency", to: .string(currency))
    }
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain", "--catalog", catalog])
    #expect(try store.status(code) == "Approved")
    let canceled = try store.succeed([
      "policies", "cancel", code, "--date", "2026-04-01", "--reason", "test", "--as", "tester", "--catalog", catalog,
    ])
    #expect(
      canceled.stdout
        == "\(code): Canceled as of 2026-04-01 (version 1). Reversed the \(reversed) \(currency) in force. "
        + "Settlement for the cover used: \(settled) \(currency). Refund: \(refund) \(currency).\n")
    #expect(try store.ledger(code) == (51_660, 51_660), "the same minor units as in euros")
    let shown = try store.succeed(["policies", "show", code, "--as", "tester"]).stdout
    #expect(shown.contains("in force: \(settled) \(currency) (cancellation of version 1)"), "\(shown)")
  }

  /// The shipped cancellation fee: none within the first 14 days of cover (a cancellation as of
  /// the 15th covered days 1–14), then 50.00. The 14th day charged the fee.
  @Test(arguments: [("2026-01-14", 13, 0), ("2026-01-15", 14, 0), ("2026-01-16", 15, 5000)])
  func noCancellationFeeWithinTheFirstFourteenDays(_ date: String, _ days: Int, _ fee: Int) throws {
    let (store, code) = try approved()
    try store.succeed(["policies", "cancel", code, "--date", date, "--reason", "cooling off", "--as", "tester"])
    let settlement = try #require(try store.show(code)[path: "calculations"]?.arrayValue?.last)
    let lines = settlement[path: "lines"]?.arrayValue ?? []
    #expect(lines.first { $0[path: "code"] == "CANCELLATION_FEE" }?[path: "amount"] == .int(fee), "\(lines)")
    #expect(
      lines.first { $0[path: "code"] == "BASE" }?[path: "description"]?.stringValue?.hasSuffix(
        "earned \(days) of 365 days") == true, "\(lines)")
  }

  /// examples/README.md's worked example, to the cent, end to end.
  @Test(arguments: TestStore.all) func theWorkedExampleSettlesToTheCent(_ kind: TestStore) throws {
    let (store, code) = try approved(kind)
    let canceled = try store.succeed([
      "policies", "cancel", code, "--date", "2026-04-01", "--reason", "customer request", "--as", "tester",
    ])
    #expect(
      canceled.stdout
        == "\(code): Canceled as of 2026-04-01 (version 1). Reversed the 1799.88 EUR in force. "
        + "Settlement for the cover used: 516.60 EUR. Refund: 1283.28 EUR.\n")
    let shown = try store.show(code)
    let settlement = try #require(shown[path: "calculations"]?.arrayValue?.last)
    #expect(settlement[path: "kind"] == "cancellation")
    #expect(settlement[path: "inForce"] == true)
    #expect(
      (settlement[path: "lines"]?.arrayValue ?? []).map { "\($0[path: "code"]!.stringValue!) \($0[path: "amount"]!)" }
        == ["BASE 36062", "POLICY_FEE 2500", "PREMIUM_TAX 8098", "CANCELLATION_FEE 5000"])
    #expect(try store.ledger(code) == (51_660, 51_660))
    // The cancellation is engine data, not part of the document.
    #expect(shown[path: "cancellation.date"] == "2026-04-01")
    #expect(shown[path: "cancellation.reason"] == "customer request")
    #expect(shown[path: "cancellation.actor"] == "tester")
    #expect(shown[path: "cancellation.at"]?.stringValue != nil)
    #expect(shown[path: "cancellation.calculateOnCancellation"] == true)
    #expect(shown[path: "cancellation.calculateOnCancellationSetBy"] == "flow")
    #expect(shown[path: "data.cancellation"] == nil)
    #expect(
      shown[path: "statusHistory"]?.arrayValue?.last?[path: "note"] == "canceled as of 2026-04-01: customer request")
    #expect(
      try store.run(["policies", "show", code]).stdout.contains("calculateOnCancellation true, from the flow's default")
    )
    // A new version starts without it.
    try store.succeed(["policies", "edit", code, "--set", "sumAssured=1000", "--as", "tester"])
    #expect(try store.show(code)[path: "data.cancellation"] == nil)
    #expect(try store.show(code)[path: "cancellation"] == .null)
  }

  /// An edit never approved is canceled with the policy, but the settlement is of the terms in
  /// force (version 1's currency and flag): the cancellation says so, where it read as if the
  /// edit's data had been settled.
  @Test func cancelingAnEditNeverApprovedSettlesTheTermsInForceAndSaysSo() throws {
    let (store, code) = try approved()
    try store.succeed([
      "policies", "edit", code, "--set", #"currency="GBP""#, "--set", "calculateOnCancellation=false", "--as",
      "tester",
    ])
    let canceled = try store.succeed([
      "policies", "cancel", code, "--date", "2026-04-01", "--reason", "test", "--as", "tester",
    ])
    #expect(
      canceled.stdout
        == "\(code): Canceled as of 2026-04-01 (version 2). Reversed the 1799.88 EUR in force. "
        + "Settlement for the cover used: 516.60 EUR. Refund: 1283.28 EUR. Canceled on the terms of version 1, the "
        + "one in force (its data and flow decided the above): the changes of version 2 were never approved.\n")
    let json = try store.succeed([
      "policies", "show", code, "--as", "tester", "--json",
    ])
    #expect(try JSON(parsing: json.stdout)[path: "data.currency"] == "GBP", "the edit's data stays the version's")
    #expect(try store.ledger(code) == (51_660, 51_660))
  }

  @Test func thePolicysOwnCalculateOnCancellationDecides() throws {
    let (store, code) = try approved { $0.set(path: "calculateOnCancellation", to: false) }
    let canceled = try store.succeed([
      "policies", "cancel", code, "--date", "2026-04-01", "--reason", "test", "--as", "tester",
    ])
    #expect(canceled.stdout.contains("No settlement: calculateOnCancellation is false on the policy."))
    #expect(canceled.stdout.contains("Refund: 1799.88 EUR."))
    #expect(try store.ledger(code) == (0, 0))
    let shown = try store.show(code)
    #expect(shown[path: "cancellation.calculateOnCancellation"] == false)
    #expect(shown[path: "cancellation.calculateOnCancellationSetBy"] == "policy")

    // Validated as a boolean on import and on edit.
    let (path, _) = try store.writeExample("health-pended-sum-assured.json") {
      $0.set(path: "calculateOnCancellation", to: "yes")
    }
    let refused = try store.run(["policies", "import", path, "--as", "tester"])
    #expect(refused.exitCode == 65)
    #expect(refused.stderr.contains("\(path):1: calculateOnCancellation: must be true or false, found 'yes'"))
    #expect(try store.count("SELECT count(*) FROM policy") == 1)
    let edit = try store.run(["policies", "edit", code, "--set", "calculateOnCancellation=1", "--as", "tester"])
    #expect(edit.exitCode == 65)
    #expect(try store.count("SELECT count(*) FROM policy") == 1)
  }

  @Test(arguments: TestStore.all) func aDateAfterTheCoverIsRefusedAndOneBeforeItIsFromInception(_ kind: TestStore)
    throws
  {
    let (store, code) = try approved(kind)
    let late = try store.run(["policies", "cancel", code, "--date", "2027-01-01", "--reason", "test", "--as", "tester"])
    #expect(late.exitCode == 65)
    #expect(
      late.stderr
        == "Error: Policy \(code) cannot be canceled as of 2027-01-01: the cancellation date 2027-01-01 is after the "
        + "cover's end (2026-12-31); give the first day no longer covered, 2026-12-31 at the latest (2026-01-01 or "
        + "earlier cancels from inception).\n")
    #expect(try store.status(code) == "Approved")
    #expect(try store.ledger(code) == (179_988, 179_988))
    #expect(try store.count("SELECT count(*) FROM calculation") == 1)

    let flat = try store.succeed([
      "policies", "cancel", code, "--date", "2025-12-15", "--reason", "test", "--as", "tester",
    ])
    #expect(flat.stdout.contains("Canceled as of 2025-12-15 (version 1), from inception."))
    #expect(flat.stdout.contains("Refund: 1799.88 EUR."))
    #expect(try store.ledger(code) == (0, 0), "nothing earned, and the flow charges no fees from inception")
    #expect(try store.show(code)[path: "cancellation.fromInception"] == true)
  }
}
