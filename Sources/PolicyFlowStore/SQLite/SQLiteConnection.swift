import CSQLite

/// One open connection to a SQLite database file, configured the way the store needs it: WAL,
/// foreign keys on, a busy timeout and `synchronous=FULL`.
///
/// A connection has one owner and is deliberately not `Sendable`. It is opened with
/// `SQLITE_OPEN_NOMUTEX`, so SQLite does not serialize calls on it, and its statement cache and
/// transaction state are plain mutable fields. Give each thread or worker its own connection; the
/// processes and connections sharing a file are coordinated by SQLite's file locks, and a lock held
/// too long surfaces as a ``SQLiteError`` whose `isBusy` is true.
///
/// The database closes when the connection is released.
public final class SQLiteConnection: DatabaseConnection {
  /// The path of the database file.
  public let path: String

  public var dialect: SQLDialect { .sqlite }

  public var location: String { path }

  /// The settings the connection was opened with.
  public let configuration: Configuration

  let handle: OpaquePointer

  /// The `synchronous` setting in force: the configuration's, except after a transaction
  /// that asked for less (see ``transaction(_:synchronous:_:)``) and until the next one asks
  /// for it again.
  var synchronousInForce: Synchronous

  /// The longer wait for locks a person's command asked for; see ``waitForLocks(upTo:noticeAfter:notice:)``.
  var lockWait: LockWait?

  /// Prepared statements by SQL text; see ``prepare(_:)``.
  private var statementCache: [StatementKey: SQLiteStatement] = [:]

  /// SQL text as a cache key, hashed by its length and its first and last sixteen bytes. Hashing
  /// the whole text (statements run to hundreds of bytes) on every execute was 1% of a worker;
  /// two keys are still told apart by comparing all their bytes (as SQLite sees them: `String`'s
  /// `==` would take canonically equivalent texts for one), which is one pointer comparison when
  /// both are the same string literal.
  private struct StatementKey: Hashable {
    let sql: String

    static func == (lhs: StatementKey, rhs: StatementKey) -> Bool {
      var (left, right) = (lhs.sql, rhs.sql)
      return left.withUTF8 { a in
        right.withUTF8 { b in a.count == b.count && (a.baseAddress == b.baseAddress || a.elementsEqual(b)) }
      }
    }

    func hash(into hasher: inout Hasher) {
      var sql = sql
      let words = sql.withUTF8 { bytes -> (UInt64, UInt64, UInt64, UInt64) in
        guard bytes.count >= 16, let base = UnsafeRawPointer(bytes.baseAddress) else {
          return (UInt64(bytes.count), bytes.reduce(0) { $0 &* 31 &+ UInt64($1) }, 0, 0)
        }
        let end = bytes.count - 16
        return (
          UInt64(bytes.count), base.loadUnaligned(as: UInt64.self),
          base.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
          base.loadUnaligned(fromByteOffset: end, as: UInt64.self)
            ^ base.loadUnaligned(fromByteOffset: end + 8, as: UInt64.self)
        )
      }
      hasher.combine(words.0 &* 0x9E37_79B9_7F4A_7C15 ^ words.1 ^ words.2 &* 31 ^ words.3)
    }
  }

  /// Opens the database at `path`, creating the file when it does not exist, and applies
  /// `configuration`.
  ///
  /// An existing database not yet in WAL mode is switched to it, which rewrites its header.
  ///
  /// - Throws: ``SQLiteError`` when the file cannot be opened (a missing directory, no permission,
  ///   not a database) or a setting cannot be applied.
  public init(path: String, configuration: Configuration = Configuration()) throws {
    _ = SQLiteConnection.libraryConfigured
    var connection: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let code = sqlite3_open_v2(path, &connection, flags, nil)
    guard code == SQLITE_OK, let connection else {
      let reason = SQLiteError(code: code, connection: connection, sql: nil).message
      // A handle is returned even on most failures and must still be closed.
      sqlite3_close_v2(connection)
      throw SQLiteError(code: code, message: "cannot open the database at \(path): \(reason)")
    }
    self.path = path
    self.configuration = configuration
    synchronousInForce = configuration.synchronous
    self.handle = connection
    // From here on a thrown error releases self, and deinit closes the handle.
    try check(sqlite3_extended_result_codes(connection, 1))
    try configure()
  }

  public func connectingReader() throws -> sending any DatabaseConnection {
    try SQLiteConnection(path: path, configuration: .init(busyTimeout: .milliseconds(50), synchronous: .normal))
  }

  deinit {
    // Finalize cached statements first so the handle can close now rather than linger as a zombie.
    statementCache.removeAll()
    // close_v2 only fails on a misuse (an invalid handle); there is no one to report to here.
    sqlite3_close_v2(handle)
  }

  private func configure() throws {
    try check(sqlite3_busy_timeout(handle, configuration.busyTimeoutMilliseconds))
    let journalMode = try SQLiteStatement(connection: handle, sql: "PRAGMA journal_mode = WAL", persistent: false)
    // A new file is switched to WAL by the first connection; another one opening it at that moment
    // is told BUSY at once, without the busy timeout's wait: it waits here, as long.
    var waited = 0
    let mode: String
    while true {
      do {
        mode = try journalMode.step() ? journalMode.row.string(at: 0) : ""
        break
      } catch let failure as SQLiteError where failure.isBusy && waited < configuration.busyTimeoutMilliseconds {
        journalMode.reset()
        // Unevenly, so that processes opening the file together do not keep meeting.
        let step = Int.random(in: 2...12)
        pause(milliseconds: Int64(step))
        waited += step
      }
    }
    journalMode.reset()
    guard mode.lowercased() == "wal" else {
      throw SQLiteError(
        code: SQLITE_ERROR,
        message: "the database at \(path) cannot use WAL journaling (it stays in '\(mode)' mode)",
        sql: journalMode.sql
      )
    }
    try executeScript(
      """
      PRAGMA foreign_keys = ON;
      PRAGMA synchronous = \(configuration.synchronous.pragmaValue);
      """
    )
  }

  /// SQLite's process-wide settings, made once before the first connection opens (SQLite takes
  /// them only before it initializes). Memory statistics are off: with them on, every allocation
  /// inside SQLite took a global mutex to count itself, a statistic nothing here reads.
  private static let libraryConfigured: Bool = policyflow_sqlite_disable_memory_statistics() == SQLITE_OK

  /// Throws the connection's current error unless `code` is `SQLITE_OK`.
  func check(_ code: Int32, sql: String? = nil) throws {
    guard code == SQLITE_OK else {
      throw SQLiteError(code: code, connection: handle, sql: sql)
    }
  }
}

@available(*, unavailable, message: "A connection has a single owner; open one per thread or worker.")
extension SQLiteConnection: Sendable {}

extension SQLiteConnection {
  /// Runs a script of one or more SQL statements without arguments, such as a migration.
  ///
  /// Statements run in order; the first failure stops the script and throws an error carrying the
  /// statement that failed. Statements before it stay applied unless a transaction surrounds them.
  public func executeScript(_ sql: String) throws {
    try sql.withCString { start in
      var next: UnsafePointer<CChar>? = start
      while let current = next, current.pointee != 0 {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, current, -1, &statement, &next)
        guard code == SQLITE_OK else {
          // Where the failing statement ends is unknown: report the script from its start.
          throw SQLiteError(code: code, connection: handle, sql: String(cString: current))
        }
        guard let statement else { break }  // only whitespace or comments were left
        defer { sqlite3_finalize(statement) }
        var stepCode = sqlite3_step(statement)
        while stepCode == SQLITE_ROW {
          stepCode = sqlite3_step(statement)
        }
        guard stepCode == SQLITE_DONE else {
          throw SQLiteError(code: stepCode, connection: handle, sql: String(cString: sqlite3_sql(statement)))
        }
      }
    }
  }

  /// Returns a prepared statement for `sql`, reset and with no parameters bound.
  ///
  /// Statements are cached by SQL text and reused, so write the SQL with parameters rather than
  /// interpolated values. A cached statement is handed out again on the next `prepare` of the same
  /// SQL: finish with it (step to the end, or ``SQLiteStatement/reset()``) before then. While it is
  /// still in use (partly stepped), a fresh uncached statement is returned instead.
  ///
  /// - Throws: ``SQLiteError`` when the SQL does not compile or holds more than one statement.
  public func prepare(_ sql: String) throws -> SQLiteStatement {
    let key = StatementKey(sql: sql)
    if let cached = statementCache[key], !cached.isBusy {
      cached.reset()
      return cached
    }
    let statement = try SQLiteStatement(connection: handle, sql: sql, persistent: true)
    if statementCache[key] == nil {
      statementCache[key] = statement
    }
    return statement
  }

  /// The rowid of the most recent successful INSERT on this connection.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// The number of rows the most recent INSERT, UPDATE or DELETE changed.
  public var changes: Int { Int(sqlite3_changes(handle)) }
}
