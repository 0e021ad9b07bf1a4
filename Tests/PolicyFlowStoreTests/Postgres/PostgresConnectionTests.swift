import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

@Suite(.needsPostgres)
struct PostgresConnectionTests {
  /// Every kind of value comes back as it went in, through a table of the types the schema uses.
  @Test(arguments: [
    DatabaseValue.integer(0), .integer(-42), .integer(Int64.max), .integer(Int64.min),
    .text(""), .text("it's \"quoted\" \\ back"), .text("Zürich 東京 🚗 ?1"),
    .blob([]), .blob([0, 1, 0x5C, 0x78, 0xFF]),
    .real(0.1), .real(-2.5e-300), .real(1e300), .real(.infinity), .real(-.infinity),
    .null,
  ])
  func valuesRoundTrip(_ value: DatabaseValue) throws {
    let connection = try newPostgresConnection()
    try connection.executeScript("CREATE TABLE t (i bigint, r double precision, s text, b bytea)")
    let column: String
    switch value {
    case .integer, .null: column = "i"
    case .real: column = "r"
    case .text: column = "s"
    case .blob: column = "b"
    }
    try connection.execute("INSERT INTO t (\(column)) VALUES (?)", [value])
    #expect(try connection.queryOne("SELECT \(column) FROM t") { $0.value(at: 0) } == value)
  }

  @Test func booleansAndIntegerTypesReadAsSQLiteWouldGiveThem() throws {
    let connection = try newPostgresConnection()
    let row = try #require(
      try connection.queryOne(
        "SELECT true, false, CAST(7 AS smallint), CAST(8 AS integer), CAST(NULL AS boolean), "
          + "sum(x), avg(x), CAST(1.5 AS real) FROM (VALUES (CAST(1 AS bigint)), (2)) v (x)"
      ) { row in (0..<row.columnCount).map { row.value(at: $0) } })
    #expect(row == [.integer(1), .integer(0), .integer(7), .integer(8), .null, .integer(3), .real(1.5), .real(1.5)])
    #expect(try connection.queryOne("SELECT 1 AS answer") { $0.columnName(at: 0) } == "answer")
  }

  /// A `?` in a string literal is text, not a parameter; numbered parameters can repeat.
  @Test func placeholdersAreTranslatedOutsideLiterals() throws {
    let connection = try newPostgresConnection()
    let values = try connection.queryOne("SELECT '?', ?2, ?1, ?2 || '?'", ["a", "b"]) { row in
      try (0..<4).map { try row.string(at: $0) }
    }
    #expect(values == ["?", "b", "a", "b?"])
  }

  @Test func executeReturnsTheRowsItChanged() throws {
    let connection = try newPostgresConnection()
    try connection.executeScript("CREATE TABLE t (x bigint); INSERT INTO t SELECT generate_series(1, 5)")
    #expect(try connection.execute("UPDATE t SET x = x + 1 WHERE x > ?", [2]) == 3)
    #expect(try connection.execute("DELETE FROM t WHERE x = ?", [100]) == 0)
    #expect(try connection.execute("INSERT INTO t VALUES (?), (?)", [1, 2]) == 2)
    #expect(try connection.execute("CREATE TABLE u (y bigint)") == 0)
    // The same SQL again runs its prepared statement.
    #expect(try connection.execute("DELETE FROM t WHERE x = ?", [1]) == 2)
  }

  @Test func aConstraintViolationSaysSo() throws {
    let connection = try newPostgresConnection()
    try connection.executeScript("CREATE TABLE t (code text PRIMARY KEY)")
    try connection.execute("INSERT INTO t VALUES (?)", ["POL-1"])
    let error = try #require(throws: PostgresError.self) {
      try connection.execute("INSERT INTO t VALUES (?)", ["POL-1"])
    }
    #expect(error.isConstraintViolation && !error.isTransient)
    #expect(error.sqlState == "23505")
    #expect(error.sql == "INSERT INTO t VALUES (?)")
    #expect(error.description.hasPrefix("PostgreSQL error 23505 (unique_violation): duplicate key value"))
    // The value is policy data: it stays out of the error.
    #expect(!error.description.contains("POL-1"))
  }

  @Test func textWithNULIsRefusedRatherThanCutShort() throws {
    let connection = try newPostgresConnection()
    let error = try #require(throws: PostgresError.self) {
      try connection.execute("SELECT ?", ["a\u{0}b"])
    }
    #expect(error.message.contains("NUL"))
  }

  @Test func aPasswordNeverShowsInTheLocationOrAConnectionError() throws {
    let server = try #require(ThrowawayPostgres.shared)
    let uri = "postgresql://postgres:hunter2@/no_such_database?host=\(server.directory)&password=hunter3"
    let error = try #require(throws: PostgresError.self) { try PostgresConnection(uri: uri) }
    #expect(error.sqlState == "08001")
    #expect(error.message.contains("no_such_database"))
    #expect(!error.description.contains("hunter"))
    let connection = try PostgresConnection(
      uri: server.uri(database: "postgres").replacing("user=postgres", with: "user=postgres&password=hunter2"))
    #expect(connection.location == server.uri(database: "postgres"))
    var dumped = ""
    dump(connection, to: &dumped)
    #expect(!dumped.contains("hunter"))
  }
}
