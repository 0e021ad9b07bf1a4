/// Brings a database to the latest schema by running the numbered migrations it has not run yet.
///
/// Applied migrations are recorded in `schema_migrations(version, name, applied_at)`. Each
/// migration runs in its own write transaction together with its record, so a crash leaves the
/// database at the previous version. Several processes migrating one database at once apply each
/// migration exactly once: on SQLite the write lock of each transaction orders them, on PostgreSQL
/// an advisory lock held for the whole migration does (DDL there is transactional too). A database
/// recording a version above the latest known one is refused before anything is written.
public struct Migrator: Sendable {
  /// The migrations in version order.
  public let migrations: [Migration]

  /// The advisory lock PostgreSQL migrations take: one number for every PolicyFlow store.
  static let advisoryLock: Int64 = 0x506F_6C46_6C6F_77  // "PolFlow"

  /// - Precondition: versions start at 1 or above and strictly increase.
  public init(_ migrations: [Migration]) {
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
  public func currentVersion(of connection: any DatabaseConnection) throws -> Int {
    let hasTable =
      try connection.queryOne(
        connection.dialect == .sqlite
          ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
          : "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_migrations'"
      ) { _ in true } ?? false
    guard hasTable else { return 0 }
    return try connection.queryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations") { try $0.int(at: 0) }
      ?? 0
  }

  /// Runs the migrations the database has not run yet, in order.
  ///
  /// - Returns: the versions applied by this call; empty when the database was up to date.
  /// - Throws: ``MigrationError/databaseIsNewer(path:databaseVersion:latestKnownVersion:)``
  ///   without changing the database, ``MigrationError/migrationFailed(path:version:name:currentVersion:underlying:)``
  ///   when a migration fails (earlier ones stay applied), or the driver's error (such as busy).
  /// - Parameter willApply: called with each migration about to run on a database that already
  ///   had a schema (not while a new database is created), once its lock is held: an upgrade of a
  ///   large store can take a while, and a caller can say so.
  @discardableResult
  public func migrate(_ connection: any DatabaseConnection, willApply: ((Migration) -> Void)? = nil) throws -> [Int] {
    // Checked before the first write, so a newer database is refused untouched.
    let initialVersion = try currentVersion(of: connection)
    try refuseNewer(initialVersion, connection)
    // An up-to-date database is only read, never locked for writing.
    guard migrations.contains(where: { $0.version > initialVersion }) else { return [] }
    if connection.dialect == .postgres {
      // A session lock, taken outside the migrations' transactions: a transaction that waited
      // for it inside would read the schema from the snapshot it took before it waited.
      try connection.execute("SELECT pg_advisory_lock(?)", [.integer(Self.advisoryLock)])
    }
    defer {
      if connection.dialect == .postgres {
        _ = try? connection.execute("SELECT pg_advisory_unlock(?)", [.integer(Self.advisoryLock)])
      }
    }
    var applied: [Int] = []
    for migration in migrations where migration.version > initialVersion {
      if try apply(migration, to: connection, initialVersion: initialVersion, willApply: willApply) {
        applied.append(migration.version)
      }
    }
    return applied
  }

  /// Runs one migration in its own transaction, unless another process ran it meanwhile.
  private func apply(
    _ migration: Migration, to connection: any DatabaseConnection, initialVersion: Int,
    willApply: ((Migration) -> Void)?
  ) throws -> Bool {
    let rebuilds = migration.rebuildsReferencedTables && connection.dialect == .sqlite
    // Outside the transaction: SQLite ignores this pragma inside one. Read back, because a
    // rebuild with foreign keys still on would delete every row referring to a dropped table.
    if rebuilds {
      try connection.executeScript("PRAGMA foreign_keys = OFF")
      guard try connection.queryOne("PRAGMA foreign_keys", row: { try $0.int(at: 0) }) == 0 else {
        throw MigrationError.migrationFailed(
          path: connection.location, version: migration.version, name: migration.name,
          currentVersion: initialVersion,
          underlying: MigrationError.Refusal("foreign keys could not be turned off (a transaction is open)"))
      }
    }
    defer { if rebuilds { try? connection.executeScript("PRAGMA foreign_keys = ON") } }
    return try connection.transaction(.write) {
      // Read again under the lock: another process may have migrated meanwhile.
      let current = try currentVersion(of: connection)
      try refuseNewer(current, connection)
      guard current < migration.version else { return false }
      if initialVersion > 0 { willApply?(migration) }
      try connection.executeScript(
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
        let brokenBefore = rebuilds ? try brokenReferences(connection) : []
        try migration.apply(connection)
        if rebuilds { try checkReferences(connection, brokenBefore: brokenBefore) }
      } catch {
        throw MigrationError.migrationFailed(
          path: connection.location,
          version: migration.version,
          name: migration.name,
          currentVersion: current,
          underlying: error
        )
      }
      try connection.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        [.integer(Int64(migration.version)), .text(migration.name), .text(StoreTime.now().iso8601)]
      )
      return true
    }
  }

  /// Every row that refers to a row that does not exist, as sentences (SQLite).
  private func brokenReferences(_ connection: any DatabaseConnection) throws -> Set<String> {
    Set(
      try connection.query("PRAGMA foreign_key_check") { row in
        "\(try row.string(at: 0)) row \(try row.int(at: 1)) refers to a missing row of \(try row.string(at: 2))"
      })
  }

  /// Fails when a row refers to a row that does not exist, as foreign keys would have prevented,
  /// unless it did before the migration.
  private func checkReferences(_ connection: any DatabaseConnection, brokenBefore: Set<String>) throws {
    let broken = try brokenReferences(connection).subtracting(brokenBefore).sorted()
    guard broken.isEmpty else {
      throw MigrationError.Refusal("the rebuilt tables break references: " + broken.prefix(3).joined(separator: "; "))
    }
  }

  private func refuseNewer(_ databaseVersion: Int, _ connection: any DatabaseConnection) throws {
    guard databaseVersion <= latestVersion else {
      throw MigrationError.databaseIsNewer(
        path: connection.location,
        databaseVersion: databaseVersion,
        latestKnownVersion: latestVersion
      )
    }
  }
}
