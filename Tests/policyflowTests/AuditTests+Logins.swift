import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// On PostgreSQL the server records the login that appended each link, and operators cannot set
/// it: an operator with `psql` who forges a row and appends a link for it is named when the row
/// is an outcome (only workers write those) or says someone else acted.
extension AuditTests {
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func anOperatorsLoginCannotPassOffAForgedOutcomeOrAnotherPersonsAct() throws {
    let store = try twoPolicies(.postgres)
    let opal = try store.newLogin("opal", granted: "policyflow_operator")
    let gid = try store.gid(Self.resolved)
    let submit = try store.statusRow(Self.resolved, event: "submit")
    let cycle = try #require(
      try store.query("SELECT max(c.id) FROM cycle c JOIN policy p ON p.id = c.policy_id WHERE p.gid = '\(gid)'") {
        try $0.int(at: 0)
      }.first)
    // A status change "by tester", and an outcome, both written and chained by opal.
    try store.tamper(
      """
      INSERT INTO status_history (policy_id, status, at, actor, note, gid, version, event)
      SELECT policy_id, status, at, 'tester', 'looks fine', gid, version, event FROM status_history WHERE id = \(submit)
      """, as: opal)
    let status = try store.count("SELECT max(id) FROM status_history")
    try store.tamper(
      """
      INSERT INTO cycle (policy_id, version, catalog_hash, at, status, flow, worker, outcome)
      SELECT policy_id, version, catalog_hash, at, status, flow, worker, outcome FROM cycle WHERE id = \(cycle)
      """, as: opal)
    let outcome = try store.count("SELECT max(id) FROM cycle")
    let export = try store.exportAsStored(Self.resolved)
    func hash(_ table: String, _ key: Int) throws -> String {
      try rowHash(
        try #require(
          export[path: "rows"]?.arrayValue?.first {
            $0[path: "table"] == .string(table) && $0[path: "key"] == .int(key)
          }))
    }
    let seq = try appendForgedLink(
      store, gid,
      entries:
        "status_history \(status) \(try hash("status_history", status))\ncycle \(outcome) \(try hash("cycle", outcome))\n",
      as: opal)
    #expect(
      try store.query("SELECT written_by FROM audit_link WHERE gid = '\(gid)' AND seq = \(seq)") {
        try $0.optionalString(at: 0)
      } == [opal], "the server recorded the login")

    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(found.filter { $0[path: "kind"] == "login" }.count == 2, "\(found)")
    // The forged status change also leaves the policy's status behind its history's end: said too.
    #expect(Set(found.compactMap { $0[path: "kind"]?.stringValue }) == ["login", "status"], "\(found)")
    let forgedOutcome = try #require(problem(found, "login", table: "cycle", key: outcome, link: seq), "\(found)")
    #expect(forgedOutcome[path: "found"] == .string(opal))
    let forgedAct = try #require(problem(found, "login", table: "status_history", key: status, link: seq), "\(found)")
    #expect(forgedAct[path: "expected"] == "tester")
    #expect(forgedAct[path: "found"] == .string(opal))
    let text = try store.verify()
    #expect(
      text.stdout.contains(
        "status_history row \(status) says tester acted, but link \(seq), which first lists it, was written by the "
          + "login \(opal): an operator acts under their own name; expected tester, found \(opal)"),
      "\(text.stdout)")

    // The login, and what it could do, are the server's to record: an operator can set neither.
    for (column, value) in [("written_by", "w"), ("written_as", "trusted")] {
      let refusal = #expect(throws: (any Error).self) {
        try TestStore.connect(store.uri(as: opal)).executeScript(
          "INSERT INTO audit_link (chain, gid, seq, at, entries, link, \(column)) "
            + "VALUES (1, 'g', 99, 'a', '', 'x', '\(value)')")
      }
      #expect("\(refusal.map { String(describing: $0) } ?? "")".contains("permission denied"), "\(column)")
    }

    // What the login could do was recorded with the link: granting it the administrators' role
    // afterwards does not make its forgeries read as trusted acts.
    try store.tamper("GRANT policyflow_admin TO \(opal)")
    let (later, _) = try problems(store)
    #expect(later.filter { $0[path: "kind"] == "login" }.count == 2, "\(later)")
  }

  /// The README's set-up: a store owned by a login that is no superuser, whose owner acts for
  /// others (`--as`) and runs the worker. The owner may set a link's login itself, so its links
  /// are trusted: the untouched store verifies. The policy is in a data access group: the owner
  /// was answered no head for its chain, as an operator outside the group would be, and its
  /// worker parked every batch that held such a policy (SRE trial; schema 20).
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aStoreWhoseOwnerIsNoSuperuserVerifiesAfterItsOwnerActsForOthers() throws {
    let server = try #require(ThrowawayPostgres.shared)
    let uri = try server.newDatabase()
    let owner = "own_\(UInt32.random(in: 0...UInt32.max))"
    let database = try #require(uri.split(separator: "?").first?.split(separator: "/").last)
    try TestStore.connect(uri).executeScript(
      "CREATE ROLE \(owner) LOGIN CREATEROLE; ALTER DATABASE \(database) OWNER TO \(owner);")
    let db = uri.replacingOccurrences(of: "user=postgres", with: "user=\(owner)")
    let store = try StoreFixture(.postgres)
    let (path, code) = try store.writeExample("health-approved.json") { $0.set(path: "accessGroup", to: "north") }
    for arguments in [
      ["init", "--admin", "alice"],
      ["users", "add", "carl", "--roles", "underwriter", "--groups", "north", "--as", "alice"],
      ["policies", "import", path, "--submit", "--as", "carl"], ["worker", "--drain"],
      ["policies", "cancel", code, "--date", "2026-04-01", "--reason", "Kündigung", "--as", "carl"],
    ] {
      let result = try PolicyFlowBinary.run(arguments + ["--db", db])
      #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
      #expect(!result.stderr.contains("parked"), "\(arguments.joined(separator: " ")): \(result.stderr)")
    }
    let verified = try PolicyFlowBinary.run(["audit", "verify", "--as", "alice", "--db", db])
    #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stdout.contains("every chain is intact"), "\(verified.stdout)")
  }

  /// A person's login acting for others as an administrator (`--as`), whose administrator right
  /// is taken away later: the server recorded what the login could do when it wrote each link
  /// (schema 18), so their earlier acts are not named as forged and the untouched store verifies.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func actsForOthersStayTrustedAfterTheAdministratorRightIsTakenAway() throws {
    let store = try StoreFixture(.postgres)
    let ada = try store.newLogin("ada", granted: "policyflow_operator")
    try store.succeed(["users", "add", ada, "--admin", "--as", "tester"])
    try store.succeed(["users", "add", "carl", "--roles", "underwriter", "--as", "tester"])
    let (path, code) = try store.writeExample("health-approved.json")
    for arguments in [
      ["policies", "import", path, "--submit", "--as", "carl"],
      ["policies", "cancel", code, "--date", "2026-04-01", "--reason", "moved away", "--as", "carl"],
    ] {
      if arguments[1] == "cancel" { try store.succeed(["worker", "--drain"]) }
      let result = try PolicyFlowBinary.run(arguments + ["--db", store.uri(as: ada)])
      #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
    }
    let recorded = try store.query("SELECT DISTINCT written_as FROM audit_link WHERE written_by = '\(ada)'") {
      try $0.optionalString(at: 0)
    }
    #expect(recorded == ["trusted"], "the server recorded what ada's login could do")

    try store.succeed(["users", "update", ada, "--no-admin", "--as", "tester"])
    let verified = try store.verify()
    #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stdout.contains("every chain is intact"), "\(verified.stdout)")
  }

  /// A function of the link writer's name planted before the upgrade by a login that may create
  /// in the store's schema (everyone, on PostgreSQL 14 and older) is not taken over: the upgrade
  /// stops and says so, and the store stays at schema 17. Operators may not change snapshots.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aPlantedLinkWriterStopsTheUpgradeAndSnapshotsAreNotTheOperatorsToChange() throws {
    let store = try StoreFixture(.postgres)
    let opal = try store.newLogin("opal", granted: "policyflow_operator")
    let changed = #expect(throws: (any Error).self) {
      try TestStore.connect(store.uri(as: opal)).executeScript("UPDATE catalog_snapshot SET files = files")
    }
    #expect("\(changed.map { String(describing: $0) } ?? "")".contains("permission denied"))

    try store.tamper(
      "ALTER TABLE audit_link DROP COLUMN written_as; DROP FUNCTION policyflow_link_writer(); "
        + "DELETE FROM schema_migrations WHERE version >= 18; GRANT CREATE ON SCHEMA public TO \(opal);")
    try store.tamper(
      "CREATE FUNCTION public.policyflow_link_writer() RETURNS text LANGUAGE sql AS $$ SELECT 'trusted' $$",
      as: opal)
    let opened = try store.run(["policies", "list", "--as", "tester"])
    #expect(opened.exitCode == 1)
    #expect(
      opened.stderr.contains("a function policyflow_link_writer() that the store's owner does not own is in schema"),
      "\(opened.stderr)")
    #expect(try store.count("SELECT max(version) FROM schema_migrations") == 17)
  }

  /// Schema 19's function, planted beforehand by a login that may create in the store's schema,
  /// is not taken over: the upgrade stops and says so, and the store stays at schema 18.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aPlantedChainVisibilityFunctionStopsTheUpgrade() throws {
    let store = try StoreFixture(.postgres)
    let opal = try store.newLogin("opal", granted: "policyflow_operator")
    try store.tamper(
      "DROP POLICY audit_link_by_access_group ON audit_link; ALTER TABLE audit_link DISABLE ROW LEVEL SECURITY; "
        + "DROP FUNCTION policyflow_may_see_chain(bigint, text); DROP FUNCTION policyflow_chain_heads(jsonb); "
        + "DELETE FROM schema_migrations WHERE version >= 19; "
        + "GRANT CREATE ON SCHEMA public TO \(opal);")
    try store.tamper(
      "CREATE FUNCTION public.policyflow_may_see_chain(a bigint, b text) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$",
      as: opal)
    let opened = try store.run(["policies", "list", "--as", "tester"])
    #expect(opened.exitCode == 1)
    #expect(
      opened.stderr.contains(
        "a function policyflow_may_see_chain() or policyflow_chain_heads() that the store's owner does not own is in "
          + "schema"),
      "\(opened.stderr)")
    #expect(try store.count("SELECT max(version) FROM schema_migrations") == 18)
  }

  /// A worker's login (a password kept on every worker server) forging a person's act: named.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aWorkersLoginCannotPassOffAPersonsAct() throws {
    let store = try twoPolicies(.postgres)
    let wendy = try store.newLogin("wendy", granted: "policyflow_worker")
    let gid = try store.gid(Self.resolved)
    let submit = try store.statusRow(Self.resolved, event: "submit")
    try store.tamper(
      """
      INSERT INTO status_history (policy_id, status, at, actor, note, gid, version, event)
      SELECT policy_id, status, at, 'tester', note, gid, version, event FROM status_history WHERE id = \(submit)
      """, as: wendy)
    let status = try store.count("SELECT max(id) FROM status_history")
    let export = try store.exportAsStored(Self.resolved)
    let row = try #require(
      export[path: "rows"]?.arrayValue?.first {
        $0[path: "table"] == "status_history" && $0[path: "key"] == .int(status)
      })
    let seq = try appendForgedLink(store, gid, entries: "status_history \(status) \(try rowHash(row))\n", as: wendy)
    let (found, _) = try problems(store)
    let named = try #require(problem(found, "login", table: "status_history", key: status, link: seq), "\(found)")
    #expect(named[path: "message"]?.stringValue?.contains("a worker acts under its own name") == true, "\(named)")
  }

  /// An operator with `psql` resolving a pend reason in someone else's name, and chaining it as
  /// the engine's own change (an open reason closed): the link's login is not the resolver's.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aPendResolvedInAnothersNameThroughPsqlIsNamed() throws {
    let store = try StoreFixture(.postgres)
    let opal = try store.newLogin("opal", granted: "policyflow_operator")
    let (pended, code) = try store.writeExample("health-pended-sum-assured.json")
    try store.succeed(["policies", "import", pended, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    let gid = try store.gid(code)
    let pend = try store.count("SELECT min(id) FROM pend_history WHERE gid = '\(gid)' AND is_open = 1")
    try store.tamper(
      "UPDATE pend_history SET is_open = 0, resolved_by = 'tester', resolved_at = '2026-12-07T00:00:00.000Z', "
        + "note = 'fine' WHERE id = \(pend)", as: opal)
    let export = try store.exportAsStored(code)
    let row = try #require(
      export[path: "rows"]?.arrayValue?.first { $0[path: "table"] == "pend_history" && $0[path: "key"] == .int(pend) })
    let seq = try appendForgedLink(store, gid, entries: "pend_history \(pend) \(try rowHash(row))\n", as: opal)
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    let named = try #require(problem(found, "login", table: "pend_history", key: pend, link: seq), "\(found)")
    #expect(named[path: "expected"] == "tester" && named[path: "found"] == .string(opal), "\(named)")
    #expect(
      named[path: "message"]?.stringValue?.contains("a person resolves under their own name") == true, "\(named)")
  }
}
