import Dispatch
import PolicyFlowStore
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite(.needsPostgres)
struct PostgresTransactionTests {
  private struct RuleFailure: Error {}

  private func newCounter() throws -> String {
    let uri = try newPostgresDatabase()
    try PostgresConnection(uri: uri).executeScript(
      "CREATE TABLE counter (id bigint PRIMARY KEY, n bigint NOT NULL); INSERT INTO counter VALUES (1, 0)")
    return uri
  }

  private func count(_ connection: PostgresConnection) throws -> Int {
    try connection.queryOne("SELECT n FROM counter WHERE id = 1") { try $0.int(at: 0) } ?? -1
  }

  private func increment(_ connection: PostgresConnection) throws {
    let n = try count(connection)
    try connection.execute("UPDATE counter SET n = ? WHERE id = 1", [.integer(Int64(n + 1))])
  }

  @Test func commitKeepsTheWritesAndRollbackOnThrowLeavesNothing() throws {
    let uri = try newCounter()
    let connection = try PostgresConnection(uri: uri)
    let result = try connection.transaction {
      #expect(connection.isInTransaction)
      try increment(connection)
      return "done"
    }
    #expect(result == "done" && !connection.isInTransaction)
    #expect(throws: RuleFailure.self) {
      try connection.transaction {
        try increment(connection)
        throw RuleFailure()
      }
    }
    #expect(!connection.isInTransaction)
    // A second connection sees the commit and not the rolled-back change.
    #expect(try count(PostgresConnection(uri: uri)) == 1)
  }

  /// PostgreSQL refuses every statement after an error in a transaction, and COMMIT then rolls
  /// back while reporting success: the driver must not let that pass as a commit.
  @Test func anErrorTheBodySwallowedFailsTheTransaction() throws {
    let connection = try PostgresConnection(uri: try newCounter())
    let error = try #require(throws: PostgresError.self) {
      try connection.transaction {
        try increment(connection)
        _ = try? connection.execute("SELECT * FROM no_such_table")
      }
    }
    #expect(error.sqlState == "42P01")
    #expect(try count(connection) == 0)
  }

  /// Two read-modify-write increments that overlap: the second to write loses with a
  /// serialization failure, runs again on the new value, and the counter ends at 2, as if they
  /// had run one after the other.
  @Test func aSerializationFailureRunsTheTransactionAgain() throws {
    let uri = try newCounter()
    let (first, second) = (try PostgresConnection(uri: uri), try PostgresConnection(uri: uri))
    var attempts = 0
    try second.transaction {
      attempts += 1
      let n = try count(second)
      if attempts == 1 {
        try first.transaction { try increment(first) }
      }
      try second.execute("UPDATE counter SET n = ? WHERE id = 1", [.integer(Int64(n + 1))])
    }
    #expect(attempts == 2)
    #expect(try count(first) == 2)
  }

  @Test func concurrentIncrementsAllCount() throws {
    let uri = try newCounter()
    let shared = SharedCounts()
    onSeparateThreads(2) { _ in
      do {
        let connection = try PostgresConnection(uri: uri)
        for _ in 0..<20 {
          try connection.transaction { try increment(connection) }
        }
      } catch {
        shared.failures.withLock { $0.append("\(error)") }
      }
    }
    #expect(shared.failures.withLock { $0 } == [])
    #expect(try count(PostgresConnection(uri: uri)) == 40)
  }

  /// Two transactions that lock two rows in opposite orders: PostgreSQL breaks the deadlock by
  /// failing one (40P01), which runs again once the other has committed.
  @Test func aDeadlockRunsTheLoserAgain() throws {
    let uri = try newPostgresDatabase()
    try PostgresConnection(uri: uri).executeScript(
      "CREATE TABLE counter (id bigint PRIMARY KEY, n bigint NOT NULL); INSERT INTO counter VALUES (1, 0), (2, 0)")
    let shared = SharedCounts()
    onSeparateThreads(2) { index in
      do {
        let connection = try PostgresConnection(uri: uri)
        let (first, second): (Int64, Int64) = index == 0 ? (1, 2) : (2, 1)
        var isFirstAttempt = true
        try connection.transaction {
          shared.attempts.add(1, ordering: .relaxed)
          try connection.execute("UPDATE counter SET n = n + 1 WHERE id = ?", [.integer(first)])
          if isFirstAttempt {
            isFirstAttempt = false
            shared.holding.add(1, ordering: .relaxed)
            // Up to a minute for the other to hold its row: a deadlock needs both.
            for _ in 0..<30_000 where shared.holding.load(ordering: .relaxed) < 2 { usleep(2_000) }
          }
          try connection.execute("UPDATE counter SET n = n + 1 WHERE id = ?", [.integer(second)])
        }
      } catch {
        shared.failures.withLock { $0.append("\(error)") }
      }
    }
    #expect(shared.failures.withLock { $0 } == [])
    // The loser runs again; if it starts again before the winner has committed, it meets the
    // winner's row and fails once more as a serialization failure (40001), to run a third time.
    #expect((3...4).contains(shared.attempts.load(ordering: .relaxed)))
    let counts = try PostgresConnection(uri: uri).query("SELECT n FROM counter ORDER BY id") { try $0.int(at: 0) }
    #expect(counts == [2, 2])
  }

  /// The server ends the session (an administrator, a restart): the next transaction
  /// reconnects and runs, and so does a statement that was never sent before.
  @Test func aLostConnectionIsRecoveredByTheNextTransaction() throws {
    let uri = try newCounter()
    let connection = try PostgresConnection(uri: uri)
    try increment(connection)
    try terminateSession(of: connection, uri: uri)
    try connection.transaction { try increment(connection) }
    #expect(try count(connection) == 2)

    try terminateSession(of: connection, uri: uri)
    #expect(try connection.queryOne("SELECT 40 + ?", [2]) { try $0.int(at: 0) } == 42)
  }

  /// A statement already prepared meets the lost session when it runs, and may have run: it is
  /// not sent again but fails as transient, and the next statement reconnects.
  @Test func aStatementThatMayHaveRunIsNotSentAgain() throws {
    let uri = try newCounter()
    let connection = try PostgresConnection(uri: uri)
    try increment(connection)
    try terminateSession(of: connection, uri: uri)
    let error = try #require(throws: PostgresError.self) { try increment(connection) }
    #expect(error.isTransient)
    try increment(connection)
    #expect(try count(connection) == 2)
  }

  /// LISTEN on a connection whose session was lost reconnects first, as every statement does:
  /// it was sent on the dead connection again and again ("no connection to the server"), and a
  /// worker whose session was cut as it started listening never started.
  @Test func listeningAfterALostSessionReconnects() throws {
    let uri = try newCounter()
    let connection = try PostgresConnection(uri: uri)
    try terminateSession(of: connection, uri: uri)
    // The first statement meets the lost session (libpq only learns of it then).
    #expect(throws: PostgresError.self) { try connection.listen("pf_test_work") }
    try connection.listen("pf_test_work")
    try PostgresConnection(uri: uri).notify("pf_test_work")
    #expect(try connection.awaitNotification(milliseconds: 5_000))
  }

  private func terminateSession(of connection: PostgresConnection, uri: String) throws {
    let pid = try #require(try connection.queryOne("SELECT pg_backend_pid()") { try $0.int64(at: 0) })
    let admin = try PostgresConnection(uri: uri)
    #expect(
      try admin.queryOne("SELECT pg_terminate_backend(CAST(? AS integer))", [.integer(pid)]) { try $0.bool(at: 0) }
        == true)
    // Termination is asynchronous: wait until the session is gone.
    for _ in 0..<200 {
      let alive = try admin.queryOne("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", [.integer(pid)]) {
        try $0.int(at: 0)
      }
      if alive == 0 { return }
      usleep(10_000)
    }
  }

  @Test func aReadTransactionWritesNothing() throws {
    let connection = try PostgresConnection(uri: try newCounter())
    let error = try #require(throws: PostgresError.self) {
      try connection.transaction(.read) { try increment(connection) }
    }
    #expect(error.sqlState == "25006")
  }

  @Test func aRelaxedCommitDoesNotWeakenTheNext() throws {
    let connection = try PostgresConnection(uri: try newCounter())
    let setting = { try connection.queryOne("SHOW synchronous_commit") { try $0.string(at: 0) } }
    #expect(try connection.transaction(.write, durability: .relaxed) { try setting() } == "off")
    #expect(try connection.transaction { try setting() } == "on")
    let relaxed = try PostgresConnection(uri: try newPostgresDatabase(), relaxedDurability: true)
    #expect(
      try relaxed.transaction { try relaxed.queryOne("SHOW synchronous_commit") { try $0.string(at: 0) } } == "off")
  }
}

/// What the threads of one test count and report.
private final class SharedCounts: Sendable {
  let attempts = Atomic<Int>(0)
  let holding = Atomic<Int>(0)
  let failures = Mutex<[String]>([])
}
