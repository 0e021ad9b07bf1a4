import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The durable runtime end to end: the built binary on a fresh store per test.
@Suite(.serialized) struct WorkerTests {
  @Test func initCreatesTheStoreAndIsHarmlessToRepeat() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let db = directory.appendingPathComponent("new.sqlite").path
    let first = try PolicyFlowBinary.run(["init", "--db", db, "--admin", "alice"])
    #expect(first.exitCode == 0, "\(first.stderr)")
    #expect(first.stdout.contains("schema version \(PolicyStore.latestSchemaVersion)"))
    let second = try PolicyFlowBinary.run(["init", "--db", db, "--admin", "alice", "--as", "alice"])
    #expect(second.exitCode == 0, "\(second.stderr)")
    let connection = try SQLiteConnection(path: db)
    #expect(try connection.queryOne("SELECT count(*) FROM app_user WHERE is_admin = 1") { try $0.int(at: 0) } == 1)
    #expect(
      try connection.queryOne("SELECT max(version) FROM schema_migrations") { try $0.int(at: 0) }
        == PolicyStore.latestSchemaVersion)
  }

  @Test func initDoesNotLetAnyoneBecomeAnAdministratorOfAnExistingStore() throws {
    let store = try StoreFixture()
    let refused = try store.run(["init", "--admin", "mallory", "--as", "mallory"])
    #expect(refused.exitCode == 77)
    #expect(refused.stderr.contains("already has administrators (tester)"))
    #expect(try store.count("SELECT count(*) FROM app_user WHERE name = 'mallory'") == 0)
    #expect(try store.run(["init", "--admin", "bob", "--as", "tester"]).exitCode == 0)
    #expect(try store.count("SELECT count(*) FROM app_user WHERE name = 'bob' AND is_admin = 1") == 1)
  }

  /// An administrator's name that `users add` would refuse is refused by `init` too, before the
  /// store is made: no file is left behind.
  @Test(arguments: [
    ("", Int32(64), "must not be empty"), ("bad name", 65, "is not valid"), ("a,b", 65, "is not valid"),
  ])
  func initWithAnAdministratorNameNoUserMayHaveMakesNoStore(name: String, exitCode: Int32, phrase: String) throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let db = directory.appendingPathComponent("new.sqlite").path
    let refused = try PolicyFlowBinary.run(["init", "--db", db, "--admin", name])
    #expect(refused.exitCode == exitCode, "\(refused.stderr)")
    #expect(refused.stderr.contains(phrase), "\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: db), "a refused init leaves no store")
  }

  @Test func onlyInitCreatesAStore() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let typo = directory.appendingPathComponent("typo.sqlite").path
    for arguments in [["pends", "list"], ["policies", "list"], ["queue"], ["worker", "--drain"]] {
      let result = try PolicyFlowBinary.run(arguments + ["--db", typo])
      #expect(result.exitCode == 1, "\(arguments)")
      #expect(result.stderr.hasPrefix("Error: There is no store at \(typo)"))
    }
    #expect(!FileManager.default.fileExists(atPath: typo))
  }

  @Test func storeFromANewerVersionIsRefusedAndLeftUntouched() throws {
    let store = try StoreFixture()
    #expect(try store.run(["init"]).exitCode == 0)
    let connection = try SQLiteConnection(path: store.db)
    try connection.executeScript("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')")
    try connection.executeScript("PRAGMA wal_checkpoint(TRUNCATE)")
    let before = try Data(contentsOf: URL(fileURLWithPath: store.db))
    let result = try store.run(["init"])
    #expect(result.exitCode == 1)
    #expect(result.stderr.contains("newer"))
    #expect(result.stderr.hasPrefix("Error: "))
    #expect(try Data(contentsOf: URL(fileURLWithPath: store.db)) == before)
  }

  @Test(arguments: TestStore.all) func eachExampleReachesItsOutcomeWithItsRows(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let examples = PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies")
    let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".json") }
      .sorted()
    let imported = try store.run(
      ["policies", "import", "--submit", "--as", "tester"] + files.map { examples.appendingPathComponent($0).path })
    #expect(imported.exitCode == 0, "\(imported.stderr)")
    #expect(try store.count("SELECT count(*) FROM activity WHERE state = 'queued'") == files.count)
    #expect(try store.count("SELECT count(*) FROM policy WHERE status = 'In Process'") == files.count)
    let worker = try store.run(["worker", "--drain", "--log-format", "json"])
    #expect(worker.exitCode == 0, "\(worker.stderr)")
    #expect(worker.stderr.contains(#""event":"drained""#))
    try store.expectEveryPolicyProcessedExactlyOnce(files.count)
    // The file name says the outcome: health-approved, group-pended-…, health-fatal-….
    let statuses = try store.query("SELECT code, status FROM policy") { (try $0.string(at: 0), try $0.string(at: 1)) }
    #expect(statuses.count == files.count)
    let byStatus = Dictionary(grouping: statuses, by: \.1).mapValues(\.count)
    #expect(byStatus["Approved"] == files.filter { $0.contains("-approved") }.count)
    #expect(byStatus["Pended"] == files.filter { $0.contains("-pended-") }.count)
    #expect(byStatus["Edit"] == files.filter { $0.contains("-fatal-") }.count)
    #expect(try store.count("SELECT count(*) FROM pend_history WHERE is_open = 1") >= byStatus["Pended"] ?? 0)
    // Every policy sent back to Edit has a fatal message in the outcome of its cycle.
    #expect(
      try store.count(
        kind == .sqlite
          ? """
          SELECT count(DISTINCT c.policy_id) FROM cycle c, json_each(c.outcome, '$.messages') m
          WHERE c.status = 'Edit' AND m.value ->> 'severity' = 'fatal'
          """
          : """
          SELECT count(DISTINCT c.policy_id) FROM cycle c, jsonb_array_elements(CAST(c.outcome AS jsonb) -> 'messages') m
          WHERE c.status = 'Edit' AND m ->> 'severity' = 'fatal'
          """) == byStatus["Edit"] ?? -1)
    #expect(try store.count("SELECT count(*) FROM catalog_snapshot") == 1)
    #expect(
      try store.count(
        "SELECT count(*) FROM cycle c LEFT JOIN catalog_snapshot s ON s.hash = c.catalog_hash WHERE s.hash IS NULL")
        == 0)
    #expect(
      try store.count("SELECT count(*) FROM status_history WHERE status = 'In Process' AND actor = 'tester'")
        == files.count)
  }

  @Test func aPolicyWhoseStoredDocumentWasBrokenByHandIsParkedAndTheRestProcessed() throws {
    let store = try StoreFixture()
    try store.importGenerated(3)
    let connection = try SQLiteConnection(path: store.db)
    try connection.execute(
      "UPDATE policy_data SET data = '{\"code\": ' WHERE policy_id = (SELECT id FROM policy WHERE code = 'GEN-1')")
    let worker = try store.run(["worker", "--drain"])
    #expect(worker.exitCode == 0, "\(worker.stderr)")
    // The worker finds first that the document is not what its chain recorded.
    #expect(
      worker.stderr.contains(
        "(policy GEN-1) as failed: its document no longer holds what its chain recorded: it was changed behind the "
          + "engine's back"),
      "\(worker.stderr)")
    #expect(
      worker.stderr.contains("processed 2 (Approved 2), 0 retries, 1 parked as failed (see 'policyflow queue')"),
      "\(worker.stderr)")
    let statuses = try store.query("SELECT code, status FROM policy ORDER BY code") {
      [try $0.string(at: 0), try $0.string(at: 1)]
    }
    #expect(statuses == [["GEN-0", "Approved"], ["GEN-1", "In Process"], ["GEN-2", "Approved"]])
    let queue = try store.run(["queue", "--as", "tester"])
    #expect(queue.stdout.hasPrefix("queued 0, leased 0, failed 1"), "\(queue.stdout)")
    // Commands that read the policy name it and say what happened, instead of a bare parse error.
    let show = try store.run(["policies", "show", "GEN-1", "--as", "tester"])
    #expect(show.exitCode == 1)
    #expect(
      show.stderr.hasPrefix("Error: The stored document of policy GEN-1 version 1 cannot be read (1:10:"),
      "\(show.stderr)")
    #expect(show.stderr.contains("changed outside PolicyFlow. Restore the policy from a backup of the store."))
  }

  @Test(arguments: TestStore.all) func secondSubmitIsRecordedAsAlreadySubmittedWithoutASecondActivity(_ kind: TestStore)
    throws
  {
    let store = try StoreFixture(kind)
    try store.importGenerated(1)
    let again = try store.run(["policies", "submit", "GEN-0", "--as", "tester"])
    #expect(again.exitCode == 0)
    #expect(again.stdout.contains("already submitted"))
    #expect(try store.count("SELECT count(*) FROM activity") == 1)
    #expect(try store.count("SELECT count(*) FROM status_history WHERE note = 'already submitted'") == 1)
  }

  @Test(arguments: TestStore.all) func workerKilledMidQueueAndRestartedProcessesEveryPolicyExactlyOnce(
    _ kind: TestStore
  ) throws {
    let store = try StoreFixture(kind)
    try store.importGenerated(10_000)
    // Each worker is killed once it has committed (a fixed delay could end before a worker
    // started on a loaded machine), at a different point of its next batches.
    for delay in [0, 50_000, 100_000] as [useconds_t] {
      let worker = try store.startWorker(["--batch", "50", "--lease", "1"])
      #expect(worker.waitForLog("committed "), "\(worker.log.suffix(2000))")
      usleep(delay)
      worker.signal(SIGKILL)
      #expect(worker.wait() == 128 + SIGKILL)
    }
    let before = try store.count("SELECT count(*) FROM cycle")
    #expect(before > 0 && before < 10_000, "the kills landed mid-queue (\(before) processed before the restart)")
    // The killed workers' leases expire after a second; the last worker's own may take longer.
    let final = try store.startWorker(["--drain", "--batch", "200", "--lease", "30"])
    #expect(final.wait(seconds: 600) == 0, "\(final.log.suffix(2000))")
    try store.expectEveryPolicyProcessedExactlyOnce(10_000)
  }

  @Test(arguments: TestStore.all) func twoWorkerProcessesOnOneFileProcessEachPolicyExactlyOnce(_ kind: TestStore) throws
  {
    let store = try StoreFixture(kind)
    try store.importGenerated(3_000)
    let first = try store.startWorker(["--drain", "--batch", "25"])
    let second = try store.startWorker(["--drain", "--batch", "25"])
    #expect(first.wait() == 0, "\(first.log.suffix(2000))")
    #expect(second.wait() == 0, "\(second.log.suffix(2000))")
    try store.expectEveryPolicyProcessedExactlyOnce(3_000)
    let workers = try store.query("SELECT DISTINCT worker FROM cycle") { try $0.string(at: 0) }
    #expect(workers.count == 2, "both workers took part")
  }

  @Test(arguments: TestStore.all) func stoppedWorkerLosesItsLeaseAndItsLateCommitIsRejected(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.importGenerated(20)
    let stalled = try store.startWorker(
      ["--batch", "100", "--lease", "1", "--poll-interval", "50"],
      environment: ["POLICYFLOW_TEST_COMMIT_DELAY_MS": "1000"])
    // Stopped in its commit delay, holding its lease but no transaction: right after the
    // claim it claims again (nothing is left), and a process stopped inside a transaction
    // would hold the write lock, which no lease can take over.
    #expect(stalled.waitForLog("test hook: holding the commit"))
    stalled.signal(SIGSTOP)
    let rescuer = try store.startWorker(["--drain", "--lease", "1"])
    #expect(rescuer.wait(seconds: 300) == 0, "\(rescuer.log)")
    #expect(rescuer.log.contains("committed 20"))
    stalled.signal(SIGCONT)
    #expect(stalled.waitForLog("lease lost on 20 activities"), "\(stalled.log)")
    // Held past its lease by the worker itself: the log says what to change if it repeats.
    #expect(stalled.log.contains("longer than the lease (--lease 1): if this repeats"), "\(stalled.log)")
    stalled.signal(SIGTERM)
    #expect(stalled.wait() == 0)
    try store.expectEveryPolicyProcessedExactlyOnce(20)
  }

  @Test func writerHoldingTheDatabaseDelaysTheWorkerWithoutErrors() throws {
    let store = try StoreFixture()
    try store.importGenerated(500)
    let worker = try store.startWorker(["--drain", "--batch", "20"])
    // A CLI user's long write transaction while the worker runs.
    let connection = try SQLiteConnection(path: store.db)
    try connection.transaction {
      try connection.executeScript("UPDATE app_user SET roles = '[]'")
      usleep(1_500_000)
    }
    // Meanwhile submits from the CLI keep working.
    let submit = try store.run(["policies", "submit", "GEN-499", "--as", "tester"])
    #expect(submit.exitCode == 0, "\(submit.stderr)")
    #expect(worker.wait() == 0, "\(worker.log.suffix(2000))")
    #expect(!worker.log.contains("parked"))
    #expect(try store.count("SELECT count(*) FROM policy WHERE status = 'In Process'") == 0)
    #expect(try store.count("SELECT count(*) FROM activity") == 0)
  }

  /// A worker holds up to two batches (one committing, the next computing): a stop claims
  /// nothing more and commits what it holds, then exits 0 with no lease left.
  @Test(arguments: TestStore.all) func sigtermCommitsTheBatchesInHandAndExitsZero(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.importGenerated(200)
    let worker = try store.startWorker(
      // A commit held 3 s: the stop lands before a third claim however late the test sees the first.
      ["--batch", "50", "--poll-interval", "50"], environment: ["POLICYFLOW_TEST_COMMIT_DELAY_MS": "3000"])
    #expect(worker.waitForLog("claimed 50 activities"))
    worker.signal(SIGTERM)
    #expect(worker.wait() == 0, "\(worker.log)")
    #expect(worker.log.contains("stop requested"))
    let claims = worker.log.components(separatedBy: "claimed 50 activities").count - 1
    let commits = worker.log.components(separatedBy: "committed 50 ").count - 1
    #expect((1...2).contains(claims), "\(worker.log)")
    #expect(commits == claims, "every batch claimed is committed")
    #expect(try store.count("SELECT count(*) FROM cycle") == 50 * claims)
    #expect(try store.count("SELECT count(*) FROM activity WHERE state = 'leased'") == 0, "no lease left behind")
    #expect(try store.count("SELECT count(*) FROM activity WHERE state = 'queued'") == 200 - 50 * claims)
  }

  /// A stop is said at once, though the batches in hand take their time (a commit held 5 s here;
  /// a full disk's retries took close to a minute, with nothing in the log), and a second signal
  /// a second or more later exits there and then: nothing of the batch is committed, and its policies are processed by
  /// the next worker once the lease ends, each exactly once.
  @Test func aSecondStopSignalExitsAtOnceAndTheBatchIsTakenAfterTheLease() throws {
    let store = try StoreFixture()
    try store.importGenerated(50)
    let worker = try store.startWorker(
      ["--batch", "50", "--lease", "2", "--poll-interval", "50"],
      environment: ["POLICYFLOW_TEST_COMMIT_DELAY_MS": "5000"])
    #expect(worker.waitForLog("test hook: holding the commit"), "\(worker.log)")
    worker.signal(SIGTERM)
    #expect(
      worker.waitForLog(
        "stop requested (SIGTERM): claiming nothing more, committing the batches in hand, then exiting; a second "
          + "signal exits at once", seconds: 3), "said while the commit is held: \(worker.log)")
    // A second signal sent with the first by one act (a process runner passing Ctrl-C on as
    // SIGTERM too) is not someone insisting: the worker goes on committing.
    worker.signal(SIGINT)
    usleep(500_000)
    #expect(!worker.log.contains("second stop signal"), "\(worker.log)")
    usleep(700_000)
    worker.signal(SIGINT)
    #expect(worker.wait(seconds: 3) == 128 + SIGINT, "\(worker.log)")
    #expect(
      worker.log.contains(
        "second stop signal (SIGINT): exiting at once without committing the batches in hand; their policies go back "
          + "to the queue when the lease ends (--lease 2 s)"), "\(worker.log)")
    #expect(!worker.log.contains("committed 50"))
    #expect(try store.count("SELECT count(*) FROM cycle") == 0)
    #expect(try store.count("SELECT count(*) FROM activity WHERE state = 'leased'") == 50)
    let rescuer = try store.startWorker(["--drain", "--lease", "2"])
    #expect(rescuer.wait(seconds: 120) == 0, "\(rescuer.log)")
    try store.expectEveryPolicyProcessedExactlyOnce(50)
  }

  /// A store file removed or replaced under a running worker (a restore from a backup): the worker
  /// says so and stops with a failure, where it went on with the deleted file while new work
  /// waited in the one now at its path.
  @Test func aWorkerWhoseStoreFileIsReplacedStopsAndSaysSo() throws {
    let store = try StoreFixture()
    let worker = try store.startWorker(["--poll-interval", "50"])
    #expect(worker.waitForLog("started with catalog"), "\(worker.log)")
    let moved = store.db + ".old"
    #expect(rename(store.db, moved) == 0)
    try FileManager.default.copyItem(atPath: moved, toPath: store.db)
    #expect(worker.wait(seconds: 15) == 1, "\(worker.log)")
    #expect(
      worker.log.contains(
        "the store file \(store.db) was replaced by another file; stopping: start the worker again to work on the "
          + "store now at that path"), "\(worker.log)")
  }

  /// A backup put back under a worker with work in hand: the worker stops, and the store put back
  /// opens whole. It went on (only its first look at the file was heeded), and the write-ahead log
  /// it left at the store's path was read by the file put back as its own: "database disk image
  /// is malformed" at the next command (operator trial).
  @Test func aBackupPutBackUnderABusyWorkerOpensWhole() throws {
    let store = try StoreFixture()
    try store.importGenerated(100)
    let backup = store.db + ".backup"
    try TestStore.connect(store.db).executeScript("VACUUM INTO '\(backup)'")
    let worker = try store.startWorker(
      ["--batch", "50", "--poll-interval", "50"], environment: ["POLICYFLOW_TEST_COMMIT_DELAY_MS": "1000"])
    #expect(worker.waitForLog("claimed 50 activities"), "\(worker.log)")
    #expect(rename(backup, store.db) == 0)
    #expect(worker.wait(seconds: 20) == 1, "\(worker.log)")
    #expect(worker.log.contains("was replaced by another file"), "\(worker.log)")
    let checked = try TestStore.connect(store.db).queryOne("PRAGMA integrity_check", row: { try $0.string(at: 0) })
    #expect(checked == "ok")
    let listed = try store.run(["policies", "list", "--as", "tester"])
    #expect(listed.exitCode == 0, "\(listed.stderr)")
    #expect(try store.count("SELECT count(*) FROM activity") == 100, "the queue as the backup holds it")
  }

  /// When another process still reading the replaced store keeps the worker from emptying its
  /// write-ahead log, the worker says so, naming the log, rather than exit as if it were safe to
  /// open the file put back (review: SQLite answers a busy checkpoint in a row, not an error).
  @Test func aWorkerThatCannotEmptyTheLogOfAReplacedStoreSaysSo() throws {
    let store = try StoreFixture()
    try store.importGenerated(100)
    let backup = store.db + ".backup"
    try TestStore.connect(store.db).executeScript("VACUUM INTO '\(backup)'")
    let reader = try TestStore.connect(store.db)
    let worker = try store.startWorker(["--batch", "50", "--poll-interval", "50"])
    #expect(worker.waitForLog("committed"), "\(worker.log)")
    try reader.executeScript("BEGIN; SELECT count(*) FROM cycle;")
    #expect(rename(backup, store.db) == 0)
    #expect(worker.wait(seconds: 30) == 1, "\(worker.log)")
    try reader.executeScript("COMMIT")
    #expect(worker.log.contains("Its write-ahead log (\(store.db)-wal) could not be emptied"), "\(worker.log)")
  }

  /// A closed terminal or ssh session (SIGHUP) stops the worker as SIGTERM does: it exited 129 with
  /// its batches leased until the lease ran out.
  @Test func sighupStopsTheWorkerAsSigtermDoes() throws {
    let store = try StoreFixture()
    try store.importGenerated(100)
    let worker = try store.startWorker(
      ["--batch", "50", "--poll-interval", "50"], environment: ["POLICYFLOW_TEST_COMMIT_DELAY_MS": "2000"])
    #expect(worker.waitForLog("claimed 50 activities"))
    worker.signal(SIGHUP)
    #expect(worker.wait() == 0, "\(worker.log)")
    #expect(worker.log.contains("stop requested"))
    #expect(try store.count("SELECT count(*) FROM activity WHERE state = 'leased'") == 0, "no lease left behind")
  }

  /// A worker started while its database cannot be reached (a PostgreSQL server restarting, here
  /// a socket directory with no server) waits for it, saying so, rather than exit at once; a stop
  /// ends the wait.
  @Test func aWorkerStartedWhileItsDatabaseIsUnreachableWaitsForItUntilStopped() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pf-nosrv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let worker = try WorkerProcess(
      arguments: ["worker", "--db", "postgresql:///policyflow?host=\(directory.path)&user=nobody"], environment: [:])
    #expect(worker.waitForLog("the database cannot be reached yet"), "\(worker.log)")
    #expect(worker.log.contains("trying again in 100 ms"), "\(worker.log)")
    // One line per event, though libpq's message has line breaks of its own.
    let waits = worker.log.split(separator: "\n").filter { $0.contains("cannot be reached yet") }
    #expect(!waits.isEmpty && waits.allSatisfy { $0.contains("; trying again in ") }, "\(worker.log)")
    worker.signal(SIGTERM)
    #expect(worker.wait(seconds: 10) == 0, "\(worker.log)")
  }

  @Test func metricsFileIsPrometheusText() throws {
    let store = try StoreFixture()
    try store.importGenerated(30)
    let metrics = store.directory.appendingPathComponent("worker.prom").path
    let worker = try store.run(["worker", "--drain", "--metrics-file", metrics])
    #expect(worker.exitCode == 0)
    let text = try String(contentsOfFile: metrics, encoding: .utf8)
    #expect(text.contains("# TYPE policyflow_processed_total counter"))
    #expect(text.contains(#"status="Approved"} 30"#))
    #expect(text.contains(#"policyflow_queue_depth{state="queued"} 0"#))
    #expect(text.contains("policyflow_cycle_latency_seconds_count"))
    #expect(text.contains("policyflow_queue_oldest_ready_seconds 0"), "nothing due is 0, not an absent series")
    #expect(text.contains(#"policyflow_store_reachable{worker=""#) && text.contains("\"} 1\n"), "\(text)")
    // A store that cannot be read is said so, not only by the queue's series gone (SRE trial).
    let unreachable = WorkerMetrics.render(WorkerTotals(), queue: nil, owner: "w:1")
    #expect(unreachable.contains(#"policyflow_store_reachable{worker="w:1"} 0"#))
    #expect(!unreachable.contains("policyflow_queue_depth"))
    #expect(text.contains(#"policyflow_worker_info{worker=""#) && text.contains("} 0\n"), "a stopped worker: \(text)")
  }

  /// The file is written when the worker starts and while it waits, not only after a commit: it
  /// was empty until the first batch, and kept the counts of the batch before the last ones.
  @Test func anIdleWorkersMetricsFileShowsWhatItDid() throws {
    let store = try StoreFixture()
    let metrics = store.directory.appendingPathComponent("idle.prom").path
    let worker = try store.startWorker(["--metrics-file", metrics, "--poll-interval", "50"])
    #expect(worker.waitForLog("started with catalog"), "\(worker.log)")
    func text() -> String { (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "" }
    func waitFor(_ wanted: String) -> Bool {
      for _ in 0..<100 where !text().contains(wanted) { Thread.sleep(forTimeInterval: 0.05) }
      return text().contains(wanted)
    }
    #expect(waitFor("policyflow_worker_info{"), "written at start: \(text())")
    try store.importGenerated(7)
    #expect(waitFor(#"status="Approved"} 7"#), "every batch counted while the worker idles after it: \(text())")
    #expect(text().contains(#"policyflow_queue_depth{state="queued"} 0"#))
    worker.signal(SIGTERM)
    #expect(worker.wait() == 0, "\(worker.log)")
  }

  @Test(arguments: TestStore.all) func queueShowsAndRetriesFailedActivities(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.importGenerated(2)
    let connection = try TestStore.connect(store.db)
    try connection.executeScript("UPDATE activity SET state = 'failed', attempts = 5, last_error = 'disk I/O error'")
    let shown = try store.run(["queue", "--json"])
    let report = try JSON(parsing: shown.stdout)
    #expect(report[path: "failed"] == 2)
    #expect(report[path: "failedActivities.0.error"] == "disk I/O error")
    let bad = try store.run(["queue", "retry", "999", "--as", "tester"])
    #expect(bad.exitCode == 1)
    #expect(bad.stderr.contains("No failed activity with id 999"))
    let unknown = try store.run(["queue", "retry", "--all-failed", "--as", "ghost"])
    #expect(unknown.exitCode == 77)
    let retried = try store.run(["queue", "retry", "--all-failed", "--as", "tester"])
    #expect(retried.exitCode == 0)
    #expect(try store.count("SELECT count(*) FROM activity WHERE state = 'queued' AND attempts = 0") == 2)
  }

  @Test func demoRunsTheExamplesEndToEnd() throws {
    let store = try StoreFixture()
    let result = try PolicyFlowBinary.run([
      "demo", "--dir", store.directory.appendingPathComponent("demo").path, "--json",
    ])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let report = try JSON(parsing: result.stdout)
    let policies = report[path: "policies"]?.arrayValue ?? []
    #expect(policies.count == report[path: "imported"]?.number.map(Int.init))
    #expect(!policies.contains { $0[path: "status"] == "In Process" })
    #expect((report[path: "openPends"]?.arrayValue ?? []).count > 0)
  }

  /// Run from elsewhere with `--catalog`, the demo takes the examples beside that catalog (it
  /// looked for `examples/` in the current directory and failed).
  @Test func demoFromAnotherDirectoryTakesTheCatalogsExamples() throws {
    let store = try StoreFixture()
    let result = try PolicyFlowBinary.run(
      [
        "demo", "--catalog", PolicyFlowBinary.packageRoot.path, "--dir",
        store.directory.appendingPathComponent("demo").path, "--json",
      ],
      in: store.directory)
    #expect(result.exitCode == 0, "\(result.stderr)")
    let examples = try FileManager.default.contentsOfDirectory(
      atPath: PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies").path)
    #expect(try JSON(parsing: result.stdout)[path: "imported"] == .int(examples.filter { $0.hasSuffix(".json") }.count))
    // A catalog with no examples beside it is told how to give some.
    let bare = store.directory.appendingPathComponent("bare")
    for part in ["flows", "rules"] {
      try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
      try FileManager.default.copyItem(
        at: PolicyFlowBinary.packageRoot.appendingPathComponent(part), to: bare.appendingPathComponent(part))
    }
    let none = try PolicyFlowBinary.run(["demo", "--catalog", bare.path], in: store.directory)
    #expect(none.exitCode == 65)
    #expect(
      none.stderr.contains("has no examples/policies beside it; give the policies to run with --examples DIR."),
      "\(none.stderr)")
  }
}
