import PolicyFlowStore
import Testing

struct SQLiteTransactionTests {
  private struct RuleFailure: Error, Equatable {}

  private func count(_ connection: SQLiteConnection) throws -> Int {
    try connection.queryOne("SELECT COUNT(*) FROM t") { try $0.int(at: 0) } ?? -1
  }

  @Test(arguments: [
    TransactionKind.read, .write,
  ])
  func commitKeepsEveryWriteAndReturnsTheResult(_ kind: TransactionKind) throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE t (x INTEGER)")
      let result = try connection.transaction(kind) {
        #expect(connection.isInTransaction)
        try connection.execute("INSERT INTO t VALUES (?)", [1])
        try connection.execute("INSERT INTO t VALUES (?)", [2])
        return "done"
      }
      #expect(result == "done")
      #expect(!connection.isInTransaction)
      // A second connection sees the commit: it reached the file.
      #expect(try count(SQLiteConnection(path: path)) == 2)
    }
  }

  /// A transaction may commit without waiting for the disk (a worker's claim); the next one
  /// that does not ask for that commits with the connection's own setting again, also after
  /// the relaxed one failed.
  @Test func aTransactionThatAsksForLessSyncingDoesNotWeakenTheNext() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE t (x INTEGER)")
      // SQLite's numbers: 1 is NORMAL, 2 is FULL.
      let setting = { try connection.queryOne("PRAGMA synchronous") { try $0.int(at: 0) } }
      #expect(try setting() == 2)
      let relaxed = try connection.transaction(.write, durability: .relaxed) {
        try connection.execute("INSERT INTO t VALUES (?)", [1])
        return try setting()
      }
      #expect(relaxed == 1)
      #expect(try setting() == 2, "put back at once, also for statements outside a transaction")
      #expect(try connection.transaction { try setting() } == 2)
      #expect(throws: RuleFailure()) {
        try connection.transaction(.write, durability: .relaxed) { throw RuleFailure() }
      }
      #expect(try connection.transaction { try setting() } == 2)
      #expect(try count(connection) == 1)
    }
  }

  @Test func aThrowingBodyRollsBackAndRethrowsItsError() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE t (x INTEGER)")
      #expect(throws: RuleFailure()) {
        try connection.transaction {
          try connection.execute("INSERT INTO t VALUES (?)", [1])
          throw RuleFailure()
        }
      }
      #expect(!connection.isInTransaction)
      #expect(try count(connection) == 0)
    }
  }

  @Test func theFirstSQLErrorIsRethrownAndNothingIsWritten() throws {
    try withTemporaryDatabase { path in
      let connection = try SQLiteConnection(path: path)
      try connection.executeScript("CREATE TABLE t (x INTEGER UNIQUE)")
      // A plain do/catch on purpose: with Swift 6.3.1, a #require(throws:) closure here made the
      // later `transaction { … }` call run the #require closure instead of its own (a closure
      // discriminator clash inside macro expansions, reproduced in a standalone package).
      do {
        try connection.transaction {
          try connection.execute("INSERT INTO t VALUES (?)", [1])
          try connection.execute("INSERT INTO t VALUES (?)", [1])
          try connection.execute("INSERT INTO t VALUES (?)", [2])
        }
        Issue.record("the duplicate insert did not throw")
      } catch let error as SQLiteError {
        #expect(error.isConstraintViolation)
      }
      #expect(try count(connection) == 0)
      // The connection is usable again.
      try connection.transaction { try connection.execute("INSERT INTO t VALUES (?)", [3]) }
      #expect(try count(connection) == 1)
    }
  }

  @Test func beginImmediateFailsAsBusyWhileAnotherConnectionWrites() throws {
    try withTemporaryDatabase { path in
      let configuration = SQLiteConnection.Configuration(busyTimeout: .milliseconds(50))
      let first = try SQLiteConnection(path: path, configuration: configuration)
      try first.executeScript("CREATE TABLE t (x INTEGER)")
      let second = try SQLiteConnection(path: path, configuration: configuration)
      var bodyRan = false
      try second.transaction {
        let error = try #require(throws: SQLiteError.self) {
          try first.transaction { bodyRan = true }
        }
        #expect(error.isBusy)
      }
      #expect(!bodyRan)
      #expect(!first.isInTransaction)
    }
  }
}
