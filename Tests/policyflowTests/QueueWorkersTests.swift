import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `policyflow queue` shows each live worker (what it holds, what it runs, when it last
/// committed) and how long the oldest ready activity has waited; a worker that stops leaves
/// the list. On both stores.
@Suite(.serialized) struct QueueWorkersTests {
  @Test(arguments: TestStore.all) func queueShowsLiveWorkersAndTheOldestReadyActivity(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.importGenerated(3)
    let waiting = try JSON(parsing: try store.run(["queue", "--json", "--as", "tester"]).stdout)
    #expect(waiting[path: "oldestReadySeconds"]?.number.map { $0 >= 0 } == true)
    #expect(waiting[path: "workers"] == [])

    let metrics = store.directory.appendingPathComponent("worker.prom").path
    let worker = try store.startWorker(["--poll-interval", "100", "--metrics-file", metrics])
    defer {
      worker.signal(SIGTERM)
      _ = worker.wait(seconds: 10)
    }
    var live: JSON = []
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline {
      let report = try JSON(parsing: try store.run(["queue", "--json", "--as", "tester"]).stdout)
      live = report[path: "workers"] ?? []
      if live[path: "0.processed"] == 3 { break }
      usleep(100_000)
    }
    #expect(live.arrayValue?.count == 1, "\(live.serialized())")
    #expect(live[path: "0.owner"]?.stringValue?.hasSuffix(":\(worker.process.processIdentifier)") == true)
    #expect(live[path: "0.catalog"]?.stringValue?.hasPrefix("sha256:") == true)
    #expect(live[path: "0.processed"] == 3)
    #expect(live[path: "0.lastCommitAt"]?.stringValue != nil)
    let text = try store.run(["queue", "--as", "tester"]).stdout
    #expect(text.contains("Live workers:") && text.contains(":\(worker.process.processIdentifier)"), "\(text)")
    let prometheus = (try? String(contentsOfFile: metrics, encoding: .utf8)) ?? ""
    #expect(prometheus.contains("policyflow_worker_info{worker=\""), "\(prometheus)")
    #expect(prometheus.contains(",catalog=\"sha256:"))
    #expect(prometheus.contains("policyflow_worker_leased{worker=\""))

    worker.signal(SIGTERM)
    #expect(worker.wait(seconds: 10) == 0)
    let after = try JSON(parsing: try store.run(["queue", "--json", "--as", "tester"]).stdout)
    #expect(after[path: "workers"] == [], "a worker that stopped is not live")
  }

  /// A worker of this machine that was killed (its row stays: it could not remove it) is not
  /// listed as live, and is named as gone.
  @Test func aKilledWorkerOfThisMachineIsNotListedAsLive() throws {
    let store = try StoreFixture()
    try store.importGenerated(3)
    let worker = try store.startWorker(["--poll-interval", "100"])
    let owner = ":\(worker.process.processIdentifier)"
    let deadline = Date().addingTimeInterval(20)
    var live: JSON = []
    while Date() < deadline {
      live = try JSON(parsing: try store.run(["queue", "--json", "--as", "tester"]).stdout)[path: "workers"] ?? []
      if live.arrayValue?.isEmpty == false { break }
      usleep(100_000)
    }
    #expect(live[path: "0.owner"]?.stringValue?.hasSuffix(owner) == true, "\(live.serialized())")
    worker.signal(SIGKILL)
    _ = worker.wait(seconds: 10)
    #expect(try store.count("SELECT count(*) FROM worker_heartbeat") == 1, "a killed worker leaves its row")
    // Gone once it has not been seen for a few seconds (a live one says so every second).
    var after = try store.run(["queue", "--json", "--as", "tester"])
    let gone = Date().addingTimeInterval(10)
    while Date() < gone, try JSON(parsing: after.stdout)[path: "workers"] != [] {
      usleep(200_000)
      after = try store.run(["queue", "--json", "--as", "tester"])
    }
    let report = try JSON(parsing: after.stdout)
    #expect(report[path: "workers"] == [], "\(after.stdout)")
    #expect(report[path: "goneWorkers.0"]?.stringValue?.hasSuffix(owner) == true)
    #expect(after.stderr.contains("stopped without saying so (killed?): not listed as live"), "\(after.stderr)")
  }
}
