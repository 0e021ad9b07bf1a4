import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// A seal reads every chain's head outside the write lock (on a large store that takes seconds)
/// and holds the lock only to record itself: what other connections write meanwhile is not
/// kept waiting, and a seal stays exact about what it covers.
struct AuditSealTimingTests {
  @Test(arguments: TestStore.all) func workWrittenWhileASealReadsIsNotHeldUpAndWaitsForTheNextSeal(_ kind: TestStore)
    throws
  {
    try withTemporaryStore(kind) { path in
      let (store, _) = try AuditInterleavingTests.submitted(2, at: path)
      let other = try PolicyStore(path: path, durability: .normal, busyTimeoutMilliseconds: 200)
      let first = try store.sealAudit(by: "tester") {
        // With the write lock held by the seal, SQLite would refuse this at once.
        _ = try other.createPolicies([ClaimTests.document(2)], source: .integration, actor: "tester", submit: true)
      }
      let lastLink = try #require(try store.db.queryOne("SELECT max(id) FROM audit_link") { try $0.int64(at: 0) })
      #expect(first.lastLink < lastLink, "the links written meanwhile are not under the seal")
      #expect(first.chains == 2)
      #expect(try store.verifyAudit(sinceSeal: first.digest, by: "tester").problems.map(\.message) == [])

      let second = try store.sealAudit(by: "tester")
      #expect(second.lastLink == lastLink)
      #expect(second.chains == 3)
      #expect(second.recordedHeads == 1, "the new policy's chain")
      #expect(try store.verifyAudit(sinceSeal: second.digest, by: "tester").problems.map(\.message) == [])
    }
  }

  @Test(arguments: TestStore.all) func aSealRecordedWhileAnotherReadsIsTheOneItFollows(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let (store, _) = try AuditInterleavingTests.submitted(2, at: path)
      let other = try PolicyStore(path: path, durability: .normal)
      // A second earlier: two seals of the same heads in the same millisecond would have the same digest.
      other.clock = { StoreTime(milliseconds: StoreTime.now().milliseconds - 1000) }
      var reads = 0
      var between: PolicyStore.AuditSeal?
      let last = try store.sealAudit(by: "tester") {
        reads += 1
        if between == nil { between = try other.sealAudit(by: "tester") }
      }
      let first = try #require(between)
      #expect(reads == 2, "the heads are read again after the other seal")
      #expect(first.recordedHeads == 2)
      #expect(last.id > first.id)
      #expect(last.recordedHeads == 0, "nothing changed since the seal recorded meanwhile")
      #expect(last.root == first.root)
      for seal in [first, last] {
        #expect(try store.verifyAudit(sinceSeal: seal.digest, by: "tester").problems.map(\.message) == [])
      }
    }
  }
}
