import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// A worker holds two batches: the next is claimed, parsed and run through its cycles while the
/// one before commits. Each policy is still processed exactly once, and a stop commits both.
struct WorkerOverlapTests {
  /// The claims and commits a worker reported, as `claimed N` / `committed N`.
  static func claimsAndCommits(_ events: [WorkerEvent]) -> [String] {
    events.compactMap { event in
      switch event {
      case .claimed(let count, _): "claimed \(count)"
      case .committed(let count, _, _): "committed \(count)"
      default: nil
      }
    }
  }

  static func worker(_ scenario: WorkerRetryTests.Scenario, stopAfterClaims: Int? = nil) -> Worker {
    var configuration = WorkerConfiguration(owner: "overlap-test")
    configuration.batchSize = 2
    configuration.drain = true
    configuration.pollIntervalMilliseconds = 5
    var claims = 0
    return Worker(
      store: scenario.store, catalog: scenario.catalog, configuration: configuration,
      onEvent: { event in
        scenario.events.append(event)
        if case .claimed = event { claims += 1 }
      },
      shouldStop: { stopAfterClaims.map { claims >= $0 } ?? false })
  }

  @Test func theNextBatchIsClaimedBeforeTheOneInHandCommits() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 5)
    let worker = Self.worker(scenario)
    try worker.run()
    #expect(
      Self.claimsAndCommits(scenario.events) == [
        "claimed 2", "claimed 2", "committed 2", "claimed 1", "committed 2", "committed 1",
      ])
    #expect(worker.totals.processedByStatus == ["Approved": 5])
    #expect(try scenario.count("SELECT count(*) FROM cycle") == 5)
    #expect(try scenario.count("SELECT count(DISTINCT policy_id) FROM cycle") == 5)
    #expect(try scenario.count("SELECT count(*) FROM activity") == 0)
    #expect(try scenario.count("SELECT count(*) FROM policy WHERE status = 'Approved'") == 5)
  }

  @Test func aStopCommitsBothBatchesInHandAndClaimsNoMore() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 7)
    let worker = Self.worker(scenario, stopAfterClaims: 2)
    try worker.run()
    #expect(Self.claimsAndCommits(scenario.events) == ["claimed 2", "claimed 2", "committed 2", "committed 2"])
    guard case .stopping? = scenario.events.last else {
      Issue.record("the last event is \(String(describing: scenario.events.last)), not stopping")
      return
    }
    #expect(try scenario.count("SELECT count(*) FROM cycle") == 4)
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE state = 'queued'") == 3)
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE state <> 'queued'") == 0)
  }
}
