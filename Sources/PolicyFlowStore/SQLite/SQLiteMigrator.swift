import CSQLite

/// Brings a database to the latest schema by running the numbered migrations it has not run yet.
///
/// Applied migrations are recorded in `schema_migrations(version, name, applied_at)`. Each
/// migration runs in its own IMMEDIATE transaction together with its record, so a crash leaves the
/// database at the previous version, and several processes migrating one file at once apply each
/// migration exactly once. A database recording a version above the latest known one is refused
/// before anything is written.
public struct SQLiteMigrator: Sendable {
  /// The migrations in version order.
  public let migrations: [SQLiteMigration]

  /// - Precondition: versions start at 1 or above and strictly increase.
  public init(_ migrations: [SQLiteMigration]) {
    var previous = 0
    for migration in migrations {
      precondition(
        migration.version > previous,
        "migration versions must be positive and strictly increasing; \(migration.version) follows \(previous)"
      )
      previous = migration.version
    }
    self.migrations = migrations
  }

  /// The highest version this migrator knows; 0 when it has no migrations.
  public var latestVersion: Int { migrations.last?.version ?? 0 }

  /// The highest version recorded in the database; 0 for a database never migrated.
  ///
  /// Only reads: an empty or foreign database is left as it is.
  public func currentVersion(of connection: SQLiteConnection) throws -> Int {
    let hasTable =
      try connection.queryOne(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
      ) { _ in true } ?? false
    guard hasTable else { return 0 }
    return try connection.queryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") { $0.int(at: 0) } ?? 0
  }

  /// Runs the migrations the database has not run yet, in order.
  ///
  /// - Returns: the versions applied by this call; empty when the database was up to date.
  /// - Throws: ``SQLiteMigrationError/databaseIsNewer(path:databaseVersion:latestKnownVersion:)``
  ///   without changing the database, ``SQLiteMigrationError/migrationFailed(path:version:name:currentVersion:underlying:)``
  ///   when a migration fails (earlier ones stay applied), or ``SQLiteError`` (such as busy).
  /// - Parameter willApply: called with each migration about to run on a database that already
  ///   had a schema (not while a new database is created), once its write lock is held: an
  ///   upgrade of a large store can take a while, and a caller can say so.
  @discardableResult
  public func migrate(_ connection: SQLiteConnection, willApply: ((SQLiteMigration) -> Void)? = nil) throws -> [Int] {
    // Checked before the first write, so a newer database is refused untouched.
    let initialVersion = try currentVersion(of: connection)
    try refuseNewer(initialVersion, connection)
    var applied: [Int] = []
    // An up-to-date database is only read, never locked for writing.
    for migration in migrations where migration.version > initialVersion {
      // Outside the transaction: SQLite ignores this pragma inside one. Read back, because a
      // rebuild with foreign keys still on would delete every row referring to a dropped table.
      if migration.rebuildsReferencedTables {
        try connection.execute("PRAGMA foreign_keys = OFF")
        guard try connection.queryOne("PRAGMA foreign_keys", row: { $0.int(at: 0) }) == 0 else {
          throw SQLiteMigrationError.migrationFailed(
            path: connection.path, version: migration.version, name: migration.name, currentVersion: initialVersion,
            underlying: SQLiteError(
              code: SQLITE_MISUSE, message: "foreign keys could not be turned off (a transaction is open)"))
        }
      }
      defer { if migration.rebuildsReferencedTables { try? connection.execute("PRAGMA foreign_keys = ON") } }
      let didApply = try connection.transaction(.immediate) {
        // Read again under the write lock: another process may have migrated meanwhile.
        let current = try currentVersion(of: connection)
        try refuseNewer(current, connection)
        guard current < migration.version else { return false }
        if initialVersion > 0 { willApply?(migration) }
        try connection.execute(
          """
          CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
          )
          """
        )
        do {
          // References broken before (rows deleted by hand with foreign keys off) are the
          // store's own; the migration answers only for the ones it breaks.
          let brokenBefore = migration.rebuildsReferencedTables ? try brokenReferences(connection) : []
          try migration.apply(connection)
          if migration.rebuildsReferencedTables { try checkReferences(connection, brokenBefore: brokenBefore) }
        } catch {
          throw SQLiteMigrationError.migrationFailed(
            path: connection.path,
            version: migration.version,
            name: migration.name,
            currentVersion: current,
            underlying: error
          )
        }
        try connection.execute(
          "INSERT INTO schema_migrations (version, name, applied_at) "
            + "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
          [.integer(Int64(migration.version)), .text(migration.name)]
        )
        return true
      }
      if didApply { applied.append(migration.version) }
    }
    return applied
  }

  /// Every row that refers to a row that does not exist, as sentences.
  private func brokenReferences(_ connection: SQLiteConnection) throws -> Set<String> {
    Set(
      try connection.query("PRAGMA foreign_key_check") { row in
        "\(row.string(at: 0)) row \(row.int(at: 1)) refers to a missing row of \(row.string(at: 2))"
      })
  }

  /// Fails when a row refers to a row that does not exist, as foreign keys would have prevented,
  /// unless it did before the migration.
  private func checkReferences(_ connection: SQLiteConnection, brokenBefore: Set<String>) throws {
    let broken = try brokenReferences(connection).subtracting(brokenBefore).sorted()
    guard broken.isEmpty else {
      throw SQLiteError(
        code: SQLITE_CONSTRAINT,
        message: "the rebuilt tables break references: " + broken.prefix(3).joined(separator: "; "),
        sql: "PRAGMA foreign_key_check")
    }
  }

  private func refuseNewer(_ databaseVersion: Int, _ connection: SQLiteConnection) throws {
    guard databaseVersion <= latestVersion else {
      throw SQLiteMigrationError.databaseIsNewer(
        path: connection.path,
        databaseVersion: databaseVersion,
        latestKnownVersion: latestVersion
      )
    }
  }
}
