import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// Declining applications, maker-checker, authority per role, reserved fields and history,
/// through the built binary (DESIGN.md, "Resolving pends" and the state table).
@Suite(.serialized) struct ControlsTests {
  /// The sum-assured example (750,000.00: above automatic acceptance, within an underwriter's
  /// authority) imported, submitted and pended in Underwriting review.
  func pended(_ store: StoreFixture, as actor: String = "tester", change: (inout JSON) -> Void = { _ in }) throws
    -> String
  {
    let (path, code) = try store.writeExample("health-pended-sum-assured.json", change: change)
    try store.succeed(["policies", "import", path, "--submit", "--as", actor])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Pended")
    return code
  }

  @Test(arguments: TestStore.all) func aDeclinedApplicationIsClosedAndLeavesThePendList(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.addUsers([("uw", ["--roles", "underwriter"]), ("outsider", [])])
    let code = try pended(store)
    let refused = try store.run(["policies", "decline", code, "--reason", "risk declined", "--as", "outsider"])
    #expect(refused.exitCode == 77)
    #expect(
      refused.stderr.hasPrefix(
        "Error: User 'outsider' may not decline policy \(code): declining takes the rights to resolve its open pend "
          + "reasons. User 'outsider' may not resolve 'SUM_ASSURED_REVIEW'"))
    #expect(try store.status(code) == "Pended")

    let declined = try store.succeed(["policies", "decline", code, "--reason", "risk declined", "--as", "uw"])
    #expect(declined.stdout == "\(code): declined (Canceled, version 1): risk declined.\n")
    #expect(try store.status(code) == "Canceled")
    #expect(
      try store.run(["pends", "list", "--json", "--as", "tester"]).stdout.trimmingCharacters(
        in: .whitespacesAndNewlines) == "[]")
    let shown = try store.show(code)
    #expect(shown[path: "pendHistory.0.withdrawnAt"]?.stringValue != nil, "withdrawn, and kept in history")
    // Explain says what became of the cycle it explains: the decline, with its reason, and the
    // pend reason withdrawn by it.
    let explained = try store.succeed(["policies", "explain", code, "--as", "tester"]).stdout
    #expect(explained.contains("Since then:\n  "), "\(explained)")
    #expect(explained.contains("decline → Canceled by uw"), "\(explained)")
    #expect(explained.contains("risk declined"), "\(explained)")
    #expect(explained.contains("SUM_ASSURED_REVIEW: "), "\(explained)")
    #expect(explained.contains("\n    withdrawn at "), "\(explained)")
    let json = try JSON(parsing: try store.succeed(["policies", "explain", code, "--json", "--as", "tester"]).stdout)
    #expect(json[path: "since.0.event"] == "decline")
    #expect(shown[path: "pendHistory.0.withdrawnBy"] == "uw", "who withdrew it: the one who declined")
    let history = try store.succeed(["policies", "history", code, "--as", "tester"]).stdout
    #expect(history.contains("SUM_ASSURED_REVIEW in "), "\(history)")
    #expect(history.contains(": withdrawn by uw (decline) at "), "\(history)")
    #expect(shown[path: "cancellation.kind"] == "decline")
    #expect(shown[path: "cancellation.reason"] == "risk declined")
    #expect(try store.count("SELECT count(*) FROM calculation") == 0, "nothing was in force")

    // An application in Edit, with no pend reason open, is declined by anyone who may edit it.
    let (path, other) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--as", "tester"])
    try store.succeed(["policies", "decline", other, "--reason", "withdrawn by the applicant", "--as", "uw"])
    #expect(try store.status(other) == "Canceled")

    // A policy that was approved once is canceled, not declined.
    let (approvedPath, approved) = try store.writeExample("group-approved.json")
    try store.succeed(["policies", "import", approvedPath, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    let notAnApplication = try store.run(["policies", "decline", approved, "--reason", "x", "--as", "tester"])
    #expect(notAnApplication.exitCode == 1)
    #expect(
      notAnApplication.stderr.contains(
        "Cancel it instead: 'policyflow policies cancel \(approved) --date YYYY-MM-DD --reason TEXT'"))
  }

  /// The rights come from the snapshot of the catalog the policy was pended under: one whose
  /// files were changed behind the engine's back (a limit raised by hand) is refused, not obeyed.
  @Test(arguments: TestStore.all) func aLimitRaisedInTheStoredCatalogBehindTheEnginesBackIsRefused(_ kind: TestStore)
    throws
  {
    let store = try StoreFixture(kind)
    try store.addUsers([("uw", ["--roles", "underwriter"])])
    let code = try pended(store) { $0.set(path: "sumAssured", to: 300_000_000) }
    let beyond = try store.run(["pends", "resolve", code, "--all", "--note", "x", "--as", "uw"])
    #expect(beyond.exitCode == 77, "\(beyond.stderr)")
    let hash = try #require(try store.query("SELECT hash FROM catalog_snapshot") { try $0.string(at: 0) }.first)
    try store.tamper("UPDATE catalog_snapshot SET files = replace(files, '200000000]', '900000000]')")
    let forged = try store.run(["pends", "resolve", code, "--all", "--note", "x", "--as", "uw"])
    #expect(forged.exitCode == 1, "\(forged.stderr)")
    #expect(
      forged.stderr.contains("The catalog snapshot \(hash) was changed behind the engine's back"), "\(forged.stderr)")
    #expect(try store.status(code) == "Pended")
    #expect(try store.count("SELECT count(*) FROM pend_history WHERE is_open = 1") >= 1, "the pend is still open")
    // Explain does not present the forged rules as those the policy ran under.
    let explained = try store.run(["policies", "explain", code, "--as", "tester"])
    #expect(explained.exitCode == 1, "\(explained.stdout)")
    #expect(explained.stderr.contains("The catalog snapshot \(hash) was changed behind the engine's back"))
  }

  /// A cancellation settles with the calculation of the catalog the policy was approved under: a
  /// snapshot changed behind the engine's back (a fee lowered by hand) is refused, nothing written.
  @Test(arguments: TestStore.all) func aCancellationUnderAChangedSnapshotIsRefused(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Approved")
    try store.tamper("UPDATE catalog_snapshot SET files = replace(files, 'Underwriting', 'Overwriting')")
    let before = try store.count("SELECT count(*) FROM cancellation")
    let refused = try store.run([
      "policies", "cancel", code, "--date", "2026-06-01", "--reason", "test", "--as", "tester",
    ])
    #expect(refused.exitCode == 1, "\(refused.stdout)")
    #expect(refused.stderr.contains("was changed behind the engine's back"), "\(refused.stderr)")
    #expect(try store.count("SELECT count(*) FROM cancellation") == before)
    #expect(try store.status(code) == "Approved")
  }

  /// A person cancels or reverts a policy only when they hold the group of every version it has
  /// had: on PostgreSQL the version in a group they do not hold is hidden from them, and a
  /// cancellation that cannot see the premium in force reversed nothing (PostgreSQL trial); a
  /// revert crashed. Edits of the version they see stay theirs.
  @Test(arguments: TestStore.all) func aPolicyWithAVersionInAnotherGroupIsNotActedOnByAnOutsider(_ kind: TestStore)
    throws
  {
    let store = try StoreFixture(kind)
    try store.addUsers([("uma", ["--roles", "policy-administrator,underwriter", "--groups", "north"])])
    let (path, code) = try store.writeExample("health-approved.json") { $0.set(path: "accessGroup", to: "south") }
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    try store.succeed(["policies", "edit", code, "--set", #"accessGroup="north""#, "--as", "tester"])
    let before = try store.snapshot()
    for (command, action) in [
      (["policies", "cancel", code, "--date", "2026-06-01", "--reason", "test"], "cancel"),
      (["policies", "revert", code], "revert"),
    ] {
      let refused = try store.run(command + ["--as", "uma"])
      #expect(refused.exitCode == 77, "\(command): \(refused.stderr)")
      #expect(
        refused.stderr.contains(
          "User 'uma' may not \(action) policy \(code): an earlier version of it is in data access group 'south', "
            + "which the user does not hold"),
        "\(command): \(refused.stderr)")
    }
    #expect(try store.snapshot() == before, "nothing was written")
    // The history leaves the version out on both stores, and says so (PostgreSQL hid it without
    // a word; SQLite showed it).
    let history = try store.succeed(["policies", "history", code, "--as", "uma"])
    #expect(!history.stdout.contains("v1 "), "\(history.stdout)")
    #expect(history.stdout.contains("v2  edit"), "\(history.stdout)")
    #expect(
      history.stderr
        == "Note: 1 version of policy \(code) was written in a data access group you do not hold, and is left out; "
        + "an administrator, or a user who holds every group it has been in, sees its whole history.\n")
    let json = try JSON(parsing: try store.succeed(["policies", "history", code, "--json", "--as", "uma"]).stdout)
    #expect(json[path: "hiddenVersions"] == 1)
    #expect(json[path: "cycles"]?.arrayValue?.isEmpty == true, "the only cycle ran on version 1")
    let whole = try JSON(parsing: try store.succeed(["policies", "history", code, "--json", "--as", "tester"]).stdout)
    #expect(whole[path: "hiddenVersions"] == 0)
    #expect(whole[path: "cycles"]?.arrayValue?.count == 1)
    // Nor is an export of it theirs, on either store (SQLite exported what PostgreSQL refused).
    let exported = try store.run(["audit", "export", code, "--as", "uma"])
    #expect(exported.exitCode == 77, "\(exported.stderr)")
    #expect(
      exported.stderr.contains(
        "1 of the 2 versions of policy \(code) was written in a data access group you may not see"),
      "\(exported.stderr)")
    // Acts on the version the person sees alone are theirs (a worker reads the rest).
    try store.succeed(["policies", "edit", code, "--set", "maxUsers=3", "--as", "uma"])
    // An administrator's cancellation reverses the premium in force.
    let canceled = try store.succeed([
      "policies", "cancel", code, "--date", "2026-06-01", "--reason", "test", "--as", "tester",
    ])
    #expect(canceled.stdout.contains("Reversed"), "\(canceled.stdout)")
  }

  /// Whoever imported, edited or submitted the version's data may not check it. The edit makes
  /// the entry manual, which Data quality has a second person review (maker-checker).
  @Test(arguments: TestStore.all) func makerCheckerKeepsEveryMakerOfTheDataFromResolvingIt(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let roles = ["--roles", "policy-administrator,underwriter"]
    try store.addUsers(["importer", "editor", "submitter", "checker"].map { ($0, roles) })
    let (path, code) = try store.writeExample("health-pended-sum-assured.json")
    try store.succeed(["policies", "import", path, "--as", "importer"])
    try store.succeed(["policies", "edit", code, "--set", #"policyholder.email="a@example.org""#, "--as", "editor"])
    try store.succeed(["policies", "submit", code, "--as", "submitter"])
    // A submit that finds the policy In Process already changes nothing, and makes no maker.
    try store.succeed(["policies", "submit", code, "--as", "checker"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Pended")
    #expect(try store.show(code)[path: "pendReasons.0.code"] == "MANUAL_ENTRY_REVIEW")
    for maker in ["importer", "editor", "submitter"] {
      let refused = try store.run(["pends", "resolve", code, "--all", "--note", "fine", "--as", maker])
      #expect(refused.exitCode == 77, "\(maker) resolved their own data")
      #expect(refused.stderr.contains("requires a second person (maker-checker), and '\(maker)' created, imported"))
    }
    try store.succeed(["pends", "resolve", code, "--all", "--note", "checked", "--as", "checker"])
  }

  /// A version starts from the one before it: a change canceled before it was approved came
  /// back in the next version, edited by someone else, and its maker then approved it (money
  /// trial). The makers of versions never approved stay makers, back to the last approved one;
  /// the makers of the approved version do not.
  @Test(arguments: TestStore.all) func aMakersChangeCarriedIntoALaterVersionStaysTheirs(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let roles = ["--roles", "policy-administrator,underwriter"]
    try store.addUsers(["pat", "carl", "uma", "sam"].map { ($0, roles) })
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "pat"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Approved")
    try store.succeed(["policies", "edit", code, "--set", "sumAssured=75000000", "--as", "carl"])
    // Whoever cancels the change makes no data: sam may check the next version (review).
    try store.succeed(["policies", "cancel", code, "--date", "2026-01-01", "--reason", "test", "--as", "sam"])
    try store.succeed(["policies", "edit", code, "--set", #"policyholder.email="n@example.org""#, "--as", "uma"])
    try store.succeed(["policies", "submit", code, "--as", "uma"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Pended")
    #expect(try store.show(code)[path: "version"] == 3)
    let refused = try store.run(["pends", "resolve", code, "--all", "--note", "fine", "--as", "carl"])
    #expect(refused.exitCode == 77)
    #expect(
      refused.stderr.contains(
        "'carl' created, imported, edited or submitted the data of version 2, never approved, whose changes version 3 "
          + "carries."), "\(refused.stderr)")
    // sam, who canceled version 2, made no data and may check version 3; pat imported version 1,
    // which was approved: its data was checked, so pat may too.
    try store.succeed(["pends", "resolve", code, "--all", "--note", "checked", "--as", "sam"])
    try store.succeed(["worker", "--drain"])
    if try store.status(code) == "Pended" {
      try store.succeed(["pends", "resolve", code, "--all", "--note", "checked", "--as", "pat"])
    }
  }

  /// A resolution within an underwriter's authority holds for the sum it was given on: a later
  /// version with a larger sum pends again, whatever `reattach` says, and goes to the role whose
  /// authority covers it.
  @Test(arguments: TestStore.all) func authorityHoldsForTheDataItWasGivenOn(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.addUsers([
      ("uw", ["--roles", "underwriter"]), ("senior", ["--roles", "senior-underwriter"]),
      ("clerk", ["--roles", "policy-administrator"]),
    ])
    let code = try pended(store)
    try store.succeed(["pends", "resolve", code, "--all", "--note", "within my limit", "--as", "uw"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Approved")

    try store.succeed(["policies", "edit", code, "--set", "sumAssured=300000000", "--as", "tester"])
    try store.succeed(["policies", "submit", code, "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    // The manual edit is reviewed in Data quality first.
    try store.succeed(["pends", "resolve", code, "--reason", "MANUAL_ENTRY_REVIEW", "--note", "ok", "--as", "clerk"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Pended", "3,000,000.00 was never reviewed")
    #expect(try store.show(code)[path: "pendReasons.0.code"] == "SUM_ASSURED_REVIEW")
    let beyond = try store.run(["pends", "resolve", code, "--all", "--note", "x", "--as", "uw"])
    #expect(beyond.exitCode == 77)
    #expect(beyond.stderr.contains("as underwriter it is beyond the authority"))
    #expect(beyond.stderr.contains("sumAssured = 300000000"))
    #expect(beyond.stderr.contains("a user with the role senior-underwriter may"))
    try store.succeed(["pends", "resolve", code, "--all", "--note", "reviewed", "--as", "senior"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Approved")
    let resolution = try store.query(
      "SELECT resolved_version, resolved_data_at IS NOT NULL FROM pend_history WHERE resolved_by = 'senior'"
    ) { "\(try $0.int(at: 0)) \(try $0.int(at: 1))" }
    #expect(resolution == ["2 1"], "the resolution records the version and data it was given on")
  }

  @Test(arguments: TestStore.all) func engineFieldsInADocumentAreRefused(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json") {
      $0.set(path: "status", to: "Approved")
      $0.set(path: "gid", to: "0b7d5f0e-0000-4000-8000-000000000000")
    }
    let refused = try store.run(["policies", "import", path, "--as", "tester"])
    #expect(refused.exitCode == 65)
    #expect(
      refused.stderr.contains(
        "\(path):1: gid: is reserved for the engine (the engine issues it when the policy is created); remove it"))
    #expect(refused.stderr.contains("\(path):1: status: is reserved for the engine"))
    #expect(try store.count("SELECT count(*) FROM policy") == 0, "nothing imported")

    let (cleanPath, _) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", cleanPath, "--as", "tester"])
    let edit = try store.run(["policies", "edit", code, "--set", "version=7", "--as", "tester"])
    #expect(edit.exitCode == 65)
    #expect(edit.stderr.contains("version: is reserved for the engine"))
    #expect(try store.show(code)[path: "data.version"] == nil)
    // A whole document given with --data is named by its file and the field's own line.
    var document = try #require(try store.show(code)[path: "data"])
    document.set(path: "status", to: "Approved")
    let file = store.directory.appendingPathComponent("replacement.json")
    let text = "\n" + document.serialized(pretty: true)
    try text.write(to: file, atomically: true, encoding: .utf8)
    let line =
      try #require(
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex {
          $0.contains(#""status""#)
        }) + 1
    #expect(line > 2, "the field is further down than the document's first line")
    let replaced = try store.run(["policies", "edit", code, "--data", file.path, "--as", "tester"])
    #expect(replaced.exitCode == 65)
    #expect(
      replaced.stderr.contains("\n  \(file.path):\(line): status: is reserved for the engine"), "\(replaced.stderr)")
  }

  @Test(arguments: TestStore.all) func historyShowsEveryCycleWithItsMessagesAndPendReasons(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.addUsers([("uw", ["--roles", "underwriter"])])
    let code = try pended(store)
    try store.succeed(["pends", "resolve", code, "--all", "--note", "fine", "--as", "uw"])
    try store.succeed(["worker", "--drain"])
    let history = try JSON(
      parsing: try store.succeed(["policies", "history", code, "--json", "--as", "tester"]).stdout)
    let cycles = history[path: "cycles"]?.arrayValue ?? []
    #expect(cycles.map { $0[path: "status"]!.stringValue! } == ["Pended", "Approved"])
    #expect(cycles[0][path: "pendReasons.0.code"] == "SUM_ASSURED_REVIEW")
    #expect(cycles[0][path: "pendReasons.0.resolvedBy"] == "uw")
    #expect(cycles.allSatisfy { $0[path: "catalogHash"]?.stringValue?.hasPrefix("sha256:") == true })
    #expect(cycles.allSatisfy { $0[path: "actor"]?.stringValue?.isEmpty == false && $0[path: "at"] != nil })
    #expect(cycles[1][path: "messages"]?.arrayValue?.isEmpty == false, "the approving cycle's messages stay readable")
    let events = (history[path: "statusHistory"]?.arrayValue ?? []).map { $0[path: "event"]!.stringValue! }
    #expect(events == ["create", "submit", "processed", "resolve", "processed"])
    let linked = try store.query(
      "SELECT s.status, s.version, h.version FROM pend_history h JOIN status_history s ON s.id = h.status_history_id"
    ) { "\(try $0.string(at: 0)) \(try $0.int(at: 1)) \(try $0.int(at: 2))" }
    #expect(linked == ["Pended 1 1"])
    let text = try store.succeed(["policies", "history", code, "--as", "tester"]).stdout
    #expect(text.contains("processed → Pended"))
    #expect(text.contains("pend    SUM_ASSURED_REVIEW in Underwriting review: resolved by uw"))
    // History is read within the reader's rights, like show.
    let (path, grouped) = try store.writeExample("health-approved.json") { $0.set(path: "accessGroup", to: "north") }
    try store.succeed(["policies", "import", path, "--as", "tester"])
    let refused = try store.run(["policies", "history", grouped, "--as", "uw"])
    #expect(refused.exitCode == 77)
    #expect(refused.stderr.contains("may not see policy \(grouped)"))
  }
}
