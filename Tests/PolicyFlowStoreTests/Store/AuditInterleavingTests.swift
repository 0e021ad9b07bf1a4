import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// A worker's commit and an operator's change of the same policy both append to its chain: the
/// operator's "submit again" of a policy the worker holds lands between the claim and the commit,
/// and the commit's link must follow it, not take the number the chain had at the claim.
struct AuditInterleavingTests {
  @Test(arguments: TestStore.all) func aSubmitBetweenClaimAndCommitKeepsTheChainWhole(_ kind: TestStore) throws {
    let catalog = try #require(ClaimTests.catalog)
    let document = try WorkerRetryTests.example("health-approved.json")
    try withTemporaryStore(kind) { path in
      let store = try PolicyStore(path: path, durability: .normal)
      try store.ensureAdministrator("tester")
      try store.snapshot(catalog)
      try store.createPolicy(document, source: .integration, actor: "tester")
      let code = try #require(document[path: "code"]?.stringValue)
      try store.submit(code, actor: "tester")
      let claim = try store.claim(owner: "w", limit: 10, leaseMilliseconds: 60_000)
      #expect(claim.activities.count == 1)

      let gid = try #require(try store.currentPolicy(code)?.policy.gid)
      func links() throws -> [Int] {
        try store.db.query("SELECT seq FROM audit_link WHERE gid = ? ORDER BY seq", [.text(gid)]) { try $0.int(at: 0) }
      }
      let atClaim = try links().count
      // In Process and held by the worker: the submit is recorded, and appends a link.
      try store.submit(code, actor: "tester")
      let beforeCommit = try links()
      #expect(beforeCommit == Array(1...(atClaim + 1)))

      _ = try ClaimTests.process(claim.activities, of: claim, in: store, with: catalog)
      #expect(try links() == Array(1...(beforeCommit.count + 1)), "the commit's link follows the submit's")
      let report = try store.verifyAudit(by: "tester")
      #expect(report.problems.map(\.message) == [])
      #expect(report.rows > 0)
    }
  }

  /// A store at `path` with the administrator "tester", the shipped catalog's snapshot and `count`
  /// policies (`C-0`, …) created and submitted.
  static func submitted(_ count: Int, at path: String) throws -> (PolicyStore, Catalog) {
    let catalog = try #require(ClaimTests.catalog)
    let store = try PolicyStore(path: path, durability: .normal)
    try store.ensureAdministrator("tester")
    try store.snapshot(catalog)
    _ = try store.createPolicies(
      (0..<count).map(ClaimTests.document), source: .integration, actor: "tester", submit: true)
    return (store, catalog)
  }

  /// A worker reads its batch's chain heads beside the commit before it (``ChainReader``). An
  /// operator's "submit again" after that read leaves the commit a head that is no longer the
  /// last: that policy's link still follows the submit's, and the other policy's link follows
  /// the head read beforehand.
  @Test(arguments: TestStore.all) func headsReadBeforeAnotherAppendAreTakenAgainAtTheCommit(_ kind: TestStore)
    throws
  {
    try withTemporaryStore(kind) { path in
      let (store, catalog) = try Self.submitted(2, at: path)
      let claim = try store.claim(owner: "w", limit: 10, leaseMilliseconds: 60_000)
      try #require(claim.activities.count == 2)
      let gids = claim.activities.map(\.policy.policy.gid)
      func links(_ gid: String) throws -> [(seq: Int, link: String)] {
        try store.db.query("SELECT seq, link FROM audit_link WHERE gid = ? ORDER BY seq", [.text(gid)]) {
          (try $0.int(at: 0), try $0.string(at: 1))
        }
      }
      var read: [String: AuditChain.Head] = [:]
      for gid in gids {
        let chain = try #require(
          try store.db.queryOne("SELECT min(id) FROM policy WHERE gid = ?", [.text(gid)]) { try $0.int64(at: 0) })
        let last = try #require(try links(gid).last)
        read[gid] = AuditChain.Head(chain: chain, seq: last.seq, link: last.link)
      }
      let chains = try #require(ChainReader(connectingAgainTo: store.db)).read(gids)
      #expect(
        chains.heads.mapValues { [String($0.chain), String($0.seq), $0.link] }
          == (kind == .sqlite ? read.mapValues { [String($0.chain), String($0.seq), $0.link] } : [:]),
        "on PostgreSQL the commit reads and locks the heads itself")
      #expect(
        Set(chains.documents.keys)
          == Set(claim.activities.map { AuditChain.RowKey(gid: $0.policy.policy.gid, table: 0, key: $0.policy.id) }),
        "each policy's document")
      #expect(chains.changedResults.isEmpty && chains.failure == nil)
      try store.submit(claim.activities[0].policy.policy.code, actor: "tester")

      let cycle = ProcessingCycle(catalog: catalog)
      let processed = claim.activities.map {
        ProcessedActivity(claimed: $0, outcome: cycle.run($0.policy.policy.data, at: claim.lease.expires.timestamp))
      }
      let report = try store.commit(PreparedCommit(processed, chainHeads: read), lease: claim.lease)
      #expect(report.committed.count == 2)
      for gid in gids {
        let chain = try links(gid)
        #expect(chain.map(\.seq) == Array(1...chain.count))
      }
      let moved = try links(gids[0])
      let kept = try links(gids[1])
      #expect(moved.count == (read[gids[0]]?.seq ?? 0) + 2, "the submit's link, then the commit's")
      #expect(kept.count == (read[gids[1]]?.seq ?? 0) + 1)
      let verified = try store.verifyAudit(by: "tester")
      #expect(verified.problems.map(\.message) == [])
    }
  }

  /// The same through the worker itself: on SQLite it reads its batch's chain heads on its
  /// computing thread, and an operator's "submit again" lands after that read, while the worker
  /// waits to commit. Every chain stays whole, and the store verifies.
  @Test(arguments: TestStore.all) func aSubmitWhileTheWorkerWaitsToCommitKeepsEveryChainWhole(_ kind: TestStore)
    throws
  {
    try withTemporaryStore(kind) { path in
      let (store, catalog) = try Self.submitted(3, at: path)
      let person = try PolicyStore(path: path, durability: .normal)
      var configuration = WorkerConfiguration(owner: "w")
      configuration.drain = true
      configuration.batchSize = 10
      configuration.commitDelayMilliseconds = 7
      var submitted: Result<PolicyStore.SubmitResult, any Error>?
      let worker = Worker(
        store: store, catalog: catalog, configuration: configuration,
        sleep: { milliseconds in
          guard milliseconds == 7, submitted == nil else { return }
          submitted = Result { try person.submit("C-1", actor: "tester") }
        })
      try worker.run()
      #expect(try submitted?.get() == .alreadySubmitted)

      func links(_ code: String) throws -> [Int] {
        let gid = try #require(try store.currentPolicy(code)?.policy.gid)
        return try store.db.query("SELECT seq FROM audit_link WHERE gid = ? ORDER BY seq", [.text(gid)]) {
          try $0.int(at: 0)
        }
      }
      // Created and submitted, then committed; C-1 was also submitted again in between.
      #expect(try links("C-0") == [1, 2])
      #expect(try links("C-1") == [1, 2, 3])
      #expect(try links("C-2") == [1, 2])
      #expect(try store.queueStatus().pending == 0)
      #expect(try store.verifyAudit(by: "tester").problems.map(\.message) == [])
    }
  }

  /// One transaction that chains more policies than the server's lock table holds (64 locks per
  /// connection, 200 connections on the tests' server: some 14,000): an import of a large book in
  /// one go. An advisory lock per chain ran out of shared memory here.
  @Test(arguments: TestStore.all) func oneTransactionChainsMorePoliciesThanTheLockTableHolds(_ kind: TestStore)
    throws
  {
    try withTemporaryStore(kind) { path in
      let store = try PolicyStore(path: path, durability: .normal)
      try store.ensureAdministrator("tester")
      let count = 25_000
      let created = try store.createPolicies(
        (0..<count).map(ClaimTests.document), source: .integration, actor: "tester", submit: true)
      #expect(created == count)
      #expect(try store.db.queryOne("SELECT count(*) FROM audit_link") { try $0.int(at: 0) } == count)
    }
  }

  /// An operator's transaction on PostgreSQL is SERIALIZABLE: its snapshot is taken by its first
  /// statement. A worker's commit that appends to the same chain after that, having only locked
  /// the chain's row (the policy's first version; it changed the second), leaves the operator
  /// reading the head from before it, and both would take one number. The operator's transaction
  /// is run again, and the chain stays whole.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func anOperatorsTransactionThatReadTheHeadBeforeAWorkersCommitRunsAgain() throws {
    let catalog = try #require(ClaimTests.catalog)
    let document = try WorkerRetryTests.example("health-approved.json")
    let code = try #require(document[path: "code"]?.stringValue)
    try withTemporaryStore(.postgres) { path in
      let person = try PolicyStore(path: path, durability: .normal)
      try person.ensureAdministrator("tester")
      try person.snapshot(catalog)
      try person.createPolicy(document, source: .integration, actor: "tester")
      try person.submit(code, actor: "tester")
      let worker = try PolicyStore(path: path, durability: .normal)
      let first = try worker.claim(owner: "w", limit: 10, leaseMilliseconds: 60_000)
      _ = try ClaimTests.process(first.activities, of: first, in: worker, with: catalog)
      // Version 2, In Process and claimed: its chain is kept under version 1's row.
      _ = try person.edit(code, changes: [(path: "brand", value: "other")], actor: "tester")
      try person.submit(code, actor: "tester")
      let second = try worker.claim(owner: "w", limit: 10, leaseMilliseconds: 60_000)
      #expect(second.activities.count == 1)
      let gid = try #require(try person.currentPolicy(code)?.policy.gid)
      let versionOne = try #require(
        try person.db.queryOne("SELECT min(id) FROM policy WHERE gid = ?", [.text(gid)]) { try $0.int64(at: 0) })

      var attempts = 0
      try person.writing(.write) {
        attempts += 1
        _ = try person.db.query("SELECT count(*) FROM audit_link") { try $0.int(at: 0) }
        if attempts == 1 { _ = try ClaimTests.process(second.activities, of: second, in: worker, with: catalog) }
        try person.recordStatus(
          policyID: versionOne, gid: gid, version: 1,
          StatusHistoryRow(event: "note", status: .approved, isNewStatus: false, note: "after the commit"),
          actor: "tester", at: person.clock())
      }
      #expect(attempts == 2, "run again once")
      let seqs = try person.db.query("SELECT seq FROM audit_link WHERE gid = ? ORDER BY seq", [.text(gid)]) {
        try $0.int(at: 0)
      }
      #expect(seqs == Array(1...seqs.count))
      #expect(try person.verifyAudit(by: "tester").problems.map(\.message) == [])
    }
  }
}
