import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// Changing a store behind the engine's back, as someone with the database file or a login
/// would: with the `sqlite3` command-line tool on SQLite and with `psql` on PostgreSQL, never
/// through the engine's own connection code.
extension StoreFixture {
  /// The command-line tool that reaches this store behind the engine's back.
  var tamperTool: String { kind == .sqlite ? "sqlite3" : "psql" }

  /// Runs `sql` with `sqlite3` or `psql` against the store; a tool that is missing or fails is a
  /// failed test, not a skipped one.
  func tamper(_ sql: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    try tamper(sql, as: nil, sourceLocation: sourceLocation)
  }

  /// A new login of the tests' PostgreSQL server, granted `role`: `prefix` and a random number.
  func newLogin(_ prefix: String, granted role: String) throws -> String {
    let login = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    try TestStore.connect(db).executeScript("CREATE ROLE \(login) LOGIN; GRANT \(role) TO \(login);")
    return login
  }

  /// The store's URI for the PostgreSQL login `login` in place of the tests' superuser.
  func uri(as login: String) -> String { db.replacingOccurrences(of: "user=postgres", with: "user=\(login)") }

  /// ``tamper(_:sourceLocation:)`` through the PostgreSQL login `login` (nil: the tests' superuser).
  func tamper(_ sql: String, as login: String?, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let tool = try #require(
      Self.findTool(tamperTool), "\(tamperTool) is not installed: the store cannot be changed behind the engine's back",
      sourceLocation: sourceLocation)
    let arguments =
      kind == .sqlite
      ? ["-bail", db, sql]
      : [
        login.map(uri(as:)) ?? db, "--no-psqlrc", "--quiet",
        "--set", "ON_ERROR_STOP=1", "--command", sql,
      ]
    let result = try PolicyFlowBinary.run(
      arguments, environment: ["PGCLIENTENCODING": "UTF8"], program: URL(fileURLWithPath: tool))
    try #require(
      result.exitCode == 0, "\(tamperTool) failed (\(result.exitCode)) on \(sql): \(result.stderr)",
      sourceLocation: sourceLocation)
  }

  /// `name` on the PATH, or (psql) in Debian's PostgreSQL directories off the PATH.
  static func findTool(_ name: String) -> String? {
    var directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(
      String.init)
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
    directories += versions.sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
    return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// SQL that takes a store back to schema 15, as a PolicyFlow from before seals recorded chain
  /// heads left it: its seals are then seals of that PolicyFlow.
  static let backToSchema15 =
    "DROP TABLE audit_seal_head; ALTER TABLE audit_seal DROP COLUMN recorded_heads; "
    + "ALTER TABLE audit_link DROP COLUMN written_by; ALTER TABLE audit_link DROP COLUMN written_as; "
    + "DELETE FROM schema_migrations WHERE version >= 16;"

  /// `value` as an SQL literal both SQLite and PostgreSQL read back as it was.
  static func literal(_ value: DatabaseValue) -> String {
    switch value {
    case .null: "NULL"
    case .integer(let number): String(number)
    case .real(let number): String(number)
    case .text(let text): "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    case .blob: preconditionFailure("no history column the tests change is a blob")
    }
  }

  /// `audit verify` as the administrator, without a progress bar, with `arguments` added.
  func verify(_ arguments: [String] = []) throws -> PolicyFlowBinary.Result {
    try run(["audit", "verify", "--quiet", "--as", "tester"] + arguments)
  }

  /// `audit verify --json`: the report, and the exit code.
  func verifyReport(_ arguments: [String] = []) throws -> (report: JSON, exitCode: Int32) {
    let result = try run(["audit", "verify", "--json", "--as", "tester"] + arguments)
    return (try JSON(parsing: result.stdout), result.exitCode)
  }

  /// The gid of the policy `code`.
  func gid(_ code: String) throws -> String {
    try #require(
      try query("SELECT gid FROM policy WHERE code = '\(code)' ORDER BY version LIMIT 1") { try $0.string(at: 0) }
        .first)
  }

  /// The links of the chain of `gid` as stored, in order.
  func links(_ gid: String) throws -> [(seq: Int, at: String, entries: String, link: String)] {
    try query("SELECT seq, at, entries, link FROM audit_link WHERE gid = '\(gid)' ORDER BY seq") {
      (try $0.int(at: 0), try $0.string(at: 1), try $0.string(at: 2), try $0.string(at: 3))
    }
  }

  /// The id of the status-history row of `code` written by `event` (the first one).
  func statusRow(_ code: String, event: String) throws -> Int {
    try #require(
      try query(
        "SELECT id FROM status_history WHERE gid = '\(try gid(code))' AND event = '\(event)' ORDER BY id LIMIT 1"
      ) { try $0.int(at: 0) }.first, "\(code) has a status-history row of event \(event)")
  }
}
