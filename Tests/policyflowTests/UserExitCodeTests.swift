import PolicyFlowTestSupport
import Testing

/// `users add|update|remove` say what went wrong with the same exit codes as the rest of the
/// tool: a name that cannot be used (already taken, or unknown) is invalid input (65), and
/// taking the last administrator away is refused like a lifecycle transition (1). Each refusal
/// changes nothing.
@Suite(.serialized) struct UserExitCodeTests {
  @Test func addingAnExistingUserIsInvalidInput() throws {
    let store = try StoreFixture()
    try store.addUsers([("uw", ["--roles", "underwriter"])])
    let before = try store.snapshot()
    let again = try store.run(["users", "add", "uw", "--roles", "senior-underwriter", "--as", "tester"])
    #expect(again.exitCode == 65)
    #expect(again.stdout == "")
    #expect(
      again.stderr == "Error: User 'uw' already exists; 'policyflow users update' changes roles and groups.\n")
    #expect(try store.snapshot() == before)
  }

  /// A name that differs from a user's only in case would be one person under two names, who
  /// could check their own work (maker-checker compares names): refused, nothing written.
  @Test(arguments: TestStore.all) func aNameDifferingOnlyInCaseIsTaken(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.addUsers([("pat", ["--roles", "underwriter"])])
    let before = try store.snapshot()
    let twin = try store.run(["users", "add", "Pat", "--roles", "underwriter", "--as", "tester"])
    #expect(twin.exitCode == 65)
    #expect(twin.stderr.hasPrefix("Error: User 'pat' already exists, a name that differs from 'Pat' only in case"))
    #expect(try store.snapshot() == before)
    // Acting as such a name is answered with the user meant: the advice was to add it, which the
    // store refuses (operator trial).
    let acting = try store.run(["policies", "submit", "NOPE-1", "--as", "Pat"])
    #expect(acting.exitCode == 77)
    #expect(
      acting.stderr.hasPrefix("Error: User 'Pat' is not known to this store; did you mean 'pat'?"), "\(acting.stderr)")
    // A PostgreSQL login acts as itself and cannot take that advice: its name is to be mended.
    guard kind == .postgres else { return }
    let login = "Pat_\(UInt32.random(in: 0...UInt32.max))"
    try TestStore.connect(store.db).executeScript(
      "CREATE ROLE \"\(login)\" LOGIN; GRANT policyflow_operator TO \"\(login)\";")
    try store.addUsers([(login.lowercased(), ["--roles", "underwriter"])])
    let asLogin = try PolicyFlowBinary.run(
      [
        "policies", "submit", "NOPE-1", "--db",
        store.db.replacingOccurrences(of: "user=postgres", with: "user=\(login)"),
      ])
    #expect(
      asLogin.stderr.contains(
        "the store's user is '\(login.lowercased())', and this login '\(login)' acts as itself: the database "
          + "administrator renames the login to match"), "\(asLogin.stderr)")
  }

  /// A blank name in a list of roles or groups is a name left out: refused as a usage error, not
  /// dropped (the user would get fewer rights than typed). An empty value still clears a list.
  @Test(arguments: [
    ["users", "add", "uw", "--roles", "underwriter,,senior-underwriter"],
    ["users", "update", "tester", "--groups", "north,"],
  ])
  func aBlankNameInAListIsAUsageError(_ arguments: [String]) throws {
    let store = try StoreFixture()
    let before = try store.snapshot()
    let refused = try store.run(arguments + ["--as", "tester"])
    #expect(refused.exitCode == 64)
    #expect(
      refused.stderr.hasPrefix(
        "Error: \(arguments[3]) '\(arguments[4])' has a blank name in its list; give names separated by single "
          + "commas (or an empty value to clear the list).\nUsage: policyflow users \(arguments[1])"))
    #expect(try store.snapshot() == before)
    let cleared = try store.run(["users", "update", "tester", "--groups", "", "--as", "tester"])
    #expect(cleared.exitCode == 0, "\(cleared.stderr)")
  }

  @Test func updatingAnUnknownUserIsInvalidInput() throws {
    let store = try StoreFixture()
    let before = try store.snapshot()
    let updated = try store.run(["users", "update", "ghost", "--roles", "underwriter", "--as", "tester"])
    #expect(updated.exitCode == 65)
    #expect(updated.stdout == "")
    #expect(updated.stderr == "Error: No user 'ghost'; 'policyflow users add ghost' adds one.\n")
    #expect(try store.snapshot() == before)
  }

  @Test func removingAnUnknownUserIsInvalidInput() throws {
    let store = try StoreFixture()
    let before = try store.snapshot()
    let removed = try store.run(["users", "remove", "ghost", "--as", "tester"])
    #expect(removed.exitCode == 65)
    #expect(removed.stdout == "")
    #expect(removed.stderr == "Error: No user 'ghost'; 'policyflow users list' names them.\n")
    #expect(try store.snapshot() == before)
  }

  /// Removing the last administrator and taking its right away are the same refusal, with the
  /// same exit code, and either works once another administrator exists.
  @Test func theLastAdministratorStaysWhicheverWayItIsTakenAway() throws {
    let store = try StoreFixture()
    try store.addUsers([("uw", ["--roles", "underwriter"])])
    let before = try store.snapshot()
    let removed = try store.run(["users", "remove", "tester", "--as", "tester"])
    #expect(removed.exitCode == 1)
    #expect(removed.stdout == "")
    #expect(removed.stderr == "Error: User 'tester' is the last administrator; add another administrator first.\n")
    let demoted = try store.run(["users", "update", "tester", "--no-admin", "--as", "tester"])
    #expect(demoted.exitCode == 1)
    #expect(demoted.stdout == "")
    #expect(demoted.stderr == "Error: User 'tester' is the last administrator; make another user one first.\n")
    #expect(try store.snapshot() == before)

    #expect(try store.run(["users", "update", "uw", "--admin", "--as", "tester"]).exitCode == 0)
    let removedNow = try store.run(["users", "remove", "tester", "--as", "uw"])
    #expect(removedNow.exitCode == 0, "\(removedNow.stderr)")
    #expect(try store.query("SELECT name FROM app_user WHERE is_admin = 1") { try $0.string(at: 0) } == ["uw"])
  }
}
