import Foundation
import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// Work that comes back after its worker stopped before committing is claimed apart, in groups
/// half the size each time it comes back, until the one policy that stops every worker holding
/// it is held alone, stops its worker once more, and is parked; nothing else is.
struct ReturnedWorkClaimTests {
  /// A store with `policies` submitted policies (activity `n` is policy `C-(n-1)`) whose clock
  /// the test sets with `at`.
  final class Queue {
    let store: PolicyStore
    let catalog: Catalog

    init(path: String, policies: Int) throws {
      (store, catalog) = try ClaimTests.catalogStore(path)
      _ = try store.createPolicies(
        (0..<policies).map(ClaimTests.document), source: .integration, actor: "tester", submit: true)
      at(0)
    }

    /// Sets the store's clock to `milliseconds` after a fixed start.
    func at(_ milliseconds: Int64) {
      let time = StoreTime(milliseconds: 1_800_000_000_000 + milliseconds)
      store.clock = { time }
    }

    func claim(limit: Int = 16, holdingAnother: Bool = false) throws -> ClaimedBatch {
      try store.claim(owner: "w", limit: limit, leaseMilliseconds: 1_000, holdingAnother: holdingAnother)
    }
  }

  @Test func returnedWorkIsClaimedInHalvingGroupsUntilTheCulpritIsParkedAlone() throws {
    try withTemporaryDatabase { path in
      let queue = try Queue(path: path, policies: 40)
      // A worker takes 1–16, and 17–32 beside them, then dies: activity 11 kills every worker.
      let first = try queue.claim()
      let beside = try queue.claim(holdingAnother: true)
      #expect(first.activities.map(\.activityID) == Array(1...16))
      #expect(beside.activities.map(\.activityID) == Array(17...32))
      #expect(!first.isApart && !beside.isApart)
      let culprit: Int64 = 11

      var now: Int64 = 0
      var log: [String] = []
      var parked: [ParkedActivity] = []
      for _ in 0..<20 {
        now += 2_000
        queue.at(now)
        let claim = try queue.claim()
        parked += claim.parked
        guard !claim.activities.isEmpty else { break }
        let ids = claim.activities.map(\.activityID)
        let crashed = ids.contains(culprit)
        log.append("\(claim.isApart ? "apart" : "fresh") \(ids.count)\(crashed ? " crash" : "")")
        // A crash commits nothing: the lease runs out and the next claim finds the work again.
        if !crashed { try ClaimTests.process(claim.activities, of: claim, in: queue.store, with: queue.catalog) }
      }
      #expect(
        log == [
          "apart 8", "apart 8 crash", "apart 4 crash", "apart 2", "apart 2 crash", "apart 1 crash",
          "apart 1", "apart 4", "apart 8", "apart 8", "fresh 8",
        ])
      #expect(parked.map(\.activityID) == [culprit])
      #expect(parked.first?.policy == "C-10")
      #expect(
        parked.first?.error
          == "the worker processing it stopped 5 times before committing (it crashed, was killed or stalled past "
          + "its lease), the last time holding this policy alone: parked alone")
      let status = try queue.store.queueStatus()
      #expect(status.failed.map(\.policy) == ["C-10"])
      #expect(status.failed.first?.error.contains("stopped 5 times") == true)
      #expect(status.pending == 0)
      let connection = try SQLiteConnection(path: path)
      #expect(try connection.queryOne("SELECT count(DISTINCT policy_id) FROM cycle") { try $0.int(at: 0) } == 39)
      #expect(try connection.queryOne("SELECT count(*) FROM cycle") { try $0.int(at: 0) } == 39)
    }
  }

  /// A worker claims its next batch while one computes. Beside it, no returned work (a crash
  /// would be charged to both), and no fresh work either while returned work waits: the worker
  /// then commits what it holds and takes the returned work with nothing else in hand.
  @Test func aClaimBesideAnotherBatchTakesNothingWhileReturnedWorkWaits() throws {
    try withTemporaryDatabase { path in
      let queue = try Queue(path: path, policies: 12)
      let lost = try queue.claim(limit: 4)
      queue.at(500)
      #expect(try queue.claim(limit: 4, holdingAnother: true).activities.map(\.activityID) == [5, 6, 7, 8])
      queue.at(1_000)
      #expect(try queue.claim(limit: 4, holdingAnother: true).activities.isEmpty)
      let apart = try queue.claim(limit: 4)
      #expect(apart.isApart)
      #expect(apart.activities.map(\.activityID) == [1, 2])
      #expect(apart.activities.map(\.expiredLeases) == [1, 1])
      #expect(apart.activities.map(\.attempts) == [2, 2])
      #expect(lost.activities.allSatisfy { $0.expiredLeases == 0 })
    }
  }

  /// A person who queues a parked activity again vouches for it: it goes back in full batches.
  @Test func anActivityQueuedAgainByAPersonIsClaimedWithFreshWork() throws {
    try withTemporaryDatabase { path in
      let queue = try Queue(path: path, policies: 3)
      // Its worker stops, then stops again while holding it alone (the only work returned).
      _ = try queue.claim(limit: 1)
      queue.at(2_000)
      #expect(try queue.claim().activities.map(\.activityID) == [1])
      queue.at(4_000)
      let parking = try queue.claim()
      #expect(parking.parked.map(\.activityID) == [1])
      #expect(parking.activities.isEmpty, "only returned work goes in a claim apart")
      #expect(try queue.store.retryFailed([1], by: "tester") == 1)
      let again = try queue.claim()
      #expect(!again.isApart)
      #expect(again.activities.map(\.activityID) == [1, 2, 3])
      #expect(again.activities.map(\.expiredLeases) == [0, 0, 0])
    }
  }
}
