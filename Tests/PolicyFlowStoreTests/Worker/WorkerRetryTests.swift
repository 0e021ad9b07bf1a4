import Foundation
import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// The worker's answer to transient failures: retry with backoff, give the work back, and park
/// it after `maxAttempts` failed commits. A second connection holds an exclusive lock at the moment the
/// worker is about to commit, and lets go after a chosen number of retries.
struct WorkerRetryTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The example policy document `examples/policies/NAME`.
  static func example(_ name: String) throws -> JSON {
    try JSON(
      parsing: String(contentsOf: packageRoot.appendingPathComponent("examples/policies/\(name)"), encoding: .utf8))
  }

  final class Scenario {
    let directory: URL
    let store: PolicyStore
    let blocker: SQLiteConnection
    let catalog: Catalog
    var events: [WorkerEvent] = []
    var locked = false
    var retriesWhileLocked = 0
    var locksTaken = 0
    /// When the lock was last given up: a commit that succeeds after it ran after it.
    var releasedAt: StoreTime?

    init(policies: Int) throws {
      directory = FileManager.default.temporaryDirectory.appendingPathComponent("policyflow-retry-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let path = directory.appendingPathComponent("store.sqlite").path
      store = try PolicyStore(path: path, busyTimeoutMilliseconds: 20)
      blocker = try SQLiteConnection(path: path, configuration: .init(busyTimeout: .milliseconds(20)))
      catalog = try #require(CatalogLoader.load(directory: WorkerRetryTests.packageRoot.path).catalog)
      try store.ensureAdministrator("tester")
      let template = try JSON(
        parsing: String(
          contentsOf: WorkerRetryTests.packageRoot.appendingPathComponent("examples/policies/health-approved.json"),
          encoding: .utf8))
      let documents = (0..<policies).map { index -> JSON in
        var policy = template
        policy.set(path: "code", to: .string("R-\(index)"))
        return policy
      }
      _ = try store.createPolicies(documents, source: .integration, actor: "tester", submit: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Runs a draining worker whose commits meet a lock taken `locks` times, each held until the
    /// worker has retried `retriesPerLock` times.
    func run(maxAttempts: Int, retriesPerLock: Int, locks: Int) throws -> Worker {
      var configuration = WorkerConfiguration(owner: "retry-test")
      configuration.drain = true
      configuration.maxAttempts = maxAttempts
      configuration.commitDelayMilliseconds = 7
      configuration.backoffBaseMilliseconds = 2
      configuration.backoffCapMilliseconds = 4
      configuration.pollIntervalMilliseconds = 5
      let worker = Worker(
        store: store, catalog: catalog, configuration: configuration,
        onEvent: { [unowned self] event in
          events.append(event)
          if case .retrying = event, locked { retriesWhileLocked += 1 }
        },
        sleep: { [unowned self] milliseconds in
          if milliseconds == 7, !locked, locksTaken < locks {
            try! blocker.executeScript("BEGIN EXCLUSIVE")
            locked = true
            locksTaken += 1
            retriesWhileLocked = 0
          } else if locked, retriesWhileLocked >= retriesPerLock {
            try! blocker.executeScript("COMMIT")
            releasedAt = StoreTime.now()
            locked = false
          }
          Worker.sleep(min(milliseconds, 5))
        })
      try worker.run()
      return worker
    }

    func count(_ sql: String) throws -> Int { try blocker.queryOne(sql) { try $0.int(at: 0) } ?? -1 }
  }

  @Test func busyCommitIsRetriedWithBackoffAndSucceeds() throws {
    let scenario = try Scenario(policies: 3)
    let worker = try scenario.run(maxAttempts: 3, retriesPerLock: 1, locks: 1)
    #expect(
      scenario.events.contains { if case .retrying(1, _, let error) = $0 { error.contains("locked") } else { false } })
    #expect(worker.totals.processed == 3)
    #expect(worker.totals.retries >= 1)
    #expect(try scenario.count("SELECT count(*) FROM activity") == 0)
    #expect(try scenario.count("SELECT count(*) FROM cycle") == 3)
    // The outcomes were decided before the lock; the commit that went through after it records its
    // own time, not theirs (its rows are hashed again at it), and the chains verify.
    let released = try #require(scenario.releasedAt)
    let times = try scenario.blocker.query("SELECT at FROM cycle UNION ALL SELECT at FROM calculation") {
      try $0.string(at: 0)
    }
    #expect(!times.isEmpty && times.allSatisfy { $0 >= released.iso8601 }, "\(times) against \(released.iso8601)")
    #expect(try scenario.store.verifyAudit(by: "tester").problems.map(\.message) == [])
  }

  @Test func commitThatKeepsFailingGivesTheWorkBackThenParksItAfterMaxAttempts() throws {
    let scenario = try Scenario(policies: 2)
    // Each claim meets a lock held longer than its retries: the first gives the batch back for
    // later, the last attempt parks it. Jittered due times may split the second claim in two,
    // hence a third lock.
    let worker = try scenario.run(maxAttempts: 2, retriesPerLock: 2, locks: 3)
    #expect(scenario.events.contains { if case .released(let ids, _) = $0 { ids.count == 2 } else { false } })
    let parked = scenario.events.compactMap { event -> Int64? in
      if case .parked(let id, _, _) = event { id } else { nil }
    }
    #expect(parked.count == 2)
    #expect(worker.totals.parked == 2, "the summary tells parked work from work given back")
    #expect(worker.totals.failures > worker.totals.parked, "the first claim's work was given back, not parked")
    #expect(worker.totals.processed == 0)
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE state = 'failed' AND attempts = 2") == 2)
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE last_error LIKE '%locked%'") == 2)
    #expect(try scenario.count("SELECT count(*) FROM cycle") == 0, "nothing half-written")
    #expect(try scenario.count("SELECT count(*) FROM policy WHERE status = 'In Process'") == 2)
    let status = try scenario.store.queueStatus()
    #expect(status.failed.count == 2 && status.pending == 0)
    #expect(
      scenario.events.contains { if case .drained = $0 { true } else { false } }, "parked work does not block draining")
  }

  /// `maxAttempts` counts claims that ended in a failed commit: the claims an activity lost to
  /// a worker that stopped (here three, as a neighbour of a policy that crashes workers) do not
  /// park it at its first busy commit.
  @Test func claimsLostToStoppedWorkersDoNotCountAgainstMaxAttempts() throws {
    let scenario = try Scenario(policies: 1)
    try scenario.blocker.executeScript("UPDATE activity SET attempts = 3, expired_leases = 3")
    let worker = try scenario.run(maxAttempts: 2, retriesPerLock: 2, locks: 1)
    #expect(scenario.events.contains { if case .released = $0 { true } else { false } })
    #expect(!scenario.events.contains { if case .parked = $0 { true } else { false } })
    #expect(worker.totals.processed == 1)
    #expect(try scenario.count("SELECT count(*) FROM activity") == 0)
  }

  @Test func commitAfterTheLeaseExpiredIsRejectedEvenIfNobodyTookTheWork() throws {
    let scenario = try Scenario(policies: 1)
    let claim = try scenario.store.claim(owner: "slow", limit: 10, leaseMilliseconds: 1)
    let (lease, batch) = (claim.lease, claim.activities)
    Worker.sleep(5)
    let cycle = ProcessingCycle(catalog: scenario.catalog)
    let results = batch.map {
      ProcessedActivity(claimed: $0, outcome: cycle.run($0.policy.policy.data, at: StoreTime.now().timestamp))
    }
    let report = try scenario.store.commit(results, lease: lease)
    #expect(report.committed.isEmpty)
    #expect(report.lostLease == batch.map(\.activityID))
    #expect(try scenario.count("SELECT count(*) FROM cycle") == 0)
    #expect(try scenario.count("SELECT count(*) FROM activity") == 1, "the work is still there for the next claim")
  }
}
