import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// How a worker handles work that came back after another worker stopped holding it: processed
/// apart, with no second batch beside it, and parked when it stopped a worker that held it alone.
struct WorkerReturnedWorkTests {
  /// The claims and commits a worker reported; a claim of returned work shows as `apart N`
  /// before its `claimed N`.
  static func claimsAndCommits(_ events: [WorkerEvent]) -> [String] {
    events.compactMap { event in
      switch event {
      case .claimedApart(let count, _): "apart \(count)"
      case .claimed(let count, _): "claimed \(count)"
      case .committed(let count, _, _): "committed \(count)"
      case .parked(_, let policy, _): "parked \(policy)"
      default: nil
      }
    }
  }

  /// A worker that claimed `count` activities under a lease of a millisecond and died.
  static func deadWorker(_ scenario: WorkerRetryTests.Scenario, claims count: Int) throws {
    _ = try scenario.store.claim(owner: "dead", limit: count, leaseMilliseconds: 1)
    Worker.sleep(5)
  }

  @Test func returnedWorkIsProcessedInHalfBatchesWithNothingBesideIt() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 6)
    try Self.deadWorker(scenario, claims: 4)
    let worker = WorkerOverlapTests.worker(scenario, configure: { $0.batchSize = 4 })
    try worker.run()
    // Fresh work is claimed beside a batch in hand (the last two); returned work never is.
    #expect(
      Self.claimsAndCommits(scenario.events) == [
        "apart 2", "claimed 2", "committed 2", "apart 2", "claimed 2", "committed 2", "claimed 2", "committed 2",
      ])
    #expect(worker.totals.processedByStatus == ["Approved": 6])
    #expect(worker.totals.failures == 0)
    #expect(try scenario.count("SELECT count(*) FROM activity") == 0)
  }

  @Test func aPolicyWhoseWorkerStoppedWhileHoldingItAloneIsParkedAndTheRestProcessed() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 5)
    // The first worker died holding; the next took R-0 back alone and died too.
    try Self.deadWorker(scenario, claims: 2)
    try Self.deadWorker(scenario, claims: 1)
    let worker = WorkerOverlapTests.worker(scenario, configure: { $0.batchSize = 4 })
    try worker.run()
    #expect(
      Self.claimsAndCommits(scenario.events) == [
        "parked R-0", "apart 1", "claimed 1", "committed 1", "claimed 3", "committed 3",
      ])
    let error = scenario.events.compactMap { event -> String? in
      if case .parked(_, _, let error) = event { error } else { nil }
    }
    #expect(error.first?.hasPrefix("the worker processing it stopped 2 times before committing") == true)
    #expect(worker.totals.processedByStatus == ["Approved": 4])
    #expect(worker.totals.failures == 1)
    let status = try scenario.store.queueStatus()
    #expect(status.failed.map(\.policy) == ["R-0"])
    #expect(status.pending == 0)
  }
}
