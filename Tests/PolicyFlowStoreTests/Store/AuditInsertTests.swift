import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// A history row's hash is taken from what its INSERT returns, or from the values inserted when
/// the caller gives the policy version; otherwise the row is read back when the transaction ends.
/// Every way must give the hash `audit verify` recomputes from the stored row.
struct AuditInsertTests {
  func withPolicy(_ kind: TestStore, _ body: (PolicyStore, StoredPolicy) throws -> Void) throws {
    let document = try WorkerRetryTests.example("health-approved.json")
    try withTemporaryStore(kind) { path in
      let store = try PolicyStore(path: path, durability: .normal)
      try store.ensureAdministrator("tester")
      try store.createPolicy(document, source: .integration, actor: "tester")
      let code = try #require(document[path: "code"]?.stringValue)
      let stored = try #require(try store.currentPolicy(code))
      try body(store, stored)
    }
  }

  /// The last link of the policy's chain: its entries.
  func lastEntries(_ store: PolicyStore, _ stored: StoredPolicy) throws -> String {
    try #require(
      try store.db.queryOne(
        "SELECT entries FROM audit_link WHERE gid = ? ORDER BY seq DESC LIMIT 1", [.text(stored.policy.gid)],
        row: { try $0.string(at: 0) }))
  }

  @Test(arguments: TestStore.all) func aDocumentHashedFromItsValuesAndOneReadBackAgreeWithVerify(_ kind: TestStore)
    throws
  {
    try withPolicy(kind) { store, stored in
      let owner = [stored.id: AuditChain.Owner(gid: stored.policy.gid, version: stored.policy.version)]
      var listed: [String] = []
      for (text, policies) in [("{\"a\":1}", owner), ("{\"a\":2}", [:])] {
        try store.writing {
          try store.insertRows(
            [[.integer(stored.id), .text(text)]], into: "policy_data", columns: ["policy_id", "data"],
            onConflict: "ON CONFLICT (policy_id) DO UPDATE SET data = excluded.data", policies: policies)
        }
        listed.append(try lastEntries(store, stored))
      }
      #expect(listed.allSatisfy { $0.hasPrefix("policy_data \(stored.id) ") }, "\(listed)")
      #expect(listed[0] != listed[1])
      // Both hashes agree with the rows; only what the engine never does is named: a document
      // replaced without a status change recorded in the same link.
      let problems = try store.verifyAudit(by: "tester").problems
      #expect(problems.count == 2, "\(problems)")
      #expect(problems.allSatisfy { $0.kind == .brokenLink && $0.message.contains("records no status change") })
    }
  }

  @Test(arguments: TestStore.all) func aCalculationChangedAfterItsInsertIsListedAsChanged(_ kind: TestStore) throws {
    try withPolicy(kind) { store, stored in
      let result = CalculationResult(
        kind: .premium, currency: "EUR", lines: [CalculationLine(code: "BASE", description: "Base", amount: 1_000)])
      try store.writing {
        try store.insertCalculation(
          result, for: PolicyStore.ResultOwner(policyID: stored.id, gid: stored.policy.gid, version: 1),
          at: store.clock())
        // Changed in the same transaction: the link must list it as it is at the end.
        try store.db.execute("UPDATE calculation SET in_force = 1 WHERE gid = ?", [.text(stored.policy.gid)])
        let ids = try store.db.query("SELECT id FROM calculation WHERE gid = ?", [.text(stored.policy.gid)]) {
          try $0.int64(at: 0)
        }
        store.wrote("calculation", keys: ids)
      }
      #expect(try lastEntries(store, stored).hasPrefix("calculation "))
      #expect(try store.verifyAudit(by: "tester").problems.map(\.message) == [])
    }
  }
}
