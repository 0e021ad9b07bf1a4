import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// `policyflow store copy` through the binary: a store moved to PostgreSQL and back keeps every
/// row, a target that holds anything is refused, and only an administrator may copy.
@Suite(.serialized) struct StoreCopyTests {
  /// A store with a day's work in it: policies approved, pended, resolved, edited, reverted,
  /// canceled, sealed twice and queued, so that every table has rows.
  func busyStore(_ kind: TestStore) throws -> StoreFixture {
    let store = try StoreFixture(kind)
    try store.succeed(["users", "add", "uma", "--roles", "underwriter", "--as", "tester"])
    try store.succeed(["users", "add", "carl", "--roles", "policy-administrator", "--as", "tester"])
    try store.succeed(["catalog", "publish", "--catalog", PolicyFlowBinary.packageRoot.path, "--as", "tester"])
    let examples = PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies").path
    try store.succeed(["policies", "import", examples, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    try store.succeed(["audit", "seal", "--as", "tester"])
    try store.succeed(["pends", "resolve", "HP-2026-000102", "--all", "--note", "seen", "--as", "uma"])
    try store.succeed(["worker", "--drain"])
    try store.succeed([
      "policies", "cancel", "HP-2026-000101", "--date", "2026-04-01", "--reason", "test", "--as", "carl",
    ])
    try store.succeed([
      "policies", "edit", "HP-2026-000102", "--set", "policyholder.email=\"x@example.de\"", "--as", "carl",
    ])
    try store.succeed(["policies", "revert", "HP-2026-000102", "--as", "carl"])
    try store.succeed(["audit", "seal", "--as", "tester"])
    try store.importGenerated(3, prefix: "QUEUED")
    return store
  }

  /// Every row of every table, in key order, as text: equal in two stores that hold the same.
  func rows(_ location: String) throws -> [String: [String]] {
    let connection = try TestStore.connect(location)
    var tables: [String: [String]] = [:]
    for table in [
      "app_user", "catalog_snapshot", "catalog_publication", "policy", "policy_data", "status_history", "cycle",
      "pend_history", "worker_heartbeat",
      "calculation", "cancellation", "activity", "pend_claim", "audit_link", "audit_seal",
      "audit_seal_head",
    ] {
      tables[table] = try connection.query("SELECT * FROM \(table) ORDER BY 1") { row in
        (0..<row.columnCount).map { "\(row.columnName(at: $0))=\(row.value(at: $0))" }.joined(separator: "|")
      }
    }
    return tables
  }

  /// A copy reads one snapshot: with a worker live on the source it says what the copy will miss
  /// (it copied in silence, and the copy listed the source's worker as live).
  @Test func aCopyOfAStoreAWorkerRunsOnWarnsOfWhatItMisses() throws {
    let source = try StoreFixture()
    try TestStore.connect(source.db).executeScript(
      "INSERT INTO worker_heartbeat (owner, catalog_hash, started_at, seen_ms) VALUES ('vm:4242', 'sha256:x', "
        + "'2026-01-01T00:00:00.000Z', \(StoreTime.now().milliseconds))")
    let target = source.directory.appendingPathComponent("copy.sqlite").path
    let copy = try PolicyFlowBinary.run(["store", "copy", "--from", source.db, "--to", target, "--as", "tester"])
    #expect(copy.exitCode == 0, "\(copy.stderr)")
    #expect(
      copy.stderr.hasPrefix(
        "Warning: 1 worker is running on \(source.db) (vm:4242): what it commits after the copy reads the store is "
          + "not in the copy"), "\(copy.stderr)")
    // The source's workers are not the copy's: `queue` on the copy listed them as live.
    #expect(
      try TestStore.connect(target).queryOne("SELECT count(*) FROM worker_heartbeat", row: { try $0.int(at: 0) }) == 0)
    let onward = try PolicyFlowBinary.run([
      "store", "copy", "--from", target, "--to", target + ".again", "--as", "tester",
    ])
    #expect(onward.exitCode == 0, "\(onward.stderr)")
    #expect(!onward.stderr.contains("running on"), "\(onward.stderr)")
  }

  /// A copy into a database that does not exist says to create it, and not to init it first (the
  /// hint led to an init, and the copy then refused the database as not empty).
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aCopyIntoADatabaseThatDoesNotExistSaysToCreateItOnly() throws {
    let source = try StoreFixture()
    let server = try #require(ThrowawayPostgres.shared)
    let missing = server.uri(database: "pf_nosuch_\(UInt32.random(in: 0...UInt32.max))")
    let copy = try PolicyFlowBinary.run(["store", "copy", "--from", source.db, "--to", missing, "--as", "tester"])
    #expect(copy.exitCode == 1)
    #expect(copy.stderr.contains("The database does not exist; create it (createdb NAME)"), "\(copy.stderr)")
    #expect(copy.stderr.contains("(without init first: a copy goes into an empty database)"), "\(copy.stderr)")
  }

  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aStoreMovedToPostgreSQLAndBackKeepsEveryRow() throws {
    let source = try busyStore(.sqlite)
    let original = try rows(source.db)
    #expect(
      original.filter { $0.value.isEmpty }.keys.sorted() == ["pend_claim", "worker_heartbeat"],
      "every other table has rows")

    let postgres = try TestStore.postgres.newLocation(in: source.directory.path)
    let up = try PolicyFlowBinary.run([
      "store", "copy", "--from", source.db, "--to", postgres, "--as", "tester", "--json",
    ])
    #expect(up.exitCode == 0, "\(up.stderr)")
    let report = try JSON(parsing: up.stdout)
    #expect(report[path: "tables"]?.arrayValue?.count == 15)
    #expect(try rows(postgres) == original, "every row arrives as it was")

    let back = source.directory.appendingPathComponent("back.sqlite").path
    let down = try PolicyFlowBinary.run(["store", "copy", "--from", postgres, "--to", back, "--as", "tester"])
    #expect(down.exitCode == 0, "\(down.stderr)")
    #expect(down.stdout.contains("every table verified"))
    #expect(try rows(back) == original, "and comes back as it was")
    // Each seal holds on either copy, checked against the chain heads it recorded.
    let digests = try TestStore.connect(source.db).query("SELECT digest FROM audit_seal ORDER BY id") {
      try $0.string(at: 0)
    }
    #expect(digests.count == 2)
    for (location, digest) in [postgres, back].flatMap({ location in digests.map { (location, $0) } }) {
      let sealed = try PolicyFlowBinary.run([
        "audit", "verify", "--since-seal", digest, "--quiet", "--db", location, "--as", "tester",
      ])
      #expect(sealed.exitCode == 0, "\(location): \(sealed.stdout)\(sealed.stderr)")
    }

    // The moved store works: the queued policies are processed there, and ids go on from where
    // the source left them.
    let worker = try PolicyFlowBinary.run(["worker", "--drain", "--db", postgres])
    #expect(worker.exitCode == 0, "\(worker.stderr)")
    let listed = try PolicyFlowBinary.run(["policies", "list", "--status", "In Process", "--db", postgres])
    #expect(listed.stdout.split(separator: "\n").count == 1, "only the header: \(listed.stdout)")
    let highest = try TestStore.connect(source.db).queryOne("SELECT max(id) FROM status_history") {
      try $0.int64(at: 0)
    }
    let next = try TestStore.connect(postgres).queryOne(
      "SELECT min(id) FROM status_history WHERE id > ?", [.integer(highest ?? 0)]
    ) { try $0.optionalInt64(at: 0) }
    #expect(next == (highest ?? 0) + 1)
  }

  @Test(arguments: TestStore.all) func aTargetThatHoldsAnythingIsRefusedAndLeftAsItWas(_ kind: TestStore) throws {
    let source = try busyStore(.sqlite)
    let target = try StoreFixture(kind)
    let before = try rows(target.db)
    let refused = try PolicyFlowBinary.run(["store", "copy", "--from", source.db, "--to", target.db, "--as", "tester"])
    #expect(refused.exitCode == 1)
    #expect(refused.stderr.contains("is not empty (its table app_user has rows)"), "\(refused.stderr)")
    #expect(try rows(target.db) == before)
  }

  @Test func onlyAnAdministratorOfTheSourceMayCopyIt() throws {
    let source = try busyStore(.sqlite)
    let target = source.directory.appendingPathComponent("copy.sqlite").path
    let refused = try PolicyFlowBinary.run(["store", "copy", "--from", source.db, "--to", target, "--as", "carl"])
    #expect(refused.exitCode == 77)
    #expect(refused.stderr.contains("only administrators may"), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: target), "refused before the target is made")
    // A file that was there before is not the copy's to remove, a side file included.
    try "".write(toFile: target + "-wal", atomically: true, encoding: .utf8)
    let sideFile = try PolicyFlowBinary.run(["store", "copy", "--from", source.db, "--to", target, "--as", "carl"])
    #expect(sideFile.exitCode == 77)
    #expect(FileManager.default.fileExists(atPath: target + "-wal"))
    try FileManager.default.removeItem(atPath: target + "-wal")
    // A file that was there before a refused copy stays (empty, as it was).
    let made = try PolicyFlowBinary.run(["init", "--db", target, "--admin", "tester"])
    #expect(made.exitCode == 0, "\(made.stderr)")
    let again = try PolicyFlowBinary.run(["store", "copy", "--from", source.db, "--to", target, "--as", "carl"])
    #expect(again.exitCode == 77)
    #expect(try rows(target)["app_user"]?.count == 1, "its administrator only")
  }

  /// An administrator's own login (not the store owner's) copies a PostgreSQL store out: the
  /// sequences' last ids are read with the right it has (USAGE), not as tables (SELECT).
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func anAdministratorsOwnLoginCopiesAPostgreSQLStoreOut() throws {
    let source = try busyStore(.postgres)
    let login = "boss_\(UInt32.random(in: 0...UInt32.max))"
    try TestStore.connect(source.db).executeScript(
      "CREATE ROLE \(login) LOGIN; GRANT policyflow_operator, policyflow_admin TO \(login);")
    try source.succeed(["users", "add", login, "--admin", "--as", "tester"])
    let asBoss = source.db.replacingOccurrences(of: "user=postgres", with: "user=\(login)")
    #expect(asBoss != source.db)
    let target = source.directory.appendingPathComponent("out.sqlite").path
    let copied = try PolicyFlowBinary.run(["store", "copy", "--from", asBoss, "--to", target, "--quiet"])
    #expect(copied.exitCode == 0, "\(copied.stderr)")
    #expect(try rows(target) == rows(source.db), "every row, though the login is not the owner")
  }
}
