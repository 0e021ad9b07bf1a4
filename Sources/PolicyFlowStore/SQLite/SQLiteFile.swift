import CSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What an existing file is, looked at without changing it: opening a file as a connection
/// would turn an empty file into a database and switch a foreign one to WAL.
public enum SQLiteFile: Sendable, Hashable {
  /// A regular file of zero bytes.
  case empty
  /// A file that does not start with the SQLite header.
  case notSQLite
  /// An SQLite database, with the names of its tables.
  case database(tables: [String])

  /// The kind of file at `path`; nil when nothing is there, or it is not a regular file (a
  /// directory, a device), which opening reports in its own words.
  public static func inspect(_ path: String) -> SQLiteFile? {
    var status = stat()
    guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
    if status.st_size == 0 { return .empty }
    guard let file = fopen(path, "rb") else { return nil }
    var header = [UInt8](repeating: 0, count: 16)
    let read = fread(&header, 1, 16, file)
    fclose(file)
    guard read == 16, header == Array("SQLite format 3\u{0}".utf8) else { return .notSQLite }
    return .database(tables: tableNames(path) ?? [])
  }

  /// The tables of the database at `path`, read through a read-only connection.
  private static func tableNames(_ path: String) -> [String]? {
    var connection: OpaquePointer?
    defer { sqlite3_close_v2(connection) }
    guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { return nil }
    var statement: OpaquePointer?
    defer { sqlite3_finalize(statement) }
    let sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK else { return nil }
    var names: [String] = []
    while sqlite3_step(statement) == SQLITE_ROW {
      if let text = sqlite3_column_text(statement, 0) { names.append(String(cString: text)) }
    }
    return names
  }
}
