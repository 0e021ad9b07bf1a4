import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// The claims `pends work` holds on pended policies: two operators are given different
/// policies, a claim lapses after its lease, and only pends the user may resolve are offered.
struct PendClaimTests {
  /// A store with three policies pended for an underwriter (sums above the automatic limit),
  /// processed by a draining worker, and two underwriters.
  private func pendedStore(_ path: String) throws -> PolicyStore {
    let (store, catalog) = try ClaimTests.catalogStore(path)
    let template = try JSON(
      parsing: String(
        contentsOf: WorkerRetryTests.packageRoot.appendingPathComponent(
          "examples/policies/health-pended-sum-assured.json"),
        encoding: .utf8))
    let documents = (1...3).map { index -> JSON in
      var document = template
      document.set(path: "code", to: .string("P-\(index)"))
      return document
    }
    _ = try store.createPolicies(documents, source: .integration, actor: "tester", submit: true)
    var configuration = WorkerConfiguration(owner: "claim-test")
    configuration.drain = true
    try Worker(store: store, catalog: catalog, configuration: configuration).run()
    for name in ["ann", "bob"] {
      try store.addUser(PolicyStore.User(name: name, roles: ["underwriter", "senior-underwriter"]), by: "tester")
    }
    try store.addUser(PolicyStore.User(name: "clerk", roles: ["policy-administrator"]), by: "tester")
    return store
  }

  private func at(_ store: PolicyStore, _ milliseconds: Int64) {
    let time = StoreTime(milliseconds: 1_900_000_000_000 + milliseconds)
    store.clock = { time }
  }

  @Test(arguments: TestStore.all) func twoOperatorsAreGivenDifferentPoliciesOldestFirst(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let store = try pendedStore(path)
      #expect(try store.openPends().count == 3)
      let ann = try #require(try store.claimNextPend(actor: "ann", leaseMilliseconds: 60_000))
      let bob = try #require(try store.claimNextPend(actor: "bob", leaseMilliseconds: 60_000))
      #expect(ann.code == "P-1")
      #expect(bob.code == "P-2")
      let next = try store.claimNextPend(actor: "bob", skipping: ["P-3"], leaseMilliseconds: 60_000)
      #expect(next == nil, "P-1 and P-2 are held, P-3 skipped")
      try store.release(ann)
      #expect(try store.claimNextPend(actor: "bob", leaseMilliseconds: 60_000)?.code == "P-1")
    }
  }

  /// A policy whose catalog snapshot was changed behind the engine's back is not handed out (its
  /// rights cannot be trusted), and the other pended policies still are.
  @Test(arguments: TestStore.all) func aPolicyPendedUnderAChangedSnapshotIsPassedOver(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let store = try pendedStore(path)
      let forged = "sha256:" + String(repeating: "0", count: 64)
      try store.db.execute(
        "INSERT INTO catalog_snapshot (hash, files, stored_at) SELECT ?, files, stored_at FROM catalog_snapshot",
        [.text(forged)])
      try store.db.execute(
        "UPDATE cycle SET catalog_hash = ? WHERE policy_id IN (SELECT id FROM policy WHERE code = 'P-1')",
        [.text(forged)])
      #expect(throws: StoreError.self) { try store.snapshotCatalog(forged) }
      #expect(try store.claimNextPend(actor: "ann", leaseMilliseconds: 60_000)?.code == "P-2")
    }
  }

  @Test(arguments: TestStore.all) func aClaimLapsesAfterItsLeaseAndCannotBeRenewedOnceTaken(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let store = try pendedStore(path)
      at(store, 0)
      let ann = try #require(try store.claimNextPend(actor: "ann", leaseMilliseconds: 1_000))
      at(store, 500)
      #expect(try store.renew(ann, leaseMilliseconds: 1_000), "renewed while held: now until 1500")
      at(store, 1_200)
      #expect(try store.claimNextPend(actor: "bob", skipping: ["P-2", "P-3"], leaseMilliseconds: 1_000) == nil)
      at(store, 1_600)
      let bob = try #require(try store.claimNextPend(actor: "bob", skipping: ["P-2", "P-3"], leaseMilliseconds: 1_000))
      #expect(bob.code == ann.code, "a lapsed claim is free to take")
      #expect(try !store.renew(ann, leaseMilliseconds: 1_000), "ann's claim is gone")
    }
  }

  @Test(arguments: TestStore.all) func onlyPendsTheUserMayResolveAreOffered(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let store = try pendedStore(path)
      #expect(try store.claimNextPend(actor: "clerk", leaseMilliseconds: 60_000) == nil, "no underwriter role")
      #expect(throws: StoreError.self) { try store.claimNextPend(actor: "nobody", leaseMilliseconds: 60_000) }
    }
  }
}
