import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// A worker hashes the history rows its commit will insert beside the commit before it
/// (``AuditChain/Prehashed``), with the outcomes' time fixed then. The chain must hold what the
/// commit stored, whatever was hashed beforehand.
struct AuditPrehashTests {
  /// A store with an approvable policy submitted, claimed by "w" and processed.
  func withProcessed(_ kind: TestStore, _ body: (PolicyStore, UnparsedClaim, [ProcessedActivity]) throws -> Void)
    throws
  {
    try withTemporaryStore(kind) { path in
      let catalog = try #require(ClaimTests.catalog)
      let store = try PolicyStore(path: path, durability: .normal)
      try store.ensureAdministrator("tester")
      try store.snapshot(catalog)
      _ = try store.createPolicies(
        [try WorkerRetryTests.example("health-approved.json")], source: .integration, actor: "tester", submit: true)
      let claim = try store.claimUnparsed(owner: "w", limit: 10, leaseMilliseconds: 60_000, holdingAnother: false)
      let parsed = claim.parsed()
      try #require(parsed.activities.count == 1)
      let cycle = ProcessingCycle(catalog: catalog)
      let processed = parsed.activities.map {
        ProcessedActivity(claimed: $0, outcome: cycle.run($0.policy.policy.data, at: claim.lease.expires.timestamp))
      }
      try #require(processed[0].outcome.status == .approved && processed[0].outcome.calculation != nil)
      try body(store, claim, processed)
    }
  }

  /// The times the commit stored in each history table the worker writes, for the policy.
  func storedTimes(_ store: PolicyStore, _ gid: String) throws -> [String] {
    try store.db.query(
      """
      SELECT c.at FROM cycle c JOIN policy p ON p.id = c.policy_id WHERE p.gid = ?1
      UNION ALL SELECT at FROM status_history WHERE gid = ?1 AND status = 'Approved'
      UNION ALL SELECT at FROM calculation WHERE gid = ?1
      """, [.text(gid)]
    ) { try $0.string(at: 0) }
  }

  @Test(arguments: TestStore.all) func rowsHashedBeforeTheCommitAreChainedAsStoredAtTheTimeDecided(
    _ kind: TestStore
  ) throws {
    try withProcessed(kind) { store, claim, processed in
      let decided = StoreTime(milliseconds: 1_893_456_000_123)  // 2030-01-01T00:00:00.123Z
      let prepared = PreparedCommit(processed, chainHeads: [:], worker: claim.lease.owner, decidedAt: decided)
      let report = try store.commit(prepared, lease: claim.lease)
      #expect(report.committed.count == 1)
      #expect(report.rowsHashedAgain == 0, "every row the commit inserted was hashed beforehand")
      let gid = processed[0].claimed.policy.policy.gid
      #expect(try storedTimes(store, gid) == Array(repeating: "2030-01-01T00:00:00.123Z", count: 3))
      let entries = try #require(
        try store.db.queryOne(
          "SELECT entries FROM audit_link WHERE gid = ? ORDER BY seq DESC LIMIT 1", [.text(gid)],
          row: { try $0.string(at: 0) }))
      let tables = entries.split(separator: "\n").map { $0.split(separator: " ")[0] }
      #expect(Set(tables).isSuperset(of: ["cycle", "status_history", "calculation"]), "\(entries)")
      #expect(try store.verifyAudit(by: "tester").problems.map(\.message) == [])
    }
  }

  /// Rows hashed for values the commit does not insert (here, under another worker's name) are
  /// hashed again as inserted: a chain that listed the other hashes would report every one of
  /// them as changed.
  @Test(arguments: TestStore.all) func rowsHashedForOtherValuesAreHashedAgainAsInserted(_ kind: TestStore) throws {
    try withProcessed(kind) { store, claim, processed in
      let prepared = PreparedCommit(processed, chainHeads: [:], worker: "not-w", decidedAt: store.clock())
      let report = try store.commit(prepared, lease: claim.lease)
      #expect(report.committed.count == 1)
      #expect(report.rowsHashedAgain == 2, "the cycle and status-history rows name the worker")
      let worker = try store.db.queryOne("SELECT worker FROM cycle") { try $0.string(at: 0) }
      #expect(worker == "w")
      #expect(try store.verifyAudit(by: "tester").problems.map(\.message) == [])
    }
  }

  @Test func aRowIsTakenOnlyForTheValuesHashedAndOnlyOnce() {
    let owner = AuditChain.Owner(gid: "g", version: 1)
    let columns = ["policy_id", "data"]
    var prehashed = AuditChain.Prehashed()
    prehashed.add("policy_data", columns: columns, row: [.integer(7), .text("{\"a\":1}")], policyID: 7, owner: owner)
    let table = AuditChain.tableIndex("policy_data")!
    #expect(prehashed.take(table, columns: columns, rows: [[.integer(7), .text("{\"a\":2}")]]) == nil)
    #expect(prehashed.take(table, columns: ["data", "policy_id"], rows: [[.text("{\"a\":1}"), .integer(7)]]) == nil)
    let taken = prehashed.take(table, columns: columns, rows: [[.integer(7), .text("{\"a\":1}")]])
    let expected = AuditChain.rowHash(
      AuditChain.tables[table], [.text("g"), .integer(1), .text("{\"a\":1}")] as [DatabaseValue])
    #expect(taken?[7]?.hash == expected)
    #expect(prehashed.take(table, columns: columns, rows: [[.integer(7), .text("{\"a\":1}")]]) == nil, "once")
  }
}
