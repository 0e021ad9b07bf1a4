import Foundation
import PolicyFlowStore
import Testing

struct SQLiteConnectionTests {
  @Test func opensWithWALForeignKeysAndFullSynchronous() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      #expect(try connection.queryOne("PRAGMA journal_mode") { try $0.string(at: 0) } == "wal")
      #expect(try connection.queryOne("PRAGMA foreign_keys") { try $0.int(at: 0) } == 1)
      #expect(try connection.queryOne("PRAGMA synchronous") { try $0.int(at: 0) } == 2)
      #expect(try connection.queryOne("PRAGMA busy_timeout") { try $0.int(at: 0) } == 5000)
      #expect(FileManager.default.fileExists(atPath: path))
    }
  }

  @Test func benchmarkConfigurationUsesNormalSynchronousAndTheGivenTimeout() throws {
    try withTemporaryDatabase { path in
      let configuration = SQLiteConnection.Configuration(busyTimeout: .milliseconds(250), synchronous: .normal)
      let connection = try SQLiteConnection(path: path, configuration: configuration)
      #expect(try connection.queryOne("PRAGMA synchronous") { try $0.int(at: 0) } == 1)
      #expect(try connection.queryOne("PRAGMA busy_timeout") { try $0.int(at: 0) } == 250)
    }
  }

  @Test func foreignKeysAreEnforced() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript(
        """
        CREATE TABLE policy (id INTEGER PRIMARY KEY);
        CREATE TABLE history (policy_id INTEGER NOT NULL REFERENCES policy(id));
        """
      )
      let error = try #require(throws: SQLiteError.self) {
        try connection.execute("INSERT INTO history (policy_id) VALUES (?)", [42])
      }
      #expect(error.isConstraintViolation)
      #expect(error.message.contains("FOREIGN KEY"))
    }
  }

  @Test func openingInAMissingDirectoryNamesThePath() throws {
    let path = "/nonexistent-policyflow-dir/db.sqlite"
    let error = try #require(throws: SQLiteError.self) { try SQLiteConnection(path: path) }
    #expect(error.message.contains(path))
  }

  @Test(arguments: [
    DatabaseValue.integer(Int64.min), .integer(Int64.max), .integer(0), .integer(-1),
    .real(3.141_592_653_589_793), .real(-0.5), .real(1e300),
    .text("Zürich 東京 🚑 \u{0}after-nul"), .text(""),
    .blob([0, 1, 2, 254, 255]), .blob([]), .null,
  ])
  func valuesRoundTrip(_ value: DatabaseValue) throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE t (v)")
      try connection.execute("INSERT INTO t (v) VALUES (?)", [value])
      #expect(try connection.queryOne("SELECT v FROM t") { $0.value(at: 0) } == value)
    }
  }

  @Test func typedBindingByIndexAndNameReadsBackTyped() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE t (i INTEGER, big INTEGER, d REAL, s TEXT, b BLOB, n TEXT)")
      let insert = try connection.prepare("INSERT INTO t VALUES (?, ?, :d, @s, $b, :n)")
      try insert.bind(Int.max, at: 1)
      try insert.bind(Int64.min, at: 2)
      try insert.bind(2.5, named: ":d")
      try insert.bind("Grüße 👋", named: "@s")
      try insert.bind([0xDE, 0xAD, 0xBE, 0xEF] as [UInt8], named: "$b")
      try insert.bindNull(named: "n")
      try insert.run()
      #expect(connection.changes == 1)
      #expect(connection.lastInsertRowID == 1)

      let select = try connection.prepare("SELECT i, big, d, s, b, n FROM t")
      #expect(try select.step())
      let row = select.row
      #expect(row.columnCount == 6)
      #expect(try row.int(at: 0) == Int.max)
      #expect(try row.int64(at: 1) == Int64.min)
      #expect(try row.double(at: 2) == 2.5)
      #expect(try row.string(at: 3) == "Grüße 👋")
      #expect(try row.blob(at: 4) == [0xDE, 0xAD, 0xBE, 0xEF])
      #expect(row.isNull(at: 5))
      #expect(!row.isNull(at: 3))
      #expect(select.columnName(at: 3) == "s")
      #expect(try !select.step())
    }
  }

  @Test func bindingAnUnknownNameOrTheWrongCountThrows() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      let statement = try connection.prepare("SELECT :a, ?")
      let unknown = try #require(throws: SQLiteError.self) { try statement.bind(1, named: ":nope") }
      #expect(unknown.message.contains(":nope"))
      #expect(throws: SQLiteError.self) { try connection.execute("SELECT ?", [1, 2]) }
    }
  }

  @Test func sqlErrorCarriesMessageAndSQLButNotTheValues() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE policy (code TEXT PRIMARY KEY)")
      try connection.execute("INSERT INTO policy (code) VALUES (?)", ["SECRET-123"])
      let duplicate = try #require(throws: SQLiteError.self) {
        try connection.execute("INSERT INTO policy (code) VALUES (?)", ["SECRET-123"])
      }
      #expect(duplicate.isConstraintViolation)
      #expect(!duplicate.isBusy)
      #expect(duplicate.code == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY: extended, not the bare 19
      #expect(duplicate.primaryCode == 19)
      #expect(duplicate.message == "UNIQUE constraint failed: policy.code")
      #expect(duplicate.sql == "INSERT INTO policy (code) VALUES (?)")
      #expect(!duplicate.description.contains("SECRET-123"))
      #expect(duplicate.description.contains("UNIQUE constraint failed: policy.code"))
      #expect(duplicate.description.contains("SQL: INSERT INTO policy (code) VALUES (?)"))

      let syntax = try #require(throws: SQLiteError.self) { try connection.execute("SELEC 1", []) }
      #expect(syntax.message.contains("syntax error"))
      #expect(syntax.sql == "SELEC 1")

      let script = try #require(throws: SQLiteError.self) {
        try connection.executeScript("CREATE TABLE a (x); INSERT INTO missing VALUES (1);")
      }
      #expect(script.message == "no such table: missing")
    }
  }

  @Test func prepareRejectsSeveralStatements() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      #expect(throws: SQLiteError.self) { try connection.prepare("SELECT 1; SELECT 2") }
      _ = try connection.prepare("SELECT 1; -- trailing comment")
    }
  }

  @Test func cachedStatementGivesFreshResultsAfterReset() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
      for k in 1...3 {
        try connection.execute("INSERT INTO t (k, v) VALUES (?, ?)", [.integer(Int64(k)), .text("v\(k)")])
      }
      let sql = "SELECT v FROM t WHERE k >= ? ORDER BY k"
      let first = try connection.prepare(sql)
      try first.bind(1, at: 1)
      #expect(try first.step())  // left partly stepped: the next prepare must not hand it out
      let second = try connection.prepare(sql)
      #expect(second !== first)
      first.reset()
      #expect(try connection.prepare(sql) === first)

      #expect(try connection.query(sql, [2]) { try $0.string(at: 0) } == ["v2", "v3"])
      #expect(try connection.query(sql, [3]) { try $0.string(at: 0) } == ["v3"])
      #expect(try connection.query(sql, [1]) { try $0.string(at: 0) } == ["v1", "v2", "v3"])
      #expect(try connection.queryOne(sql, [9]) { try $0.string(at: 0) } == nil)
      // A reused statement starts with no bindings: the unbound parameter reads as NULL.
      let reused = try connection.prepare(sql)
      #expect(try !reused.step())
    }
  }

  @Test func nestedQueriesOnTheSameSQLDoNotDisturbEachOther() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1), (2);")
      let sql = "SELECT k FROM t ORDER BY k"
      let pairs = try connection.query(sql) { outer in
        (try outer.int(at: 0), try connection.query(sql) { try $0.int(at: 0) })
      }
      #expect(pairs.map(\.0) == [1, 2])
      #expect(pairs.map(\.1) == [[1, 2], [1, 2]])
    }
  }

  @Test func aWriteBlockedByAnotherConnectionFailsAsBusyAfterTheTimeout() throws {
    try withTemporaryDatabase { path in
      let configuration = SQLiteConnection.Configuration(busyTimeout: .milliseconds(50))
      let first = try SQLiteConnection(path: path, configuration: configuration)
      try first.executeScript("CREATE TABLE t (x)")
      let second = try SQLiteConnection(path: path, configuration: configuration)
      try second.executeScript("BEGIN IMMEDIATE")

      let clock = ContinuousClock()
      let start = clock.now
      let error = try #require(throws: SQLiteError.self) {
        try first.execute("INSERT INTO t VALUES (?)", [1])
      }
      let waited = clock.now - start
      #expect(error.isBusy)
      #expect(waited >= .milliseconds(40))
      #expect(waited < .seconds(2))

      try second.executeScript("ROLLBACK")
      try first.execute("INSERT INTO t VALUES (?)", [1])
      #expect(first.changes == 1)
    }
  }

  /// The statement cache hashes a text by its length and ends only; texts alike there, and texts
  /// that are canonically equivalent but different bytes, are still different statements.
  @Test func statementsAlikeInLengthAndEndsAreKeptApart() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      // The same length, first sixteen and last sixteen bytes: the same hash.
      let texts =
        (1...3).map { "SELECT 0 + 0 + 0 + \($0) + 0 + 0 AS value_of_the_row" } + [
          // Canonically equivalent (the same marks in the other order), different bytes.
          "SELECT 'padding padding a\u{301}\u{323} padding padding'",
          "SELECT 'padding padding a\u{323}\u{301} padding padding'",
        ]
      let expected = [
        "1", "2", "3", "padding padding a\u{301}\u{323} padding padding",
        "padding padding a\u{323}\u{301} padding padding",
      ]
      for _ in 0..<2 {
        for (sql, value) in zip(texts, expected) {
          let result = try connection.queryOne(sql) { row in
            if case .integer(let number) = row.value(at: 0) { return String(number) }
            return try row.string(at: 0)
          }
          #expect(result.map { Array($0.utf8) } == Array(value.utf8), "\(sql)")
        }
      }
    }
  }

}
