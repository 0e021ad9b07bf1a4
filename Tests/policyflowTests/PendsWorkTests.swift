import Foundation
import Testing

/// `policyflow pends work` in a real terminal (tmux): the card, the keys, and two operators
/// side by side never given the same policy.
@Suite(.enabled(if: TmuxSession.isAvailable, "needs tmux"))
struct PendsWorkTests {
  /// Four pended example policies, two underwriters who may resolve them all.
  private func pendedStore() throws -> StoreFixture {
    let store = try StoreFixture()
    for name in ["uma", "sam"] {
      let added = try store.run([
        "users", "add", name, "--roles", "underwriter,senior-underwriter,policy-administrator", "--as", "tester",
      ])
      #expect(added.exitCode == 0, "\(added.stderr)")
    }
    #expect(try store.run(["policies", "import", "examples/policies", "--submit", "--as", "tester"]).exitCode == 0)
    #expect(try store.run(["worker", "--drain", "--quiet"]).exitCode == 0)
    return store
  }

  private func operatorSession(_ store: StoreFixture, as user: String) throws -> TmuxSession {
    try TmuxSession(["pends", "work", "--as", user], environment: ["POLICYFLOW_DB": store.db])
  }

  /// The code of the policy the card shows last.
  private func shownPolicy(_ session: TmuxSession) -> String? {
    session.screen.split(separator: "\n").last { $0.contains("  version ") && $0.contains("  Pended") }
      .map { String($0.split(separator: " ")[0]) }
  }

  @Test func twoOperatorsAreNeverGivenTheSamePolicy() throws {
    let store = try pendedStore()
    let uma = try operatorSession(store, as: "uma")
    #expect(uma.waitFor("[r] resolve"), "\(uma.screen)")
    let sam = try operatorSession(store, as: "sam")
    #expect(sam.waitFor("[r] resolve"), "\(sam.screen)")
    let umasPolicy = try #require(shownPolicy(uma))
    let samsPolicy = try #require(shownPolicy(sam))
    #expect(umasPolicy == "HP-2026-000102", "the oldest first: \(uma.screen)")
    #expect(umasPolicy != samsPolicy)
    #expect(uma.screen.contains("rule SUM_ASSURED_ABOVE_LIMIT in step Underwriting review, read sumAssured = 75000000"))
    #expect(uma.screen.contains("policyholder Lukas Becker, DE"))
    #expect(uma.screen.contains("Pended (processed) by "))

    try uma.send("r")
    #expect(uma.waitFor("Note (why it is resolved): "))
    try uma.type("Medical evidence reviewed")
    #expect(uma.waitFor("\(umasPolicy): resolved SUM_ASSURED_REVIEW"), "\(uma.screen)")
    #expect(uma.waitFor("[r] resolve", count: 2))
    let umasNext = try #require(shownPolicy(uma))
    #expect(![umasPolicy, samsPolicy].contains(umasNext), "\(uma.screen)")
    let resolvedBy = try store.query(
      "SELECT h.resolved_by FROM pend_history h JOIN policy p ON p.id = h.policy_id WHERE p.code = ?"
        .replacingOccurrences(
          of: "?", with: "'\(umasPolicy)'")
    ) { try $0.string(at: 0) }
    #expect(resolvedBy == ["uma"])

    try sam.send("q")
    #expect(sam.waitFor("EXITED 0"), "\(sam.screen)")
    #expect(sam.screen.contains("Bye: 0 handled, 0 skipped."))
    try uma.send("q")
    #expect(uma.waitFor("EXITED 0"))
    #expect(uma.screen.contains("Bye: 1 handled, 0 skipped."))
    #expect(try store.count("SELECT count(*) FROM pend_claim") == 0, "quitting releases the claims")
  }

  @Test func skippingGivesThePolicyBackToTheQueue() throws {
    let store = try pendedStore()
    let uma = try operatorSession(store, as: "uma")
    #expect(uma.waitFor("[r] resolve"))
    let first = try #require(shownPolicy(uma))
    try uma.send("s")
    #expect(uma.waitFor("[r] resolve", count: 2))
    #expect(shownPolicy(uma) != first)
    let sam = try operatorSession(store, as: "sam")
    #expect(sam.waitFor("[r] resolve"))
    #expect(shownPolicy(sam) == first, "a skipped policy is free for the next operator")
    try uma.send("q")
    try sam.send("q")
    #expect(uma.waitFor("EXITED 0") && sam.waitFor("EXITED 0"))
  }

  @Test func declineAndExplainAreOneKeyAway() throws {
    let store = try pendedStore()
    let uma = try operatorSession(store, as: "uma")
    #expect(uma.waitFor("[r] resolve"))
    let first = try #require(shownPolicy(uma))
    try uma.send("x")
    #expect(uma.waitFor("Catalog "), "the full explanation: \(uma.screen)")
    try uma.send("d")
    #expect(uma.waitFor("Reason for declining: "))
    try uma.type("Risk declined by underwriting")
    #expect(uma.waitFor("\(first): declined (Canceled, version 1)"), "\(uma.screen)")
    try uma.send("q")
    #expect(uma.waitFor("EXITED 0"))
    let shown = try store.run(["policies", "list", "--as", "tester", "--json"])
    #expect(shown.stdout.contains("\"Canceled\""))
  }

  @Test func withoutATerminalItRefusesWithAHint() throws {
    let store = try pendedStore()
    let result = try store.run(["pends", "work", "--as", "uma"])
    #expect(result.exitCode == 1)
    #expect(
      result.stderr
        == "Error: 'pends work' is interactive and needs a terminal; in scripts, list with 'policyflow pends list' "
        + "and resolve with 'policyflow pends resolve CODE --all --note TEXT'.\n")
    #expect(result.stdout.isEmpty)
  }
}
