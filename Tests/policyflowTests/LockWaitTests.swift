import Foundation
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// A person's command that meets the store's write lock held by another process (as a large
/// import holds it until it ends) waits, says so, and then does its work; it no longer fails
/// after the five seconds of the store's busy timeout. SQLite only: on PostgreSQL writers wait
/// for the rows they share, not for one lock.
@Suite struct LockWaitTests {
  @Test func aPersonsCommandWaitsOutALongWriteLockAndSaysItIsWaiting() throws {
    let store = try StoreFixture(.sqlite)
    let holder = try SQLiteConnection(path: store.db)
    try holder.execute("BEGIN IMMEDIATE")
    let started = Date()
    let adding = try WorkerProcess(
      arguments: ["users", "add", "bob", "--roles", "underwriter", "--db", store.db, "--as", "tester"],
      environment: [:])
    // Held past the five seconds a command used to wait.
    while Date().timeIntervalSince(started) < 6.5 { Thread.sleep(forTimeInterval: 0.1) }
    #expect(adding.process.isRunning, "still waiting: \(adding.log)")
    try holder.execute("ROLLBACK")
    #expect(adding.wait() == 0, "\(adding.log)")
    #expect(
      adding.log
        == "Waiting for the store: another process holds its write lock (a large import holds it until it ends); "
        + "waiting up to 120 s (POLICYFLOW_LOCK_WAIT); Ctrl-C stops without changing anything.\n")
    #expect(try store.count("SELECT count(*) FROM app_user WHERE name = 'bob'") == 1)
  }

  @Test func aWaitPastPOLICYFLOW_LOCK_WAITFailsAndChangesNothing() throws {
    let store = try StoreFixture(.sqlite)
    let holder = try SQLiteConnection(path: store.db)
    try holder.execute("BEGIN IMMEDIATE")
    defer { _ = try? holder.execute("ROLLBACK") }
    let refused = try store.run(["users", "add", "bob", "--as", "tester"], environment: ["POLICYFLOW_LOCK_WAIT": "1"])
    #expect(refused.exitCode == 1)
    #expect(refused.stderr.contains("database is locked"), "\(refused.stderr)")
    #expect(refused.stderr.contains("longer than this command waits (POLICYFLOW_LOCK_WAIT, in seconds"))
    try holder.execute("ROLLBACK")
    #expect(try store.count("SELECT count(*) FROM app_user WHERE name = 'bob'") == 0)
  }

  /// The wait starts with the store's first statement: a command that has to upgrade the store
  /// first (a new PolicyFlow on an old store) while an import holds the lock waits as well; it
  /// used to fail after five seconds.
  @Test func anUpgradeWaitsOutALongWriteLock() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let db = directory.appendingPathComponent("old.sqlite").path
    try StoreFixture.writeSchemaThreeStore(at: db, status: "In Process", queued: true)
    let holder = try SQLiteConnection(path: db)
    try holder.execute("BEGIN IMMEDIATE")
    let started = Date()
    let queue = try WorkerProcess(arguments: ["queue", "--db", db, "--as", "alice"], environment: [:])
    while Date().timeIntervalSince(started) < 6.5 { Thread.sleep(forTimeInterval: 0.1) }
    #expect(queue.process.isRunning, "still waiting: \(queue.log)")
    try holder.execute("ROLLBACK")
    #expect(queue.wait() == 0, "\(queue.log)")
    #expect(queue.log.hasPrefix("Waiting for the store: another process holds its write lock"), "\(queue.log)")
    #expect(queue.log.contains("Upgraded the store to schema version \(PolicyStore.latestSchemaVersion) in "))
  }

  /// PostgreSQL writers wait for the rows they share, not for one lock: the setting is not
  /// read there, so a bad value does not stop a command.
  @Test(.enabled(if: TestStore.all.contains(.postgres)))
  func postgreSQLCommandsDoNotReadTheLockWait() throws {
    let store = try StoreFixture(.postgres)
    let listed = try store.run(["users", "list", "--as", "tester"], environment: ["POLICYFLOW_LOCK_WAIT": "soon"])
    #expect(listed.exitCode == 0, "\(listed.stderr)")
  }

  @Test(arguments: ["soon", "0", "-5", "90000"])
  func aLockWaitThatIsNotSecondsIsAUsageError(_ value: String) throws {
    let store = try StoreFixture(.sqlite)
    let refused = try store.run(["users", "list", "--as", "tester"], environment: ["POLICYFLOW_LOCK_WAIT": value])
    #expect(refused.exitCode == 64)
    #expect(
      refused.stderr
        == "Error: POLICYFLOW_LOCK_WAIT is '\(value)'; give a whole number of seconds from 1 to 86400 (default 120).\n")
  }
}
