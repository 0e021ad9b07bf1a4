import Foundation
import PolicyFlowStore
import Testing

struct MigratorTests {
  private let migrations = [
    Migration(version: 1, name: "create policies", sql: "CREATE TABLE policy (code TEXT PRIMARY KEY)"),
    Migration(
      version: 2,
      name: "add status history",
      sql: """
        CREATE TABLE status_history (policy_code TEXT NOT NULL REFERENCES policy(code), status TEXT NOT NULL);
        CREATE INDEX status_history_policy ON status_history (policy_code);
        """
    ),
    Migration(version: 3, name: "seed a policy") { connection in
      try connection.execute("INSERT INTO policy (code) VALUES (?)", ["P-1"])
    },
  ]

  private func tables(_ connection: SQLiteConnection) throws -> [String] {
    try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") { try $0.string(at: 0) }
  }

  @Test func migratesAnEmptyDatabaseAndRecordsEachVersion() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      let migrator = Migrator(migrations)
      #expect(try migrator.currentVersion(of: connection) == 0)
      #expect(try migrator.migrate(connection) == [1, 2, 3])
      #expect(try migrator.currentVersion(of: connection) == 3)
      #expect(try tables(connection) == ["policy", "schema_migrations", "status_history"])
      let recorded = try connection.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version") {
        (try $0.int(at: 0), try $0.string(at: 1), try $0.string(at: 2))
      }
      #expect(recorded.map(\.0) == [1, 2, 3])
      #expect(recorded.map(\.1) == ["create policies", "add status history", "seed a policy"])
      #expect(recorded.allSatisfy { $0.2.hasSuffix("Z") && $0.2.count == 24 })
    }
  }

  @Test func rerunningAppliesNothingAndAddingAMigrationAppliesOnlyIt() throws {
    try withTemporaryDatabase { path in
      try Migrator(Array(migrations.prefix(2))).migrate(SQLiteConnection(path: path))
      let connection = try SQLiteConnection(path: path)
      #expect(try Migrator(migrations).migrate(connection) == [3])
      #expect(try Migrator(migrations).migrate(connection) == [])
      #expect(try connection.queryOne("SELECT COUNT(*) FROM policy") { try $0.int(at: 0) } == 1)
      #expect(try connection.queryOne("SELECT COUNT(*) FROM schema_migrations") { try $0.int(at: 0) } == 3)
    }
  }

  @Test func aFailingMigrationIsRolledBackAndEarlierOnesStay() throws {
    try withTemporaryDatabase { path in
      let broken =
        Array(migrations.prefix(1)) + [
          Migration(version: 2, name: "broken", sql: "CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);")
        ]
      let connection = try SQLiteConnection(path: path)
      let error = try #require(throws: MigrationError.self) { try Migrator(broken).migrate(connection) }
      guard case .migrationFailed(_, let version, _, let currentVersion, let underlying) = error else {
        Issue.record("unexpected error \(error)")
        return
      }
      #expect(version == 2)
      #expect(currentVersion == 1)
      #expect((underlying as? SQLiteError)?.message == "no such table: nowhere")
      #expect(String(describing: error).contains("Migration 2 (broken) failed"))
      #expect(try tables(connection) == ["policy", "schema_migrations"])
      #expect(try Migrator(broken).currentVersion(of: connection) == 1)
    }
  }

  /// A table that others refer to with `ON DELETE CASCADE`, rebuilt the way SQLite documents
  /// (new table, copy, drop, rename): with foreign keys on, the drop would delete every row that
  /// refers to it.
  private static let cascadingChild = Migration(
    version: 2, name: "history that cascades",
    sql: """
      CREATE TABLE status_history (
        policy_code TEXT NOT NULL REFERENCES policy (code) ON DELETE CASCADE, status TEXT NOT NULL);
      INSERT INTO policy (code) VALUES ('P-1'), ('P-2');
      INSERT INTO status_history VALUES ('P-1', 'Edit'), ('P-2', 'Edit'), ('P-2', 'Approved');
      """)

  private static func rebuildPolicy(version: Int, keeping condition: String) -> Migration {
    Migration(
      version: version, name: "rebuild policy", rebuildsReferencedTables: true,
      sql: """
        CREATE TABLE policy_new (code TEXT PRIMARY KEY, note TEXT);
        INSERT INTO policy_new (code) SELECT code FROM policy WHERE \(condition);
        DROP TABLE policy;
        ALTER TABLE policy_new RENAME TO policy;
        """)
  }

  @Test func aRebuiltTableKeepsTheRowsThatReferToIt() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      let migrator = Migrator([migrations[0], Self.cascadingChild, Self.rebuildPolicy(version: 3, keeping: "1")])
      #expect(try migrator.migrate(connection) == [1, 2, 3])
      #expect(try connection.queryOne("SELECT count(*) FROM status_history") { try $0.int(at: 0) } == 3)
      #expect(try connection.queryOne("SELECT count(*) FROM policy WHERE note IS NULL") { try $0.int(at: 0) } == 2)
      // Foreign keys are on again, and refer to the new table.
      #expect(try connection.queryOne("PRAGMA foreign_keys") { try $0.int(at: 0) } == 1)
      try connection.executeScript("DELETE FROM policy WHERE code = 'P-2'")
      #expect(try connection.query("SELECT policy_code FROM status_history") { try $0.string(at: 0) } == ["P-1"])
    }
  }

  @Test func aRebuildThatLosesReferencedRowsIsRolledBack() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      let losing = Migrator([
        migrations[0], Self.cascadingChild, Self.rebuildPolicy(version: 3, keeping: "code = 'P-1'"),
      ])
      let error = try #require(throws: MigrationError.self) { try losing.migrate(connection) }
      #expect(String(describing: error).contains("Migration 3 (rebuild policy) failed"))
      #expect(String(describing: error).contains("status_history row 2 refers to a missing row of policy"))
      #expect(try losing.currentVersion(of: connection) == 2)
      #expect(try connection.queryOne("SELECT count(*) FROM policy") { try $0.int(at: 0) } == 2)
      #expect(try connection.queryOne("PRAGMA foreign_keys") { try $0.int(at: 0) } == 1)
    }
  }

  /// Inside an open transaction SQLite ignores `PRAGMA foreign_keys = OFF`; a rebuild then would
  /// cascade-delete every row referring to the dropped table, so the migrator refuses first.
  @Test func aRebuildIsRefusedWhenForeignKeysCannotBeTurnedOff() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try Migrator([migrations[0], Self.cascadingChild]).migrate(connection)
      try connection.executeScript("BEGIN")
      let rebuild = Migrator([migrations[0], Self.cascadingChild, Self.rebuildPolicy(version: 3, keeping: "1")])
      let error = try #require(throws: MigrationError.self) { try rebuild.migrate(connection) }
      #expect(String(describing: error).contains("foreign keys could not be turned off"))
      try connection.executeScript("ROLLBACK")
      #expect(try connection.queryOne("SELECT count(*) FROM status_history") { try $0.int(at: 0) } == 3)
      #expect(try rebuild.currentVersion(of: connection) == 2)
    }
  }

  /// A row that referred to a missing row before the migration (deleted by hand with foreign
  /// keys off) is the store's own matter: it does not block a rebuild that breaks nothing new.
  @Test func aReferenceBrokenBeforeTheRebuildDoesNotBlockIt() throws {
    try withTemporaryDatabase { path in
      /// A database at `path` with a history row of a policy someone deleted by hand.
      func brokenBefore(_ path: String) throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path)
        try Migrator([migrations[0], Self.cascadingChild]).migrate(connection)
        try connection.executeScript("PRAGMA foreign_keys = OFF")
        try connection.executeScript("INSERT INTO status_history VALUES ('P-9', 'Edit')")
        try connection.executeScript("PRAGMA foreign_keys = ON")
        return connection
      }
      let connection = try brokenBefore(path)

      let rebuild = Migrator([migrations[0], Self.cascadingChild, Self.rebuildPolicy(version: 3, keeping: "1")])
      #expect(try rebuild.migrate(connection) == [3])
      #expect(try connection.queryOne("SELECT count(*) FROM status_history") { try $0.int(at: 0) } == 4)
      // A rebuild that loses a row still fails, the old break notwithstanding.
      try withTemporaryDatabase { other in
        let second = try brokenBefore(other)
        let losing = Migrator([
          migrations[0], Self.cascadingChild, Self.rebuildPolicy(version: 3, keeping: "code = 'P-1'"),
        ])
        let error = try #require(throws: MigrationError.self) { try losing.migrate(second) }
        #expect(String(describing: error).contains("status_history row 3 refers to a missing row of policy"))
        #expect(!String(describing: error).contains("row 4"), "the old break is not reported as the migration's")
      }
    }
  }

  @Test func aDatabaseFromANewerBuildIsRefusedAndLeftByteForByteUnchanged() throws {
    try withTemporaryDatabase { path in
      do {
        let connection = try SQLiteConnection(path: path)
        try Migrator(migrations).migrate(connection)
        try connection.execute(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
          [7, "from the future", "2030-01-01T00:00:00.000Z"]
        )
      }
      let before = try Data(contentsOf: URL(fileURLWithPath: path))

      let olderBuild = Migrator(migrations)
      let error = try #require(throws: MigrationError.self) {
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
