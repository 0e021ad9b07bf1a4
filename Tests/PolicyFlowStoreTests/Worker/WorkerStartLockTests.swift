import Foundation
import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// A worker started while another process holds the store's write lock (a large import holds it
/// until it ends): its first write waits as long as the lock is held, past its usual number of
/// tries, and a stop while it waits ends it cleanly. It used to exit 1 after five tries.
struct WorkerStartLockTests {
  /// Runs a draining worker (two tries per operation) on a store whose write lock is held from
  /// before it starts until it has retried `retries` times, or that is told to stop then.
  func start(retries: Int, stops: Bool) throws -> (WorkerRetryTests.Scenario, Worker) {
    let scenario = try WorkerRetryTests.Scenario(policies: 3)
    try scenario.blocker.executeScript("BEGIN EXCLUSIVE")
    var configuration = WorkerConfiguration(owner: "start-lock-test")
    configuration.drain = true
    configuration.maxAttempts = 2
    configuration.backoffBaseMilliseconds = 2
    configuration.backoffCapMilliseconds = 4
    var retried = 0
    var locked = true
    let worker = Worker(
      store: scenario.store, catalog: scenario.catalog, configuration: configuration,
      onEvent: { event in
        scenario.events.append(event)
        if case .retrying = event { retried += 1 }
        if locked, !stops, retried >= retries {
          try! scenario.blocker.executeScript("COMMIT")
          locked = false
        }
      },
      shouldStop: { stops && retried >= retries }, sleep: { Worker.sleep(min($0, 5)) })
    try worker.run()
    if locked { try scenario.blocker.executeScript("COMMIT") }
    return (scenario, worker)
  }

  @Test func aWorkerStartedWhileTheStoreIsLockedWaitsPastItsTriesThenWorks() throws {
    let (scenario, worker) = try start(retries: 10, stops: false)
    #expect(worker.totals.retries >= 10, "it waited past its two tries")
    #expect(worker.totals.processed == 3)
    #expect(try scenario.count("SELECT count(*) FROM activity") == 0)
  }

  @Test func aStopWhileItWaitsForTheLockEndsItWithNothingDone() throws {
    let (scenario, worker) = try start(retries: 4, stops: true)
    #expect(worker.totals.processed == 0)
    guard case .stopping? = scenario.events.last else {
      Issue.record("the last event is \(String(describing: scenario.events.last)), not stopping")
      return
    }
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE state = 'queued'") == 3)
  }
}
