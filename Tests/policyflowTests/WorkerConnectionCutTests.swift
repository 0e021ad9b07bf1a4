import Foundation
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A worker on PostgreSQL whose sessions are cut (an administrator terminating backends, a
/// server restarting) keeps going: it reconnects and processes everything once the cuts stop.
@Suite(.serialized, .enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
struct WorkerConnectionCutTests {
  /// Every session of the worker is terminated as soon as it appears, for three seconds from its
  /// start: at any point of its start-up (the open, the login check, the catalog, the listen)
  /// and of its first claims. A worker restarted by its supervisor while the server restarted
  /// died between opening the store and checking its login ("Reading the store failed: server
  /// closed the connection unexpectedly", exit 1) in the fault drill.
  @Test func aWorkerWhoseSessionsAreCutAsItStartsWaitsAndThenProcessesEverything() throws {
    let store = try StoreFixture(.postgres)
    try store.importGenerated(40)
    let admin = try TestStore.connect(store.db)
    let worker = try store.startWorker(["--poll-interval", "100"])
    let cutUntil = Date().addingTimeInterval(3)
    var cuts = 0
    while Date() < cutUntil {
      cuts +=
        try admin.queryOne(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            + "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ) { try $0.int(at: 0) } ?? 0
      usleep(5_000)
    }
    #expect(cuts > 0, "no session of the worker was seen to cut")
    let deadline = Date().addingTimeInterval(30)
    while try store.count("SELECT count(*) FROM activity") > 0, Date() < deadline, worker.process.isRunning {
      usleep(50_000)
    }
    #expect(worker.process.isRunning, "the worker died: \(worker.log)")
    let left = try store.query("SELECT state || ' ' || attempts || ' ' || coalesce(last_error, '') FROM activity") {
      try $0.string(at: 0)
    }
    #expect(
      try store.count("SELECT count(*) FROM policy WHERE is_current = 1 AND status = 'Approved'") == 40,
      "left in the queue: \(left)\n\(worker.log)")
    worker.signal(SIGTERM)
    #expect(worker.wait(seconds: 10) == 0, "\(worker.log)")
  }
}
