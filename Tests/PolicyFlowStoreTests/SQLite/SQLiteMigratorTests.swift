import Foundation
import PolicyFlowStore
import Testing

struct SQLiteMigratorTests {
  private let migrations = [
    SQLiteMigration(version: 1, name: "create policies", sql: "CREATE TABLE policy (code TEXT PRIMARY KEY)"),
    SQLiteMigration(
      version: 2,
      name: "add status history",
      sql: """
        CREATE TABLE status_history (policy_code TEXT NOT NULL REFERENCES policy(code), status TEXT NOT NULL);
        CREATE INDEX status_history_policy ON status_history (policy_code);
        """
    ),
    SQLiteMigration(version: 3, name: "seed a policy") { connection in
      try connection.execute("INSERT INTO policy (code) VALUES (?)", ["P-1"])
    },
  ]

  private func tables(_ connection: SQLiteConnection) throws -> [String] {
    try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") { $0.string(at: 0) }
  }

  @Test func migratesAnEmptyDatabaseAndRecordsEachVersion() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      let migrator = SQLiteMigrator(migrations)
      #expect(try migrator.currentVersion(of: connection) == 0)
      #expect(try migrator.migrate(connection) == [1, 2, 3])
      #expect(try migrator.currentVersion(of: connection) == 3)
      #expect(try tables(connection) == ["policy", "schema_migrations", "status_history"])
      let recorded = try connection.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version") {
        ($0.int(at: 0), $0.string(at: 1), $0.string(at: 2))
      }
      #expect(recorded.map(\.0) == [1, 2, 3])
      #expect(recorded.map(\.1) == ["create policies", "add status history", "seed a policy"])
      #expect(recorded.allSatisfy { $0.2.hasSuffix("Z") && $0.2.count == 24 })
    }
  }

  @Test func rerunningAppliesNothingAndAddingAMigrationAppliesOnlyIt() throws {
    try withTemporaryDatabase { path in
      try SQLiteMigrator(Array(migrations.prefix(2))).migrate(SQLiteConnection(path: path))
      let connection = try SQLiteConnection(path: path)
      #expect(try SQLiteMigrator(migrations).migrate(connection) == [3])
      #expect(try SQLiteMigrator(migrations).migrate(connection) == [])
      #expect(try connection.queryOne("SELECT COUNT(*) FROM policy") { $0.int(at: 0) } == 1)
      #expect(try connection.queryOne("SELECT COUNT(*) FROM schema_migrations") { $0.int(at: 0) } == 3)
    }
  }

  @Test func aFailingMigrationIsRolledBackAndEarlierOnesStay() throws {
    try withTemporaryDatabase { path in
      let broken =
        Array(migrations.prefix(1)) + [
          SQLiteMigration(version: 2, name: "broken", sql: "CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);")
        ]
      let connection = try SQLiteConnection(path: path)
      let error = try #require(throws: SQLiteMigrationError.self) { try SQLiteMigrator(broken).migrate(connection) }
      guard case .migrationFailed(_, let version, _, let currentVersion, let underlying) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(version == 2)
      #expect(currentVersion == 1)
      #expect((underlying as? SQLiteError)?.message == "no such table: nowhere")
      #expect(String(describing: error).contains("Migration 2 (broken) failed"))
      #expect(try tables(connection) == ["policy", "schema_migrations"])
      #expect(try SQLiteMigrator(broken).currentVersion(of: connection) == 1)
    }
  }

  @Test func aDatabaseFromANewerBuildIsRefusedAndLeftByteForByteUnchanged() throws {
    try withTemporaryDatabase { path in
      do {
        let connection = try SQLiteConnection(path: path)
        try SQLiteMigrator(migrations).migrate(connection)
        try connection.execute(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
          [7, "from the future", "2030-01-01T00:00:00.000Z"]
        )
      }
      let before = try Data(contentsOf: URL(fileURLWithPath: path))

      let olderBuild = SQLiteMigrator(migrations)
      let error = try #require(throws: SQLiteMigrationError.self) {
        try olderBuild.migrate(SQLiteConnection(path: path))
      }
      #expect(
        String(describing: error)
          == "The database at \(path) was written by a newer PolicyFlow (schema version 7; this build knows up to 3). "
          + "Upgrade policyflow; the database was not changed."
      )

      let after = try Data(contentsOf: URL(fileURLWithPath: path))
      #expect(after == before)
      #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }
  }
}
