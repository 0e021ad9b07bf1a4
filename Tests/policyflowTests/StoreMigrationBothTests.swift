import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// Migrations and URIs as a user meets them on either store: several processes opening a new
/// store at once migrate it once, a store from a newer PolicyFlow is refused unchanged, and a
/// password given in a URI is never printed.
@Suite(.serialized) struct StoreMigrationBothTests {
  /// Several rounds: on SQLite the races are in the first moments of a new file (the switch to WAL
  /// answered BUSY at once to a process opening it then; an empty file just made was taken for the
  /// user's, until a new store appeared whole). Nothing of the making is left beside the store.
  @Test(arguments: TestStore.all) func processesCreatingOneStoreAtOnceMigrateItOnce(_ kind: TestStore) throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for round in 0..<(kind == .sqlite ? 5 : 3) {
      let db = try kind.newLocation(in: directory.path, file: "round-\(round).sqlite")
      let processes = try (0..<4).map { _ in try WorkerProcess(arguments: ["init", "--db", db], environment: [:]) }
      for process in processes { #expect(process.wait() == 0, "round \(round): \(process.log)") }
      let connection = try TestStore.connect(db)
      let versions = try connection.query("SELECT version FROM schema_migrations ORDER BY version") {
        try $0.int(at: 0)
      }
      #expect(
        versions == Array((kind == .sqlite ? 1 : 9)...PolicyStore.latestSchemaVersion),
        "round \(round): each migration recorded once")
    }
    if kind == .sqlite {
      let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix("round-") }
      #expect(left.isEmpty, "files left beside the stores: \(left)")
    }
  }

  @Test(arguments: TestStore.all) func aStoreFromANewerPolicyFlowIsRefusedUnchanged(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let connection = try TestStore.connect(store.db)
    try connection.execute(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
      [.integer(99), .text("from the future"), .text("2030-01-01T00:00:00Z")])
    let before = try store.snapshot()
    let refused = try store.run(["policies", "list", "--as", "tester"])
    #expect(refused.exitCode == 1)
    #expect(
      refused.stderr.contains(
        "was written by a newer PolicyFlow (schema version 99; this build knows up to \(PolicyStore.latestSchemaVersion))"
      ))
    #expect(try store.snapshot() == before)
  }

  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aPasswordInTheURIIsNeverPrinted() throws {
    let store = try StoreFixture(.postgres)
    // The tests' server trusts every local login, so any password connects.
    let withPassword = store.db.replacingOccurrences(of: "user=postgres", with: "user=postgres&password=hunter2")
    let credentials = withPassword.replacingOccurrences(of: "postgresql:///", with: "postgresql://postgres:sw0rdfish@/")
    for uri in [withPassword, credentials] {
      let opened = try PolicyFlowBinary.run(["init", "--db", uri])
      #expect(opened.exitCode == 0, "\(opened.stderr)")
      #expect(opened.stdout.contains("Store postgresql://"))
      let missing = uri.replacingOccurrences(of: "/pf_", with: "/nosuch_pf_")
      let failed = try PolicyFlowBinary.run(["policies", "list", "--db", missing, "--verbose"])
      #expect(failed.exitCode == 1)
      #expect(failed.stderr.contains("does not exist"), "\(failed.stderr)")
      let worker = try PolicyFlowBinary.run(["worker", "--drain", "--db", uri])
      #expect(worker.exitCode == 0, "\(worker.stderr)")
      for text in [opened.stdout, opened.stderr, failed.stdout, failed.stderr, worker.stdout, worker.stderr] {
        #expect(!text.contains("hunter2") && !text.contains("sw0rdfish"), "\(text)")
      }
    }
  }
}

/// What the PostgreSQL-only migrations set up, read back from the server's catalog.
@Suite(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
struct PostgresMigrationTests {
  @Test func theQueueTableIsVacuumedAsOftenAsItChurns() throws {
    let store = try StoreFixture(.postgres)
    let options = try TestStore.connect(store.db).queryOne(
      "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'activity'"
    ) { try $0.optionalString(at: 0) }
    let settings = Set((options ?? nil)?.split(separator: ",").map(String.init) ?? [])
    #expect(settings.isSuperset(of: ["autovacuum_vacuum_threshold=5000", "autovacuum_vacuum_scale_factor=0"]))
  }
}
