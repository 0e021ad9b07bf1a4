import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// DESIGN.md's money invariant over random lives of policies: whatever people do in whatever
/// order (edit, submit, process, resolve, cancel, revert, decline), the calculation rows of a
/// gid add up to what is in force, one set at most is in force, and nothing is reversed twice.
struct LedgerInvariantTests {
  /// A small, seeded generator: a failing sequence can be replayed from its number.
  struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  enum Step: CaseIterable {
    case edit, submit, process, resolve, cancel, revert, decline

    /// Drawn with these weights: processing and resolving follow submits often enough to reach
    /// approvals, new versions and their cancellations.
    static let drawn: [Step] = [
      .edit, .edit, .submit, .submit, .submit, .process, .process, .process, .resolve, .resolve, .resolve, .cancel,
      .cancel, .revert, .decline,
    ]
  }

  static let sequences = 2_000
  static let stepsPerSequence = 12
  static let cancellationDates = ["2025-12-01", "2026-01-01", "2026-01-10", "2026-04-01", "2026-12-31", "2027-02-01"]

  @Test(arguments: TestStore.all) func theRowsOfEveryPolicyAddUpToWhatIsInForce(_ kind: TestStore) throws {
    let catalog = try #require(ClaimTests.catalog)
    let template = try WorkerRetryTests.example("health-approved.json")
    try withTemporaryStore(kind) { path in
      let store = try PolicyStore(path: path, durability: .normal)
      try store.ensureAdministrator("tester")
      try store.snapshot(catalog)
      try store.addUser(
        PolicyStore.User(name: "checker", roles: ["policy-administrator", "underwriter", "senior-underwriter"]),
        by: "tester")
      var random = SplitMix64(state: 20_261_206)
      var steps: [Step: Int] = [:]
      for sequence in 0..<Self.sequences {
        let code = "P-\(sequence)"
        var document = template
        document.set(path: "code", to: .string(code))
        document.set(path: "sumAssured", to: .int(Int.random(in: 10...80, using: &random) * 1_000_000))
        if Bool.random(using: &random) { document.set(path: "calculateOnCancellation", to: false) }
        try store.createPolicy(document, source: .integration, actor: "tester")
        var trail: [String] = []
        for _ in 0..<Self.stepsPerSequence {
          let step = Step.drawn.randomElement(using: &random)!
          do {
            try perform(step, on: code, in: store, with: catalog, random: &random)
            steps[step, default: 0] += 1
            trail.append("\(step)")
          } catch is StoreError {
            trail.append("\(step) (refused)")
          } catch is LifecycleRefusal {
            trail.append("\(step) (refused)")
          }
          try expectInvariant(of: code, in: store, after: "sequence \(sequence): \(trail.joined(separator: ", "))")
        }
      }
      // Every kind of step happened many times, so the sequences did reach every state.
      for step in Step.allCases {
        #expect(steps[step, default: 0] > 100, "\(step) succeeded \(steps[step] ?? 0) times")
      }
      #expect(
        try store.db.queryOne("SELECT count(*) FROM cancellation WHERE calculated = 1") { try $0.int(at: 0) }! > 100)
      // Every one of those lives left a history that verifies: each step chained what it wrote
      // (a revert's moved and removed rows too), and nothing else changed a row.
      let audit = try store.verifyAudit(by: "tester")
      #expect(audit.problems.map(\.message) == [])
      #expect(audit.policies == Self.sequences)
      #expect(audit.links > Self.sequences * 4)
    }
  }

  private func perform(
    _ step: Step, on code: String, in store: PolicyStore, with catalog: Catalog, random: inout SplitMix64
  ) throws {
    switch step {
    case .edit:
      _ = try store.edit(
        code, changes: [("sumAssured", .int(Int.random(in: 10...80, using: &random) * 1_000_000))], actor: "tester")
    case .submit:
      try store.submit(code, actor: "tester")
    case .process:
      let claim = try store.claim(owner: "w", limit: 10, leaseMilliseconds: 60_000)
      try ClaimTests.process(claim.activities, of: claim, in: store, with: catalog)
    case .resolve:
      _ = try store.resolve(code, reasons: nil, note: "checked", actor: "checker")
    case .cancel:
      _ = try store.cancel(
        code, effectiveDate: Self.cancellationDates.randomElement(using: &random)!, reason: "test", actor: "tester")
    case .revert:
      _ = try store.revert(code, actor: "tester")
    case .decline:
      _ = try store.decline(code, reason: "declined", actor: "checker")
    }
  }

  private func expectInvariant(of code: String, in store: PolicyStore, after trail: String) throws {
    let current = try #require(try store.currentPolicy(code))
    let gid = current.policy.gid
    try expectWhatIsInForce(for: current, in: store, after: trail)
    let ledger = try #require(
      try store.db.queryOne(
        """
        SELECT coalesce(sum(total), 0), coalesce(sum(total) FILTER (WHERE in_force = 1), 0),
          count(*) FILTER (WHERE in_force = 1),
          (SELECT count(*) FROM calculation r WHERE r.gid = ?1 AND r.reverses IS NOT NULL)
            - (SELECT count(DISTINCT reverses) FROM calculation r WHERE r.gid = ?1),
          count(*) FILTER (WHERE in_force = 1 AND kind = 'reversal')
        FROM calculation WHERE gid = ?1
        """, [.text(gid)]
      ) { (try $0.int(at: 0), try $0.int(at: 1), try $0.int(at: 2), try $0.int(at: 3), try $0.int(at: 4)) })
    #expect(ledger.0 == ledger.1, "the rows add up to \(ledger.0), in force \(ledger.1), after \(trail)")
    #expect(ledger.2 <= 1, "\(ledger.2) results in force after \(trail)")
    #expect(ledger.3 == 0, "a result was reversed twice after \(trail)")
    #expect(ledger.4 == 0, "a reversal is in force after \(trail)")
  }

  /// What is in force, worked out from the policy's states rather than from the rows: the premium
  /// of the version last approved; after a cancellation its settlement when one was computed, else
  /// nothing; nothing for an application never approved or declined.
  private func expectWhatIsInForce(for current: StoredPolicy, in store: PolicyStore, after trail: String) throws {
    var settled: StoredPolicy? = current
    if current.policy.status != .approved && current.policy.status != .canceled {
      settled = try store.db.queryOne(
        "\(StoredPolicy.select) WHERE gid = ? AND version = ?",
        [.text(current.policy.gid), .integer(Int64(current.policy.version - 1))], row: { try StoredPolicy(row: $0) })
    }
    var expected: [String] = []
    if let settled {
      let version = settled.policy.version
      if settled.policy.status == .approved {
        expected = ["premium v\(version)"]
      } else if try store.cancellation(policyID: settled.id)?.calculated == true {
        expected = ["cancellation v\(version)"]
      }
    }
    let inForce = try store.calculations(gid: current.policy.gid).filter(\.isInForce).map {
      "\($0.result.kind.rawValue) v\($0.version)"
    }
    #expect(inForce == expected, "in force after \(trail)")
  }
}
