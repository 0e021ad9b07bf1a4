import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Synchronization
import Testing

@testable import PolicyFlowStore

/// Workers claiming at the same moment each take at most their batch, and different work.
struct ConcurrentClaimTests {
  /// Two workers claim batches of 25 at once until the queue is empty. On PostgreSQL the claim
  /// once read its batch in a subquery that the plan could run again for each row it updated
  /// (here forced, with hash and merge joins, materializing and sorting off, as a planner may
  /// choose on a large queue): with the other claim's rows skipped as locked, each run took
  /// other rows, and one claim took 975 of 1,000 (a new-user trial saw 492 and 508 with
  /// `--batch 25`). The batch is now read once, in a materialized WITH.
  @Test(arguments: TestStore.all) func claimsAtOnceTakeAtMostTheirBatchAndDifferentWork(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let store = try PolicyStore(path: path)
      try store.ensureAdministrator("tester")
      _ = try store.createPolicies(
        (0..<1000).map(ClaimTests.document), source: .integration, actor: "tester", submit: true)
      if kind == .postgres {
        let database = try #require(try store.db.queryOne("SELECT current_database()") { try $0.string(at: 0) })
        for setting in ["enable_hashjoin", "enable_mergejoin", "enable_material", "enable_hashagg", "enable_sort"] {
          try store.db.executeScript("ALTER DATABASE \"\(database)\" SET \(setting) = off")
        }
      }
      let sizes = Mutex<[Int]>([])
      let claimed = Mutex<[Int64]>([])
      let failures = Mutex<[String]>([])
      let start = DispatchSemaphore(value: 0)
      let group = DispatchGroup()
      for worker in 0..<2 {
        group.enter()
        Thread.detachNewThread {
          defer { group.leave() }
          do {
            let own = try PolicyStore(path: path)
            start.wait()
            while true {
              let claim = try own.claim(owner: "w\(worker)", limit: 25, leaseMilliseconds: 60_000)
              guard !claim.activities.isEmpty else { return }
              sizes.withLock { $0.append(claim.activities.count) }
              claimed.withLock { $0 += claim.activities.map(\.activityID) }
            }
          } catch {
            failures.withLock { $0.append("\(error)") }
          }
        }
      }
      start.signal()
      start.signal()
      group.wait()
      #expect(failures.withLock { $0 } == [])
      let all = sizes.withLock { $0 }
      #expect(all.allSatisfy { $0 <= 25 }, "claim sizes: \(all)")
      let ids = claimed.withLock { $0 }
      #expect(ids.count == 1000 && Set(ids).count == 1000, "every activity claimed once")
    }
  }
}
