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

  /// A draining worker over `scenario` with batches of two that records its events; `observe`
  /// sees each event after it is recorded, and `sleep` stands for the worker's waits.
  static func worker(
    _ scenario: WorkerRetryTests.Scenario, stopAfterClaims: Int? = nil,
    observe: @escaping (WorkerEvent) -> Void = { _ in }, sleep: @escaping (Int64) -> Void = Worker.sleep,
    configure: (inout WorkerConfiguration) -> Void = { _ in }
  ) -> Worker {
    var configuration = WorkerConfiguration(owner: "overlap-test")
    configuration.batchSize = 2
    configure(&configuration)
    configuration.drain = true
    configuration.pollIntervalMilliseconds = 5
    var claims = 0
    return Worker(
      store: scenario.store, catalog: scenario.catalog, configuration: configuration,
      onEvent: { event in
        scenario.events.append(event)
        if case .claimed = event { claims += 1 }
        observe(event)
      },
      shouldStop: { stopAfterClaims.map { claims >= $0 } ?? false }, sleep: sleep)
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

  /// The batch claimed next waits for the commit of the one before: a slow commit (here each
  /// takes 4.8 s against leases of 8 s) would let its lease run out, and its work would be lost
  /// and claimed again. The commit renews the waiting batch's lease once half has passed. (The
  /// margins are wide, three seconds or more, so that a busy machine does not decide the test.)
  @Test func aSlowCommitRenewsTheLeaseOfTheBatchWaitingBehindIt() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 4)
    let worker = Self.worker(
      scenario,
      configure: { configuration in
        configuration.leaseMilliseconds = 8_000
        configuration.commitDelayMilliseconds = 4_800
      })
    try worker.run()
    #expect(worker.totals.leasesLost == 0)
    #expect(Self.claimsAndCommits(scenario.events) == ["claimed 2", "claimed 2", "committed 2", "committed 2"])
    #expect(try scenario.count("SELECT count(*) FROM cycle") == 4)
    #expect(try scenario.count("SELECT count(*) FROM activity") == 0)
  }

  /// The renewal itself: in the commit's transaction, for the activities the held lease still
  /// has, and not for a lease that already ran out (another worker may hold them by now).
  @Test func aCommitRenewsOnlyALeaseStillHeld() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 5)
    let store = scenario.store
    try store.snapshot(scenario.catalog)
    let start = StoreTime.now()
    store.clock = { start }
    let first = try store.claimUnparsed(owner: "w", limit: 2, leaseMilliseconds: 1_000)
    let held = try store.claimUnparsed(owner: "w", limit: 2, leaseMilliseconds: 1_000)
    let expired = try store.claimUnparsed(owner: "w", limit: 1, leaseMilliseconds: 100)
    store.clock = { start.adding(milliseconds: 800) }
    let cycle = ProcessingCycle(catalog: scenario.catalog)
    let results = first.parsed().activities.map {
      ProcessedActivity(claimed: $0, outcome: cycle.run($0.policy.policy.data, at: start.timestamp))
    }
    let renewedUntil = start.adding(milliseconds: 1_800)
    _ = try store.commit(
      PreparedCommit(results), lease: first.lease, renewing: (held.lease, held.activityIDs, renewedUntil))
    _ = try store.commit(
      PreparedCommit([]), lease: first.lease, renewing: (expired.lease, expired.activityIDs, renewedUntil))
    func expiries(_ claim: UnparsedClaim) throws -> [Int64] {
      try scenario.blocker.query(
        "SELECT lease_expires_ms FROM activity WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        [.text(JSON.array(claim.activityIDs.map { .int(Int($0)) }).serialized())]
      ) { try $0.int64(at: 0) }
    }
    #expect(try expiries(held) == [renewedUntil.milliseconds, renewedUntil.milliseconds])
    #expect(try expiries(expired) == [start.adding(milliseconds: 100).milliseconds])

    // Past its first expiry, within the renewed one, the held batch still commits.
    store.clock = { start.adding(milliseconds: 1_500) }
    let late = held.parsed().activities.map {
      ProcessedActivity(claimed: $0, outcome: cycle.run($0.policy.policy.data, at: start.timestamp))
    }
    let report = try store.commit(late, lease: held.lease)
    #expect(report.committed == held.activityIDs)
    #expect(report.lostLease.isEmpty)

    // The expired activity is taken over by another worker: a renewal under the old lease,
    // even with a time it would not have reached, leaves the new holder's lease alone.
    let takenOver = try store.claimUnparsed(owner: "other", limit: 1, leaseMilliseconds: 10_000)
    #expect(takenOver.activityIDs == expired.activityIDs)
    _ = try store.commit(
      PreparedCommit([]), lease: first.lease,
      renewing: (expired.lease, expired.activityIDs, start.adding(milliseconds: 99_000)))
    #expect(try expiries(expired) == [start.adding(milliseconds: 11_500).milliseconds])
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE lease_owner = 'other'") == 1)
  }

  /// A commit that fails for good (here a trigger refuses every cycle row) stops the worker;
  /// the batch it had claimed next goes back to the queue instead of staying leased until its
  /// lease runs out.
  @Test func aCommitThatFailsForGoodGivesBackTheBatchClaimedNext() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 4)
    let worker = Self.worker(
      scenario,
      sleep: { _ in
        try? scenario.blocker.execute(
          "CREATE TRIGGER refuse_cycles BEFORE INSERT ON cycle BEGIN SELECT RAISE(ABORT, 'cycles refused'); END")
      },
      configure: { $0.commitDelayMilliseconds = 7 })
    let error = try #require(throws: SQLiteError.self) { try worker.run() }
    #expect(error.message.contains("cycles refused"))
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE state = 'queued' AND id IN (3, 4)") == 2)
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE state = 'leased' AND id IN (1, 2)") == 2)
    // Given back unrun, the next batch keeps no attempt; the batch whose commit failed keeps its.
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE id IN (3, 4) AND attempts = 0") == 2)
    #expect(try scenario.count("SELECT count(*) FROM activity WHERE id IN (1, 2) AND attempts = 1") == 2)
    #expect(try scenario.count("SELECT count(*) FROM cycle") == 0)
  }

  /// With a batch in hand, a claim that meets a busy database is not waited out: the batch in
  /// hand commits first (its lease is running), and the claim is made again after. Here a
  /// second connection holds the write lock from the first claim until the worker's first
  /// wait for a retry.
  @Test func aClaimWithABatchInHandDoesNotWaitOutABusyDatabase() throws {
    let scenario = try WorkerRetryTests.Scenario(policies: 4)
    var locked = false
    let worker = Self.worker(
      scenario,
      observe: { event in
        if case .claimed = event, !locked, scenario.events.count < 3 {
          try? scenario.blocker.executeScript("BEGIN EXCLUSIVE")
          locked = true
        }
      },
      sleep: { milliseconds in
        if locked {
          try? scenario.blocker.executeScript("COMMIT")
          locked = false
        }
        Worker.sleep(milliseconds)
      },
      configure: { configuration in
        configuration.backoffBaseMilliseconds = 2
        configuration.backoffCapMilliseconds = 4
      })
    try worker.run()
    // Waited out, the second claim would come before the first commit.
    #expect(Self.claimsAndCommits(scenario.events) == ["claimed 2", "committed 2", "claimed 2", "committed 2"])
    #expect(try scenario.count("SELECT count(*) FROM cycle") == 4)
  }
}
