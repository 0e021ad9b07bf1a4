import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Synchronization
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
      // Were the seal holding the write lock (SQLite) or the seal lock (PostgreSQL) as it reads,
      // this write would fail after the timeout instead of waiting for it.
      if kind == .postgres { try other.db.execute("SET lock_timeout = '2s'") }
      let first = try store.sealAudit(
        by: "tester",
        whileReading: {
          _ = try other.createPolicies([ClaimTests.document(2)], source: .integration, actor: "tester", submit: true)
        }, afterReading: {})
      let lastLink = try #require(try store.db.queryOne("SELECT max(id) FROM audit_link") { try $0.int64(at: 0) })
      #expect(first.lastLink < lastLink, "the links written as the seal read are not under it")
      #expect(first.chains == 2)
      #expect(try store.verifyAudit(sinceSeal: first.digest, by: "tester").problems.map(\.message) == [])

      let second = try store.sealAudit(by: "tester")
      #expect(second.lastLink == lastLink)
      #expect(second.chains == 3)
      #expect(second.recordedHeads == 1, "the new policy's chain")
      #expect(try store.verifyAudit(sinceSeal: second.digest, by: "tester").problems.map(\.message) == [])
    }
  }

  /// The seal hashes its Merkle leaves as the database gives the heads, in gid byte order (on
  /// PostgreSQL through `COLLATE "C"`: a database's default collation may order by language;
  /// the tests' server is made with the C locale, the only one this machine has, so it cannot
  /// show that part). Were the order wrong, the seal would sort the heads in memory, correct but
  /// holding them all.
  @Test(arguments: TestStore.all) func theHeadsComeInGIDByteOrder(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let (store, _) = try AuditInterleavingTests.submitted(60, at: path)
      let scan = try AuditChain.sealScan(store.db, upTo: Int64.max)
      #expect(scan.chains == 60)
      #expect(scan.streamed)
      #expect(scan.root == AuditChain.merkleRoot(of: try AuditChain.heads(store.db, upTo: Int64.max)))
    }
  }

  /// A seal's time is when it read the heads: work committed after that and before the seal
  /// could record itself (an import holding the write lock for minutes, on SQLite) is after the
  /// seal's time, as it is outside what the seal covers.
  @Test(arguments: TestStore.all) func aSealIsDatedWhenItReadTheHeadsNotWhenItRecordedItself(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let (store, _) = try AuditInterleavingTests.submitted(2, at: path)
      let other = try PolicyStore(path: path, durability: .normal)
      let seal = try store.sealAudit(
        by: "tester", whileReading: {},
        afterReading: {
          usleep(20_000)
          _ = try other.createPolicies([ClaimTests.document(7)], source: .integration, actor: "tester", submit: true)
        })
      let later = try #require(
        try store.db.queryOne("SELECT min(at) FROM audit_link WHERE id > ?", [.integer(seal.lastLink)]) {
          try $0.string(at: 0)
        })
      #expect(seal.at < later, "the seal (\(seal.at)) is dated before the work it does not cover (\(later))")
      #expect(try store.verifyAudit(sinceSeal: seal.digest, by: "tester").problems.map(\.message) == [])
    }
  }

  /// A seal recorded by another while this one read the heads, covering every link this one
  /// read, is this one's answer: seals of an unchanged store taken at once all give it (one of
  /// six used to give up), and no second seal of the same heads is recorded.
  @Test(arguments: TestStore.all) func aSealRecordedMeanwhileThatCoversThisOneIsTheAnswer(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let (store, _) = try AuditInterleavingTests.submitted(2, at: path)
      let other = try PolicyStore(path: path, durability: .normal)
      var reads = 0
      var between: PolicyStore.AuditSeal?
      let answer = try store.sealAudit(by: "tester", whileReading: {}) {
        reads += 1
        if between == nil { between = try other.sealAudit(by: "tester") }
      }
      let recorded = try #require(between)
      #expect(reads == 1, "nothing read again")
      #expect(answer.id == recorded.id && answer.digest == recorded.digest)
      #expect(answer.wasRecordedMeanwhile && !recorded.wasRecordedMeanwhile)
      #expect(try store.auditSeals().count == 1)
      #expect(try store.verifyAudit(sinceSeal: answer.digest, by: "tester").problems.map(\.message) == [])
    }
  }

  /// A seal recorded meanwhile that covers fewer links than this one read (it read earlier) is
  /// followed: the heads are read again after it, and this seal records what changed since.
  /// (Such a seal is written here as its row would be, its last link one short of this one's.)
  @Test(arguments: TestStore.all) func aSealRecordedMeanwhileThatCoversLessIsFollowed(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let (store, _) = try AuditInterleavingTests.submitted(2, at: path)
      var reads = 0
      let last = try store.sealAudit(by: "tester", whileReading: {}) {
        reads += 1
        if reads == 1 { try Self.recordEarlierSeal(at: path) }
      }
      #expect(reads == 2, "the heads are read again after the other seal")
      #expect(!last.wasRecordedMeanwhile)
      #expect(try store.auditSeals().map(\.id) == [1, last.id])
      #expect(last.id > 1)
    }
  }

  /// Records a seal row as one that read the store a link earlier would have.
  static func recordEarlierSeal(at path: String) throws {
    let other = try PolicyStore(path: path, durability: .normal)
    try other.db.transaction {
      try other.db.execute(
        """
        INSERT INTO audit_seal (digest, at, last_link, chains, root, sealed_by, recorded_heads)
        SELECT 'earlier-' || (SELECT count(*) FROM audit_seal), '2026-01-01T00:00:00.000Z', max(id) - 1, 0, '',
          'tester', 0
        FROM audit_link
        """)
    }
  }

  /// A seal that finds another recorded after it read that covers less, time after time, gives
  /// up and says so, having recorded nothing of its own.
  @Test(arguments: TestStore.all) func aSealOvertakenEveryTimeGivesUpAndSaysSo(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let (store, _) = try AuditInterleavingTests.submitted(1, at: path)
      var overtaken = 0
      let refusal = #expect(throws: StoreError.self) {
        try store.sealAudit(by: "tester", whileReading: {}) {
          try Self.recordEarlierSeal(at: path)
          overtaken += 1
        }
      }
      #expect(refusal?.kind == .refused)
      #expect(
        refusal?.message.contains("\(PolicyStore.sealAttempts) times over") == true, "\(String(describing: refusal))")
      #expect(overtaken == PolicyStore.sealAttempts)
      #expect(try store.auditSeals().count == PolicyStore.sealAttempts, "only the seals that overtook it")
    }
  }

  /// On PostgreSQL link ids come from a sequence, not in commit order: a seal first waits for the
  /// transactions appending links (they hold the seal lock shared) to commit, so that no link
  /// below its last one can still appear.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func onPostgresASealWaitsForTransactionsAppendingLinks() throws {
    try withTemporaryStore(.postgres) { path in
      let (store, _) = try AuditInterleavingTests.submitted(2, at: path)
      let holding = Atomic<Int>(0)
      let released = Mutex<UInt64>(0)
      let read = Mutex<UInt64>(0)
      onSeparateThreads(2) { index in
        do {
          if index == 0 {
            let appender = try PostgresConnection(uri: path)
            try appender.transaction(.lockedRows) {
              try appender.execute("SELECT pg_advisory_xact_lock_shared(?)", [.integer(AuditChain.sealLock)])
              holding.store(1, ordering: .sequentiallyConsistent)
              usleep(400_000)
              released.withLock { $0 = DispatchTime.now().uptimeNanoseconds }
            }
          } else {
            while holding.load(ordering: .sequentiallyConsistent) == 0 { usleep(1_000) }
            let sealer = try PolicyStore(path: path, durability: .normal)
            _ = try sealer.sealAudit(
              by: "tester", whileReading: { read.withLock { $0 = DispatchTime.now().uptimeNanoseconds } },
              afterReading: {})
          }
        } catch {
          Issue.record("\(error)")
        }
      }
      let (releasedAt, readAt) = (released.withLock { $0 }, read.withLock { $0 })
      #expect(releasedAt > 0 && readAt > releasedAt, "the seal read the heads before the appender let go")
      #expect(try store.auditSeals().count == 1)
    }
  }
}
