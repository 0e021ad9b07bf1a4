import CSQLite

/// A failure reported by SQLite: a return code other than `SQLITE_OK`, `SQLITE_ROW` or
/// `SQLITE_DONE`.
///
/// The error carries the SQL that failed but never the values bound to it, so it can be logged
/// without leaking policy data.
public struct SQLiteError: Error, Hashable, Sendable {
  /// The extended result code (for example 2067, `SQLITE_CONSTRAINT_UNIQUE`). Its low byte is the
  /// primary code; see ``primaryCode``.
  public var code: Int32

  /// The message SQLite gave for the failure (`sqlite3_errmsg`), or one written by PolicyFlow when
  /// the failure was detected on the Swift side.
  public var message: String

  /// The SQL statement that failed, when the failure concerns one.
  public var sql: String?

  public init(code: Int32, message: String, sql: String? = nil) {
    self.code = code
    self.message = message
    self.sql = sql
  }

  /// The primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, …) without the extended bits.
  public var primaryCode: Int32 { code & 0xFF }

  /// Whether another connection held a lock for longer than the busy timeout. Such failures are
  /// transient: the same work may succeed when retried.
  public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }

  /// Whether a UNIQUE, NOT NULL, CHECK, PRIMARY KEY or FOREIGN KEY constraint rejected the change.
  public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }
}

extension SQLiteError: DatabaseFailure {
  /// Busy and locked databases, and I/O errors and a full disk, may pass; nothing else will.
  public var isTransient: Bool {
    // 10 is SQLITE_IOERR, 13 SQLITE_FULL: a disk that may recover.
    isBusy || primaryCode == 10 || primaryCode == 13
  }
}

extension SQLiteError: CustomStringConvertible {
  /// Reads as `SQLite error 2067 (constraint failed): UNIQUE constraint failed: t.id`, followed by
  /// the SQL on its own indented line.
  public var description: String {
    var text = "SQLite error \(code)"
    if let generic = sqlite3_errstr(code) {
      text += " (\(String(cString: generic)))"
    }
    text += ": \(message)"
    if let sql {
      text += "\n  SQL: \(sql)"
    }
    return text
  }
}

extension SQLiteError {
  /// Builds the error for `code` from the connection's current message. Call it right after the
  /// failing call: any later call on the connection may replace the message.
  init(code: Int32, connection: OpaquePointer?, sql: String?) {
    let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
    self.init(code: code, message: message ?? String(cString: sqlite3_errstr(code)), sql: sql)
  }
}
