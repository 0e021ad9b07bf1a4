import Foundation
import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// Opening a store written by an earlier release upgrades it, and says so on stderr: the
/// upgrade of a large store takes seconds to minutes.
@Suite(.serialized) struct StoreUpgradeTests {
  @Test func anUpgradeIsAnnouncedOnceAndTheStoreWorksAfterIt() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let db = directory.appendingPathComponent("old.sqlite").path
    do {
      // A store as schema version 3 left it, with two policies queued.
      let old = try PolicyStore(path: db, migrations: Array(StoreSchema.sqliteMigrations.prefix(3)))
      try old.ensureAdministrator("alice")
      // Written as that release wrote them: today's code writes columns it did not have.
      let connection = try SQLiteConnection(path: db)
      for number in 1...2 {
        try connection.executeScript(
          """
          INSERT INTO policy (id, code, version, gid, status, source, is_current, last_changed_by, data_changed_at,
            created_at, updated_at)
          VALUES (\(number), 'OLD-\(number)', 1, 'gid-\(number)', 'In Process', 'integration', 1, 'alice',
            '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
          INSERT INTO policy_data (policy_id, data)
          VALUES (\(number), '{"code":"OLD-\(number)","lineOfBusiness":"health","brand":"b","source":"integration"}');
          INSERT INTO status_history (policy_id, status, at, actor) VALUES (\(number), 'In Process', '2026-01-01T00:00:00Z', 'alice');
          INSERT INTO activity (policy_id, state, attempts, available_ms, enqueued_at, enqueued_by)
          VALUES (\(number), 'queued', 0, 0, '2026-01-01T00:00:00Z', 'alice');
          """)
      }
    }

    let first = try PolicyFlowBinary.run(["queue", "--db", db, "--as", "alice"])
    #expect(first.exitCode == 0, "\(first.stderr)")
    #expect(first.stdout.hasPrefix("queued 2, leased 0, failed 0"))
    // Each migration is announced as it starts: version 4, then each one after it.
    #expect(first.stderr.hasPrefix("Upgrading the store at \(db) to schema version 4 ("))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 5 (messages kept once"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 6 (indexes for what a claim"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 7 (results in force per gid"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 8 (what a claim needs"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 9 (claims on pended policies"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 10 (roles and row-level"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 11 (published catalogs"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 12 (workers say they are alive"))
    #expect(first.stderr.contains("\nUpgrading the store at \(db) to schema version 13 (the queue table vacuumed"))
    #expect(first.stderr.contains("\nUpgraded the store to schema version \(PolicyStore.latestSchemaVersion) in "))

    let second = try PolicyFlowBinary.run(["queue", "--db", db, "--as", "alice"])
    #expect(second.exitCode == 0)
    #expect(second.stderr.isEmpty, "an up-to-date store is opened silently")
    let connection = try SQLiteConnection(path: db)
    #expect(
      try connection.queryOne("SELECT max(version) FROM schema_migrations") { try $0.int(at: 0) }
        == PolicyStore.latestSchemaVersion)

    // A new store is created, not upgraded: nothing on stderr.
    let fresh = try PolicyFlowBinary.run(
      ["init", "--db", directory.appendingPathComponent("new.sqlite").path, "--admin", "bob"])
    #expect(fresh.exitCode == 0)
    #expect(fresh.stderr.isEmpty)
  }
}
