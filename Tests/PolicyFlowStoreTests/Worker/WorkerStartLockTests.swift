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
    // Said once the wait is over: the last line of an outage was a retry, and a worker that had
    // recovered said nothing more (SRE trial).
    let recovered = scenario.events.compactMap { event -> Int? in
      if case .recovered(let attempts, _) = event { attempts } else { nil }
    }
    #expect(recovered.count == 1 && recovered[0] > 10, "\(recovered)")
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

  /// A stop while the worker sits in SQLite's own wait for the lock (the busy timeout, five
  /// seconds by default) ends that wait: the worker stops within a fraction of a second, not at
  /// the end of the timeout, and the log says what holds the store.
  @Test func aStopEndsAWaitForTheLockAtOnce() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 1)
    let store = try PolicyStore(path: scenario.directory.appendingPathComponent("store.sqlite").path)
    try scenario.blocker.executeScript("BEGIN EXCLUSIVE")
    defer { try? scenario.blocker.executeScript("COMMIT") }
    var configuration = WorkerConfiguration(owner: "stop-in-wait-test")
    configuration.drain = true
    let started = ContinuousClock.now
    var events: [WorkerEvent] = []
    let worker = Worker(
      store: store, catalog: scenario.catalog, configuration: configuration, onEvent: { events.append($0) },
      shouldStop: { ContinuousClock.now - started > .milliseconds(700) })
    try worker.run()
    let elapsed = ContinuousClock.now - started
    #expect(elapsed < .seconds(3), "stopped after \(elapsed), the busy timeout being 5 s")
    #expect(worker.totals.processed == 0)
    #expect(events.contains { if case .stopping = $0 { true } else { false } })
  }

  /// Each retry behind the lock says what holds the store; "database is locked" alone did not.
  @Test func aRetryBehindTheLockSaysAnotherProcessHoldsIt() throws {
    let (scenario, _) = try start(retries: 3, stops: true)
    let retried = scenario.events.compactMap { event -> String? in
      if case .retrying(_, _, let error) = event { error } else { nil }
    }
    #expect(retried.count >= 3)
    #expect(
      retried.allSatisfy { $0.hasPrefix("another process holds the store's write lock (a large import holds it") },
      "\(retried)")
  }
}
