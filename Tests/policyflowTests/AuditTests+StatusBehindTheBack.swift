import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// A status set behind the engine's back is not acted on: a Pended policy made Approved with SQL
/// could be canceled by someone without an underwriter's rights, and the history then read as a
/// lawful sequence that `audit verify` passed (PostgreSQL trial).
extension AuditTests {
  @Test(arguments: TestStore.all) func aStatusChangedBehindTheEnginesBackIsRefusedNotActedOn(_ kind: TestStore)
    throws
  {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-pended-sum-assured.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    try store.tamper("UPDATE policy SET status = 'Approved' WHERE code = '\(code)'")
    let before = try store.snapshot()
    for command in [
      ["policies", "cancel", code, "--date", "2026-06-01", "--reason", "test"],
      ["policies", "edit", code, "--set", "maxUsers=3"],
      ["pends", "resolve", code, "--all", "--note", "n"], ["policies", "submit", code],
    ] {
      let refused = try store.run(command + ["--as", "tester"])
      #expect(refused.exitCode == 1, "\(command): \(refused.stderr)")
      #expect(
        refused.stderr.contains(
          "is Approved, but its status history ends in Pended: the status, or the history it ends, was changed "
            + "behind the engine's back"),
        "\(command): \(refused.stderr)")
    }
    #expect(try store.snapshot() == before, "nothing was written")
    #expect(try store.verify().exitCode == 1, "and verify names the change")
  }

  /// A premium whose total (or a line) was changed with SQL is not shown or acted on as if it
  /// were the engine's: `show` printed the lines' total while the column said another, and a
  /// changed line made `show` and `cancel` fail with "a calculation result it cannot read" (exit
  /// 65), naming nothing (audit trial).
  @Test(arguments: TestStore.all) func aPremiumChangedBehindTheEnginesBackIsNamedNotShown(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    let row = try store.count("SELECT id FROM calculation WHERE in_force = 1")
    try store.tamper("UPDATE calculation SET total = total - 100")
    var before = try store.snapshot()
    func refused(_ command: [String]) throws {
      let refused = try store.run(command + ["--as", "tester"])
      #expect(refused.exitCode == 1, "\(command): \(refused.stderr)")
      #expect(
        refused.stderr.contains(
          "Calculation row \(row) of this policy is not as the engine writes one (its lines, its total and its "
            + "currency disagree): it was changed behind the engine's back"),
        "\(command): \(refused.stderr)")
    }
    let cancel = ["policies", "cancel", code, "--date", "2026-06-01", "--reason", "test"]
    for command in [["policies", "show", code], cancel] { try refused(command) }
    #expect(try store.snapshot() == before, "nothing was written")
    #expect(try store.verify().exitCode == 1, "and verify names the change")
    // The total put back, a line changed instead: its lines no longer add up to their total.
    try store.tamper(
      "UPDATE calculation SET total = total + 100, lines = replace(lines, '\"amount\":2500', '\"amount\":2400')")
    before = try store.snapshot()
    for command in [["policies", "show", code], cancel] { try refused(command) }
    #expect(try store.snapshot() == before, "nothing was written")
  }
}

/// The data access group a policy row is kept in (what row-level security and the rights read)
/// is its chained document's: a group cleared or changed with SQL, which showed the policy to
/// everyone, is named (PostgreSQL team trial).
extension AuditTests {
  @Test(arguments: TestStore.all) func aGroupChangedBehindTheEnginesBackIsNamed(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json") { $0.set(path: "accessGroup", to: "north") }
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.verify().exitCode == 0)
    let id = try store.count("SELECT id FROM policy WHERE code = '\(code)'")
    for (group, shown) in [("NULL", "none"), ("'south'", "'south'")] {
      try store.tamper("UPDATE policy SET access_group = \(group) WHERE code = '\(code)'")
      let result = try store.verify()
      #expect(result.exitCode == 1)
      #expect(
        result.stdout.contains(
          "policy row \(id) (version 1) is in data access group \(shown), but its chained document's is 'north': the "
            + "group was changed behind the engine's back"),
        "\(result.stdout)")
    }
  }
}
