import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

extension DatabaseLoginTests {
  /// A replay by an operator's login, from which row-level security hides the other groups'
  /// policies, says so (it said nothing, and `leftOut` was empty: a rule author misjudged a
  /// catalog change's impact; PostgreSQL trial); the owner's login replays them all, silently.
  @Test func aReplayByALoginThatCannotSeeEveryGroupSaysSo() throws {
    let (store, person, _) = try storeWithLogins()
    let (path, _) = try store.writeExample("health-approved.json") {
      $0.set(path: "code", to: "HIDDEN-1")
      $0.set(path: "accessGroup", to: "south")
    }
    try store.succeed(["policies", "import", path, "--as", "tester"])
    let catalog = PolicyFlowBinary.packageRoot.path
    let hidden = try PolicyFlowBinary.run([
      "policies", "replay", "--catalog", catalog, "--json", "--db", uri(store, as: person),
    ])
    #expect(hidden.exitCode == 0, "\(hidden.stderr)")
    #expect(
      hidden.stderr.contains(
        "Note: your login '\(person)' sees only the policies of its data access groups (the server's row-level "
          + "security): any in other groups were not replayed"), "\(hidden.stderr)")
    let report = try JSON(parsing: hidden.stdout)
    #expect(report[path: "loginSeesOnlyItsGroups"] == true)
    let whole = try store.succeed(["policies", "replay", "--catalog", catalog, "--json", "--as", "tester"])
    #expect(!whole.stderr.contains("row-level security"), "\(whole.stderr)")
    #expect(try JSON(parsing: whole.stdout)[path: "loginSeesOnlyItsGroups"] == false)
    #expect(
      (try JSON(parsing: whole.stdout)[path: "replayed"]?.number ?? 0) > (report[path: "replayed"]?.number ?? 0),
      "the owner's login replays the hidden policy too")
  }
}
