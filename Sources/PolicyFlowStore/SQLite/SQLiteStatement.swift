import CSQLite

/// A prepared SQL statement: bind its parameters, step through its rows, reset it to run again.
///
/// Obtain one from ``SQLiteConnection/prepare(_:)``, which caches statements by SQL text. Parameter
/// indexes start at 1 and column indexes at 0, as in SQLite. A statement that was not stepped to
/// its end keeps its read snapshot until it is reset; the connection's helpers reset for you.
///
/// Like its connection, a statement has a single owner and is not `Sendable`.
public final class SQLiteStatement {
  /// The SQL text the statement was prepared from.
  public let sql: String

  let handle: OpaquePointer

  /// The `sqlite3*` the statement belongs to, kept as a raw handle rather than a reference to the
  /// ``SQLiteConnection``: the connection closes with `sqlite3_close_v2`, which keeps the handle
  /// alive until its last statement is finalized, so a statement outliving its connection is safe.
  private let connection: OpaquePointer

  /// Prepares exactly one statement.
  ///
  /// - Parameter persistent: hints SQLite that the statement will be reused many times (cached).
  init(connection: OpaquePointer, sql: String, persistent: Bool) throws {
    let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
    var statement: OpaquePointer?
    var remainder = ""
    let code = sql.withCString { text in
      var tail: UnsafePointer<CChar>?
      let code = sqlite3_prepare_v3(connection, text, -1, flags, &statement, &tail)
      if let tail { remainder = String(cString: tail) }
      return code
    }
    guard code == SQLITE_OK else {
      let error = SQLiteError(code: code, connection: connection, sql: sql)
      sqlite3_finalize(statement)
      throw error
    }
    guard let statement else {
      throw SQLiteError(code: SQLITE_MISUSE, message: "the SQL holds no statement", sql: sql)
    }
    guard try !Self.holdsStatement(remainder, connection: connection) else {
      sqlite3_finalize(statement)
      throw SQLiteError(
        code: SQLITE_MISUSE,
        message: "prepare takes a single statement; run scripts of several with execute(_:)",
        sql: sql
      )
    }
    self.sql = sql
    self.handle = statement
    self.connection = connection
  }

  deinit {
    // The code repeats the last step's error, already reported to whoever stepped.
    sqlite3_finalize(handle)
  }

  /// Whether text left after the first statement is more than whitespace, semicolons and comments.
  private static func holdsStatement(_ text: String, connection: OpaquePointer) throws -> Bool {
    guard text.contains(where: { !$0.isWhitespace && $0 != ";" }) else { return false }
    var statement: OpaquePointer?
    let code = sqlite3_prepare_v2(connection, text, -1, &statement, nil)
    sqlite3_finalize(statement)
    return code != SQLITE_OK || statement != nil
  }

  /// The number of parameters (`?`, `?NNN`, `:name`, `@name`, `$name`) in the SQL.
  public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

  /// The number of columns each row has.
  public var columnCount: Int { Int(sqlite3_column_count(handle)) }

  /// The name of the column at `index` (0-based), as the SQL names it.
  public func columnName(at index: Int) -> String {
    precondition(index >= 0 && index < columnCount, "column index \(index) is out of range 0..<\(columnCount)")
    return String(cString: sqlite3_column_name(handle, Int32(index)))
  }

  /// Whether the statement was stepped but neither finished nor reset.
  var isBusy: Bool { sqlite3_stmt_busy(handle) != 0 }

  /// Throws the connection's error for `code` unless it is `SQLITE_OK`.
  func check(_ code: Int32) throws {
    guard code == SQLITE_OK else {
      throw SQLiteError(code: code, connection: connection, sql: sql)
    }
  }
}

@available(*, unavailable, message: "A statement belongs to its connection's single owner.")
extension SQLiteStatement: Sendable {}

extension SQLiteStatement {
  /// Advances to the next row.
  ///
  /// - Returns: `true` when a row is available through ``row``, `false` when the statement is done.
  /// - Throws: ``SQLiteError`` when SQLite fails, for example with `isBusy` after the busy timeout.
  @discardableResult
  public func step() throws -> Bool {
    let code = sqlite3_step(handle)
    switch code {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default: throw SQLiteError(code: code, connection: connection, sql: sql)
    }
  }

  /// The current row, valid until the next ``step()`` or ``reset()``. Do not keep it.
  public var row: SQLiteRow { SQLiteRow(statement: self) }

  /// Steps to the end, discarding any rows: for INSERT, UPDATE, DELETE and DDL.
  public func run() throws {
    while try step() {}
  }

  /// Steps to the end, calling `body` with each row.
  public func forEachRow(_ body: (SQLiteRow) throws -> Void) throws {
    while try step() {
      try body(row)
    }
  }

  /// Rewinds the statement and sets every parameter back to NULL, ready to run again.
  ///
  /// Resetting also ends the read snapshot a partly stepped SELECT holds.
  public func reset() {
    // Both codes are ignored on purpose: sqlite3_reset repeats the error of the last step (already
    // thrown to the caller who stepped), and sqlite3_clear_bindings always returns SQLITE_OK.
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }
}
