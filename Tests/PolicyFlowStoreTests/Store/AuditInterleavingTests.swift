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
    let document = try JSON(
      parsing: String(
        contentsOf: WorkerRetryTests.packageRoot.appendingPathComponent("examples/policies/health-approved.json"),
        encoding: .utf8))
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
}
