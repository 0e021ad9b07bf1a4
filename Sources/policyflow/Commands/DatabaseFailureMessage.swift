import Foundation
import PolicyFlowStore

/// A database failure as the user reads it: one line that says what failed and what to do; the
/// SQL statement only with `--verbose`, since it helps whoever debugs PolicyFlow, not whoever
/// runs it.
enum DatabaseFailureMessage {
  /// `Writing to the store failed: database is locked (SQLite error 5). Another process …`.
  static func message(_ error: any DatabaseFailure) -> String {
    switch error {
    case let error as SQLiteError:
      "\(action(error.sql)) failed: \(error.message) (SQLite error \(error.code)). \(advice(error))"
    case let error as PostgresError where error.sqlState == "58P01":
      // libpq is missing: the message says which package to install.
      error.message
    case let error as PostgresError:
      "\(action(error.sql)) failed: \(error.message) (PostgreSQL error \(error.sqlState)). \(advice(error))"
    default: "The store failed: \(error.message)"
    }
  }

  /// An SQLite store that cannot be opened for want of a permission (read-only, or not to be
  /// opened at all), with the file and the folder named: the message named neither, and a
  /// shared store's group lacking write access to one of them is the usual cause.
  static func opening(_ error: SQLiteError, path: String) -> String {
    let file = URL(fileURLWithPath: path).standardizedFileURL
    let folder = file.deletingLastPathComponent().path
    let what =
      error.primaryCode == 8
      ? "The store file \(file.path), or its folder \(folder), is read-only for you"
      : "The store file \(file.path) cannot be opened: check that the path is right and the permissions of the file "
        + "and its folder \(folder)"
    return "Opening the store failed: \(error.message) (SQLite error \(error.code)). \(what); every command, reading "
      + "ones too, needs to write both (SQLite keeps its -wal and -shm files in the folder). 'ls -ld \(folder) "
      + "\(file.path)' shows their owners and permissions; the group that shares a store needs write access to both."
  }

  /// The line `--verbose` adds: the statement that failed, on one line.
  static func sqlLine(_ error: any DatabaseFailure) -> String? {
    guard let sql = error.sql else { return nil }
    let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
    return "  SQL: " + words.joined(separator: " ")
  }

  private static func action(_ sql: String?) -> String {
    let verb = sql?.split(whereSeparator: { $0 == " " || $0 == "\n" }).first?.uppercased() ?? ""
    switch verb {
    case "SELECT", "WITH": return "Reading the store"
    case "INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER": return "Writing to the store"
    case "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE": return "A store transaction"
    default: return "Opening the store"
    }
  }

  private static func advice(_ error: SQLiteError) -> String {
    // Primary result codes (sqlite3.h): the extended code's low byte.
    switch error.primaryCode {
    case 5, 6:
      return "Another process kept the store locked longer than this command waits (POLICYFLOW_LOCK_WAIT, "
        + "in seconds, for a person's command); try again when it is done, or wait longer."
    case 8: return "The store, or its folder, is read-only for you; check the permissions of both."
    case 10: return "A read or write on the disk failed; check the disk, then try again."
    case 11: return "The store file is damaged; restore it from a backup."
    case 13: return "The disk is full; free some space, then try again."
    case 14: return "The file cannot be opened; check the path and the permissions of its folder."
    case 26: return "The file is not a store; point --db at a store, or create one with 'policyflow init'."
    default: return "This is unexpected: run the command again with --verbose and report what it prints."
    }
  }

  private static func advice(_ error: PostgresError) -> String {
    if error.sqlState == "08001" {
      return "Check the URI (host or socket directory, port, database, user), that the server is running, and that "
        + "the database exists (createdb NAME); then try again."
    }
    switch error.sqlState.prefix(2) {
    case "08": return "The connection to the server was lost; check that it is running and reachable, then try again."
    case "28": return "The server refused the login; check the user and password (or .pgpass) in the URI."
    case "3D":
      return "The database does not exist; create it (createdb NAME), then 'policyflow init --db URI --admin NAME' "
        + "makes a new store in it, or 'policyflow store copy --to URI' copies a store into it as it is (without init "
        + "first: a copy goes into an empty database)."
    case "42" where error.sqlState == "42501":
      return "Your database login lacks a privilege this needs. A person's login needs policyflow_operator, and "
        + "policyflow_admin too for what only administrators do (users, publishing a catalog, seals); a worker's "
        + "login runs only 'policyflow worker'; 'store copy' into PostgreSQL runs as the store owner's login. The roles get their "
        + "rights when the store's owner runs 'policyflow init' after they were created; ask the store's administrator."
    case "53": return "The server is out of a resource (connections, disk or memory); try again later."
    case "40": return "A concurrent change kept conflicting with this one; try again."
    default: return "This is unexpected: run the command again with --verbose and report what it prints."
    }
  }
}
