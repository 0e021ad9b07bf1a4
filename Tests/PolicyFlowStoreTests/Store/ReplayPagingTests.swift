import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// `PolicyStore.replay` on both stores: pages of any size give the same report, and each policy
/// is replayed with the resolutions the worker gives it.
struct ReplayPagingTests {
  /// 23 policies processed by a draining worker: 20 pended for their sum assured, of which
  /// `ann` then resolved five (the worker approved them after), and three approvable.
  private func book(_ path: String) throws -> (PolicyStore, Catalog) {
    let (store, catalog) = try ClaimTests.catalogStore(path)
    func copies(of example: String, _ codes: [String]) throws -> [JSON] {
      let template = try JSON(
        parsing: String(
          contentsOf: WorkerRetryTests.packageRoot.appendingPathComponent("examples/policies/\(example)"),
          encoding: .utf8))
      return codes.map { code in
        var document = template
        document.set(path: "code", to: .string(code))
        return document
      }
    }
    let pended = (1...20).map { "S-\($0 < 10 ? "0" : "")\($0)" }
    _ = try store.createPolicies(
      try copies(of: "health-pended-sum-assured.json", pended)
        + copies(of: "health-approved.json", ["A-1", "A-2", "A-3"]),
      source: .integration, actor: "tester", submit: true)
    var configuration = WorkerConfiguration(owner: "replay-test")
    configuration.drain = true
    try Worker(store: store, catalog: catalog, configuration: configuration).run()
    try store.addUser(PolicyStore.User(name: "ann", roles: ["underwriter", "senior-underwriter"]), by: "tester")
    for code in pended.prefix(5) {
      _ = try store.resolve(code, reasons: nil, note: "within appetite", actor: "ann")
    }
    try Worker(store: store, catalog: catalog, configuration: configuration).run()
    return (store, catalog)
  }

  @Test(arguments: TestStore.all) func pagesOfAnySizeGiveTheSameReportWithTheWorkersResolutions(_ kind: TestStore)
    throws
  {
    try withTemporaryStore(kind) { path in
      let (store, catalog) = try book(path)
      #expect(try store.policySummaries(statuses: ["Approved"]).count == 8, "3 approvable, 5 resolved and approved")
      let replay = CatalogReplay(catalog: catalog, at: store.clock().timestamp)
      var seen: [Int] = []
      let whole = try store.replay(replay, selection: .init(), actor: "tester")
      let paged = try store.replay(replay, selection: .init(), actor: "tester", pageSize: 4) { seen.append($0) }
      #expect(seen == [4, 8, 12, 16, 20, 23])
      for report in [whole, paged] {
        #expect(report.replayed == 23)
        // The same catalog: nothing changes, since the five resolved policies are given their
        // resolutions, as the worker gives them, and stay Approved.
        #expect(report.changed == 0)
        #expect(report.count(from: .approved, to: .approved) == 8)
        #expect(report.count(from: .pended, to: .pended) == 15)
        #expect(report.recordedFires == report.newFires)
        #expect(report.newFires["SUM_ASSURED_ABOVE_LIMIT"] == 15)
      }
      // Approved ones only, a page at a time.
      let approved = try store.replay(
        replay, selection: .init(statuses: ["Approved"]), actor: "tester", pageSize: 3)
      #expect(approved.replayed == 8)
    }
  }
}
