import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// On PostgreSQL the server says who acts: a person's login is their user, `--as` for someone
/// else is refused, the roles `init` creates limit what a worker's login may write, and row-level
/// security keeps policies of other data access groups out of reach of `psql` too.
@Suite(
  .serialized, .enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
struct DatabaseLoginTests {
  /// A PostgreSQL store with the examples imported by its owner (`tester`), and two logins of
  /// the tests' own: an underwriter with the operator role, and a worker.
  func storeWithLogins() throws -> (store: StoreFixture, person: String, worker: String) {
    let store = try StoreFixture(.postgres)
    let suffix = UInt32.random(in: 0...UInt32.max)
    let (person, worker) = ("uma_\(suffix)", "worker_\(suffix)")
    let owner = try TestStore.connect(store.db)
    try owner.executeScript(
      """
      CREATE ROLE \(person) LOGIN; GRANT policyflow_operator TO \(person);
      CREATE ROLE \(worker) LOGIN; GRANT policyflow_worker TO \(worker);
      """)
    try store.succeed(["users", "add", person, "--roles", "underwriter", "--as", "tester"])
    let examples = PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies").path
    try store.succeed(["policies", "import", examples, "--as", "tester"])
    return (store, person, worker)
  }

  /// `body` fails because row-level security refuses the link it inserts (not for another reason,
  /// such as a mistake in its SQL).
  func expectRefusedByRowLevelSecurity(
    sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> Void
  ) throws {
    let error = #expect(throws: (any Error).self, sourceLocation: sourceLocation) { try body() }
    #expect(
      "\(error.map { String(describing: $0) } ?? "")".contains("violates row-level security policy for table"),
      "\(String(describing: error))", sourceLocation: sourceLocation)
  }

  /// The store's URI with `login` connecting instead of the owner.
  func uri(_ store: StoreFixture, as login: String) -> String {
    store.db.replacingOccurrences(of: "user=postgres", with: "user=\(login)")
  }

  /// Roles a database administrator creates after the store was made (its owner could not)
  /// have no rights on it: `init` run again by the owner gives them the rights of the latest
  /// schema, as the migrations would have, narrowed where later schemas narrowed them.
  @Test func initRunAgainGivesTheRolesTheirRights() throws {
    let (store, person, worker) = try storeWithLogins()
    // Every right the migrations gave the three roles: on tables, columns, sequences, functions.
    let rights = """
      SELECT c.relname, a.grantee::regrole::text, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
      WHERE c.relnamespace = current_schema()::regnamespace AND a.grantee::regrole::text LIKE 'policyflow\\_%'
      UNION ALL
      SELECT c.relname || '.' || t.attname, a.grantee::regrole::text, a.privilege_type
      FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid, aclexplode(t.attacl) a
      WHERE c.relnamespace = current_schema()::regnamespace AND a.grantee::regrole::text LIKE 'policyflow\\_%'
      UNION ALL
      SELECT p.proname, a.grantee::regrole::text, a.privilege_type FROM pg_proc p, aclexplode(p.proacl) a
      WHERE p.pronamespace = current_schema()::regnamespace AND a.grantee::regrole::text LIKE 'policyflow\\_%'
      ORDER BY 1, 2, 3
      """
    let granted = try TestStore.connect(store.db).query(rights) { row in try (0..<3).map { try row.string(at: $0) } }
    #expect(granted.count > 50, "\(granted)")
    // As a store made while the roles did not exist: no rights at all.
    try TestStore.connect(store.db).executeScript(
      """
      REVOKE ALL ON ALL TABLES IN SCHEMA public FROM policyflow_worker, policyflow_operator, policyflow_admin;
      REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM policyflow_worker, policyflow_operator, policyflow_admin;
      """)
    let refused = try PolicyFlowBinary.run(["policies", "list", "--db", uri(store, as: person)])
    #expect(refused.exitCode == 77, "the server's refusal of a right is 'not permitted'")
    #expect(refused.stderr.contains("permission denied"), "\(refused.stderr)")
    #expect(
      refused.stderr.contains("the store's owner runs 'policyflow init' after they were created"), "\(refused.stderr)")

    let again = try store.succeed(["init"])
    #expect(again.stderr.isEmpty, "the roles exist: \(again.stderr)")
    let listed = try PolicyFlowBinary.run(["policies", "list", "--db", uri(store, as: person)])
    #expect(listed.exitCode == 0, "\(listed.stderr)")
    try store.succeed(["policies", "submit", "HP-2026-000101", "--as", "tester"])
    let processed = try PolicyFlowBinary.run(["worker", "--drain", "--db", uri(store, as: worker)])
    #expect(processed.exitCode == 0, "\(processed.stderr)")
    // The narrowing of later schemas holds: an operator may not insert a seal, nor set who wrote a link.
    // Nor use the sequence of the seals' heads, made after the schemas that gave sequences to all.
    let privileges = try TestStore.connect(store.db).query(
      """
      SELECT has_table_privilege('policyflow_operator', 'audit_seal', 'INSERT'),
        has_column_privilege('policyflow_operator', 'audit_link', 'written_by', 'INSERT'),
        has_column_privilege('policyflow_operator', 'audit_link', 'link', 'INSERT'),
        has_table_privilege('policyflow_admin', 'audit_seal', 'INSERT'),
        has_sequence_privilege('policyflow_worker', pg_get_serial_sequence('audit_seal_head', 'id'), 'USAGE'),
        has_sequence_privilege('policyflow_operator', pg_get_serial_sequence('audit_seal_head', 'id'), 'USAGE'),
        has_sequence_privilege('policyflow_admin', pg_get_serial_sequence('audit_seal_head', 'id'), 'USAGE'),
        has_sequence_privilege('policyflow_worker', pg_get_serial_sequence('cycle', 'id'), 'USAGE')
      """
    ) { row in try (0..<8).map { try row.bool(at: $0) } }
    #expect(privileges == [[false, false, true, true, false, false, true, true]])
    // Exactly what the migrations gave, no more and no less.
    #expect(
      try TestStore.connect(store.db).query(rights) { row in try (0..<3).map { try row.string(at: $0) } } == granted)
  }

  /// A login that is no PolicyFlow user sees only policies outside groups, and is told so (it
  /// cannot count the others: row-level security hides them), with how to become a user.
  @Test func aLoginThatIsNoUserIsToldItSeesOnlyPoliciesOutsideGroups() throws {
    let (store, _, _) = try storeWithLogins()
    let stranger = try store.newLogin("eve", granted: "policyflow_operator")
    let listed = try PolicyFlowBinary.run(["policies", "list", "--db", store.uri(as: stranger)])
    #expect(listed.exitCode == 0, "\(listed.stderr)")
    #expect(
      listed.stderr
        == "Note: '\(stranger)' is not a user of this store, so only policies outside data access groups are "
        + "shown; an administrator adds you with 'policyflow users add \(stranger) --groups …'.\n")
    // Changing something, it is told how to become a user, not to use --as, which its login may not.
    let submitted = try PolicyFlowBinary.run(["policies", "submit", "HP-2026-000101", "--db", store.uri(as: stranger)])
    #expect(submitted.exitCode == 77)
    #expect(
      submitted.stderr.contains(
        "User '\(stranger)' is not known to this store; an administrator adds this login's user with "
          + "'policyflow users add \(stranger) --roles ROLE,…'."), "\(submitted.stderr)")
    #expect(!submitted.stderr.contains("--as"), "\(submitted.stderr)")
  }

  /// PolicyFlow does not create logins: adding a user whose login is missing, cannot log in or
  /// lacks its grants says which SQL makes it, with the name quoted where PostgreSQL would fold it
  /// (an unquoted CREATE ROLE Eve makes the login eve, which is not the user Eve); that SQL works.
  @Test func addingAUserNamesTheLoginSQLItStillNeeds() throws {
    let (store, person, worker) = try storeWithLogins()
    // A worker's login is not told to take a person's role (its acts would read as a worker's).
    let asWorker = try PolicyFlowBinary.run(["users", "add", worker, "--db", store.db, "--as", "tester"])
    #expect(asWorker.exitCode == 0)
    #expect(asWorker.stderr.isEmpty, "\(asWorker.stderr)")
    let name = "Eve\(UInt32.random(in: 0...UInt32.max))"
    let added = try PolicyFlowBinary.run([
      "users", "add", name, "--roles", "underwriter", "--db", store.db, "--as", "tester",
    ])
    #expect(added.exitCode == 0, "\(added.stderr)")
    let sql = "CREATE ROLE \"\(name)\" LOGIN; GRANT policyflow_operator TO \"\(name)\";"
    #expect(
      added.stderr
        == "Note: \(name) acts through the database login of the same name, which does not exist yet; the database "
        + "administrator runs: \(sql)\n")
    try TestStore.connect(store.db).executeScript(sql)
    let listed = try PolicyFlowBinary.run([
      "policies", "list", "--db", store.db.replacingOccurrences(of: "user=postgres", with: "user=\(name)"),
    ])
    #expect(listed.exitCode == 0, "\(listed.stderr)")
    #expect(listed.stderr.isEmpty, "the login is the user: \(listed.stderr)")
    // An unquoted CREATE ROLE made the folded login: named as another.
    let folded = "Bob\(UInt32.random(in: 0...UInt32.max))"
    try TestStore.connect(store.db).executeScript("CREATE ROLE \(folded) LOGIN;")
    let bob = try PolicyFlowBinary.run(["users", "add", folded, "--db", store.db, "--as", "tester"])
    #expect(
      bob.stderr.contains(
        "which does not exist yet (the login \(folded.lowercased()) is another: PostgreSQL folds a name written "
          + "without quotes to lower case); the database administrator runs: CREATE ROLE \"\(folded)\" LOGIN;"),
      "\(bob.stderr)")
    // An administrator needs the administrators' role too; a login with every grant needs nothing.
    let admin = try PolicyFlowBinary.run([
      "users", "add", "boss_\(name.lowercased())", "--admin", "--db", store.db, "--as", "tester",
    ])
    #expect(admin.stderr.contains("GRANT policyflow_operator, policyflow_admin TO boss_"), "\(admin.stderr)")
    // Made an administrator later, the same: the login needs the administrators' role too (an
    // update said nothing); made no administrator again, the role is to be taken back.
    let promoted = try PolicyFlowBinary.run(["users", "update", name, "--admin", "--db", store.db, "--as", "tester"])
    #expect(promoted.exitCode == 0, "\(promoted.stderr)")
    #expect(
      promoted.stderr
        == "Note: \(name) acts through the database login of the same name, which cannot act yet; the database "
        + "administrator runs: GRANT policyflow_admin TO \"\(name)\";\n")
    try TestStore.connect(store.db).executeScript("GRANT policyflow_admin TO \"\(name)\";")
    let demoted = try PolicyFlowBinary.run(["users", "update", name, "--no-admin", "--db", store.db, "--as", "tester"])
    #expect(
      demoted.stderr
        == "Note: \(name)'s database login still holds policyflow_admin, with which it may change the users (and "
        + "make itself an administrator again); the database administrator runs: REVOKE policyflow_admin FROM "
        + "\"\(name)\";\n")
    try TestStore.connect(store.db).executeScript("REVOKE policyflow_admin FROM \"\(name)\";")
    let settled = try PolicyFlowBinary.run(["users", "update", name, "--no-admin", "--db", store.db, "--as", "tester"])
    #expect(settled.stderr.isEmpty, "\(settled.stderr)")
    try store.succeed(["users", "remove", person, "--as", "tester"])
    let ready = try PolicyFlowBinary.run(["users", "add", person, "--db", store.db, "--as", "tester"])
    #expect(ready.exitCode == 0)
    #expect(ready.stderr.isEmpty, "\(ready.stderr)")
  }

  @Test func aPersonActsAsTheirLoginAndMayNotClaimAnotherName() throws {
    let (store, person, _) = try storeWithLogins()
    let mine = uri(store, as: person)
    let listed = try PolicyFlowBinary.run(["policies", "list", "--db", mine])
    #expect(listed.exitCode == 0, "\(listed.stderr)")
    let outsideGroups = try store.count("SELECT count(*) FROM policy WHERE access_group IS NULL")
    #expect(listed.stdout.split(separator: "\n").count == outsideGroups + 1, "\(listed.stdout)")

    let claimed = try PolicyFlowBinary.run(["policies", "submit", "HP-2026-000101", "--as", "tester", "--db", mine])
    #expect(claimed.exitCode == 77)
    #expect(
      claimed.stderr.contains(
        "connected to this store as database login '\(person)', so you act as user '\(person)'; acting as 'tester'"),
      "\(claimed.stderr)")
    let reading = try PolicyFlowBinary.run(["policies", "list", "--as", "tester", "--db", mine])
    #expect(reading.exitCode == 77, "reading as someone else is acting as them too")

    // Acting as themselves works, and history names them.
    let submitted = try PolicyFlowBinary.run(["policies", "submit", "HP-2026-000101", "--db", mine])
    #expect(submitted.exitCode == 0, "\(submitted.stderr)")
    #expect(
      try store.count(
        "SELECT count(*) FROM status_history WHERE event = 'submit' AND actor = '\(person)'") == 1)
  }

  @Test func rowLevelSecurityHidesOtherGroupsFromTheTablesThemselves() throws {
    let (store, person, _) = try storeWithLogins()
    let total = try store.count("SELECT count(*) FROM policy")
    let outsideGroups = try store.count("SELECT count(*) FROM policy WHERE access_group IS NULL")
    #expect(outsideGroups < total, "the examples have policies in data access groups")
    let asPerson = try TestStore.connect(uri(store, as: person))
    for table in ["policy", "policy_data", "status_history"] {
      let seen = try asPerson.queryOne("SELECT count(*) FROM \(table)") { try $0.int(at: 0) }
      #expect(seen == outsideGroups, "\(table) shows only policies outside groups")
    }
    // Given the group, the person sees its policies too.
    let groups = try store.query("SELECT DISTINCT access_group FROM policy WHERE access_group IS NOT NULL") {
      try $0.string(at: 0)
    }
    try store.succeed(["users", "update", person, "--groups", groups.joined(separator: ","), "--as", "tester"])
    #expect(try asPerson.queryOne("SELECT count(*) FROM policy") { try $0.int(at: 0) } == total)
  }

  /// The chains are history like the rest: an operator's login reads, and appends to, only those of
  /// policies it may see. An operator could read every chain and append a correctly hashed link to
  /// another group's policy listing its document with another hash, after which the engine refused
  /// every change of that policy as tampered with. Its own work still chains; workers and
  /// administrators see every chain.
  @Test func anOperatorsLoginReadsAndExtendsOnlyTheChainsOfPoliciesItMaySee() throws {
    let (store, person, worker) = try storeWithLogins()
    let grouped = try #require(
      try store.query("SELECT gid FROM policy WHERE access_group IS NOT NULL LIMIT 1") { try $0.string(at: 0) }.first)
    let visible = try store.count(
      "SELECT count(*) FROM audit_link a WHERE EXISTS (SELECT 1 FROM policy p WHERE p.gid = a.gid AND p.access_group IS NULL)"
    )
    let all = try store.count("SELECT count(*) FROM audit_link")
    #expect(visible > 0 && visible < all)
    let asPerson = try TestStore.connect(uri(store, as: person))
    #expect(try asPerson.queryOne("SELECT count(*) FROM audit_link") { try $0.int(at: 0) } == visible)
    #expect(
      try asPerson.queryOne("SELECT count(*) FROM audit_link WHERE gid = ?", [.text(grouped)]) { try $0.int(at: 0) }
        == 0)
    try expectRefusedByRowLevelSecurity {
      try asPerson.execute(
        "INSERT INTO audit_link (chain, gid, seq, at, entries, link) VALUES "
          + "((SELECT min(id) FROM policy WHERE gid = ?), ?, 99, '2026-01-01T00:00:00.000Z', '', ?)",
        [.text(grouped), .text(grouped), .text(String(repeating: "0", count: 64))])
    }
    #expect(try store.count("SELECT count(*) FROM audit_link WHERE seq = 99") == 0)
    // Its own work is chained as before; a worker's login and an administrator see every chain.
    let submitted = try PolicyFlowBinary.run(["policies", "submit", "HP-2026-000101", "--db", uri(store, as: person)])
    #expect(submitted.exitCode == 0, "\(submitted.stderr)")
    #expect(try asPerson.queryOne("SELECT count(*) FROM audit_link") { try $0.int(at: 0) } == visible + 1)
    let asWorker = try TestStore.connect(uri(store, as: worker))
    #expect(try asWorker.queryOne("SELECT count(*) FROM audit_link") { try $0.int(at: 0) } == all + 1)
    // The queue as an operator counts what the login may see, and says so; a worker's counts all.
    let partial = try PolicyFlowBinary.run(["queue", "--db", uri(store, as: person)])
    #expect(partial.exitCode == 0)
    #expect(
      partial.stderr
        == "Note: these counts are of the policies your login '\(person)' may see (its data access groups); a "
        + "worker's or an administrator's login counts the whole queue.\n")
    let whole = try PolicyFlowBinary.run(["queue", "--db", uri(store, as: worker)])
    #expect(whole.exitCode == 0)
    #expect(whole.stderr.isEmpty, "\(whole.stderr)")
    // And --json says so to a script, which does not read the note (SRE trial).
    for (login, part) in [(person, true), (worker, false)] {
      let report = try PolicyFlowBinary.run(["queue", "--json", "--db", uri(store, as: login)])
      #expect(try JSON(parsing: report.stdout)[path: "loginSeesOnlyItsGroups"] == .bool(part), "\(login)")
    }
    try store.succeed(["users", "update", person, "--admin", "--as", "tester"])
    #expect(try asPerson.queryOne("SELECT count(*) FROM audit_link") { try $0.int(at: 0) } == all + 1)
    #expect(try PolicyFlowBinary.run(["queue", "--db", uri(store, as: person)]).stderr.isEmpty)
    let drained = try PolicyFlowBinary.run(["worker", "--drain", "--db", uri(store, as: worker)])
    #expect(drained.exitCode == 0, "\(drained.stderr)")
    #expect(try store.verify().exitCode == 0)
  }

  /// What acting on a policy takes decides whose chain a login sees: its current version. An
  /// operator who held the group of an earlier version only neither reads nor extends the chain; a
  /// link whose chain is another policy's is refused whatever gid it claims; and a link hidden from
  /// an operator (written under a chain it does not belong to by a login that may) does not put the
  /// operator's appends out of step.
  @Test func aChainIsSeenByThoseWhoMayActOnTheCurrentVersion() throws {
    let store = try StoreFixture(.postgres)
    let (north, south) = (
      try store.newLogin("north", granted: "policyflow_operator"),
      try store.newLogin("south", granted: "policyflow_operator")
    )
    try store.succeed(["users", "add", north, "--roles", "policy-administrator", "--groups", "north", "--as", "tester"])
    try store.succeed(["users", "add", south, "--roles", "policy-administrator", "--groups", "south", "--as", "tester"])
    let (moved, movedCode) = try store.writeExample("health-approved.json") {
      $0.set(path: "accessGroup", to: "north")
    }
    let (stays, staysCode) = try store.writeExample("health-pended-sum-assured.json") {
      $0.set(path: "accessGroup", to: "south")
    }
    let (nearby, nearbyCode) = try store.writeExample("health-pended-manual-entry.json") {
      $0.set(path: "accessGroup", to: "north")
    }
    try store.succeed(["policies", "import", moved, stays, nearby, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    // The administrator moves the approved policy to the south: version 2 is there.
    try store.succeed(["policies", "edit", movedCode, "--set", "accessGroup=\"south\"", "--as", "tester"])
    let movedGid = try store.gid(movedCode)
    let asNorth = try TestStore.connect(store.uri(as: north))
    #expect(
      try asNorth.queryOne("SELECT count(*) FROM audit_link WHERE gid = ?", [.text(movedGid)]) { try $0.int(at: 0) }
        == 0, "the north held version 1 only")
    let zeros = DatabaseValue.text(String(repeating: "0", count: 64))
    try expectRefusedByRowLevelSecurity {
      try asNorth.execute(
        "INSERT INTO audit_link (chain, gid, seq, at, entries, link) VALUES "
          + "((SELECT min(id) FROM policy WHERE gid = ?), ?, 97, '2026-01-01T00:00:00.000Z', '', ?)",
        [.text(movedGid), .text(movedGid), zeros])
    }
    // Another policy's chain under a gid the login may see: refused too.
    let (staysGid, nearbyGid) = (try store.gid(staysCode), try store.gid(nearbyCode))
    try expectRefusedByRowLevelSecurity {
      try asNorth.execute(
        "INSERT INTO audit_link (chain, gid, seq, at, entries, link) VALUES "
          + "((SELECT min(id) FROM policy WHERE gid = ?), ?, 98, '2026-01-01T00:00:00.000Z', '', ?)",
        [.text(staysGid), .text(nearbyGid), zeros])
    }
    #expect(try store.count("SELECT count(*) FROM audit_link WHERE seq IN (97, 98)") == 0)
    // The south acts on both; a link hidden from it under one's chain does not stop it.
    try store.tamper(
      "INSERT INTO audit_link (chain, gid, seq, at, entries, link) SELECT min(id), '\(nearbyGid)', "
        + "(SELECT max(seq) + 1 FROM audit_link WHERE chain = min(policy.id)), '2026-01-01T00:00:00.000Z', '', "
        + "'\(String(repeating: "0", count: 64))' FROM policy WHERE gid = '\(staysGid)'")
    for code in [movedCode, staysCode] {
      let edited = try PolicyFlowBinary.run([
        "policies", "edit", code, "--set", "policyholder.email=\"x@example.com\"", "--db", store.uri(as: south),
      ])
      #expect(edited.exitCode == 0, "\(code): \(edited.stderr)")
    }
  }

  @Test func aWorkersLoginProcessesEveryPolicyButMayNotManageUsers() throws {
    let (store, _, worker) = try storeWithLogins()
    let codes = try store.query("SELECT code FROM policy") { try $0.string(at: 0) }
    try store.succeed(["policies", "submit"] + codes + ["--as", "tester"])
    let drained = try PolicyFlowBinary.run(["worker", "--drain", "--db", uri(store, as: worker)])
    #expect(drained.exitCode == 0, "\(drained.stderr)")
    #expect(try store.count("SELECT count(*) FROM policy WHERE status = 'In Process'") == 0)
    #expect(try store.count("SELECT count(*) FROM activity") == 0)
    // A person's command through a worker's login: refused, with what each login is for.
    let explained = try PolicyFlowBinary.run(["policies", "explain", codes[0], "--db", uri(store, as: worker)])
    #expect(explained.exitCode == 77, "\(explained.stderr)")
    #expect(explained.stderr.contains("a worker's login runs only 'policyflow worker'"), "\(explained.stderr)")
    let asWorker = try TestStore.connect(uri(store, as: worker))
    #expect {
      try asWorker.execute("INSERT INTO app_user (name, created_at) VALUES ('intruder', 'now')")
    } throws: { error in
      (error as? PostgresError)?.sqlState == "42501"
    }
  }

  /// A worker's login that holds policyflow_worker through a group role is a worker: it processes
  /// the policies in data access groups too (it passed over them, leaving them queued).
  @Test func aWorkerThroughAGroupRoleProcessesPoliciesInGroups() throws {
    let store = try StoreFixture(.postgres)
    let suffix = UInt32.random(in: 0...UInt32.max)
    let (group, worker) = ("workers_\(suffix)", "w_\(suffix)")
    try TestStore.connect(store.db).executeScript(
      "CREATE ROLE \(group) NOLOGIN; GRANT policyflow_worker TO \(group); CREATE ROLE \(worker) LOGIN; "
        + "GRANT \(group) TO \(worker);")
    let (path, code) = try store.writeExample("health-approved.json") { $0.set(path: "accessGroup", to: "north") }
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    let drained = try PolicyFlowBinary.run(["worker", "--drain", "--db", uri(store, as: worker)])
    #expect(drained.exitCode == 0, "\(drained.stderr)")
    #expect(try store.status(code) == "Approved")
  }

  /// An operator's login may not run a worker: its outcomes would read as forged in the audit.
  @Test func anOperatorsLoginMayNotRunAWorker() throws {
    let (store, person, _) = try storeWithLogins()
    let codes = try store.query("SELECT code FROM policy") { try $0.string(at: 0) }
    try store.succeed(["policies", "submit"] + codes + ["--as", "tester"])
    let before = try store.snapshot()
    let refused = try PolicyFlowBinary.run(["worker", "--drain", "--db", uri(store, as: person)])
    #expect(refused.exitCode == 77, "\(refused.stderr)")
    #expect(refused.stderr.contains("The login \(person) is an operator's, not a worker's"), "\(refused.stderr)")
    #expect(try store.snapshot() == before, "nothing was claimed")
  }

  /// A code taken by a policy in a group the login cannot see: refused in the engine's words, with
  /// nothing imported (it was the server's raw unique-constraint error, "This is unexpected").
  @Test func importingACodeTakenInAGroupOneCannotSeeIsRefusedPlainly() throws {
    let (store, person, _) = try storeWithLogins()
    let (grouped, code) = try store.writeExample("health-approved.json") {
      $0.set(path: "code", to: "N-001")
      $0.set(path: "accessGroup", to: "north")
    }
    try store.succeed(["policies", "import", grouped, "--as", "tester"])
    let (mine, _) = try store.writeExample("health-approved.json") { $0.set(path: "code", to: .string(code)) }
    let before = try store.count("SELECT count(*) FROM policy")
    let refused = try PolicyFlowBinary.run(["policies", "import", mine, "--db", uri(store, as: person)])
    #expect(refused.exitCode == 65, "\(refused.stderr)")
    #expect(
      refused.stderr.contains("is taken by a policy already in the store, in a data access group you do not hold"))
    #expect(!refused.stderr.contains("unexpected"), "\(refused.stderr)")
    #expect(try store.count("SELECT count(*) FROM policy") == before)
  }
}
