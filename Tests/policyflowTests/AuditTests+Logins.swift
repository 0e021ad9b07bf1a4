import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// On PostgreSQL the server records the login that appended each link, and operators cannot set
/// it: an operator with `psql` who forges a row and appends a link for it is named when the row
/// is an outcome (only workers write those) or says someone else acted.
extension AuditTests {
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func anOperatorsLoginCannotPassOffAForgedOutcomeOrAnotherPersonsAct() throws {
    let store = try twoPolicies(.postgres)
    let opal = "opal_\(UInt32.random(in: 0...UInt32.max))"
    try TestStore.connect(store.db).executeScript("CREATE ROLE \(opal) LOGIN; GRANT policyflow_operator TO \(opal);")
    let gid = try store.gid(Self.resolved)
    let submit = try store.statusRow(Self.resolved, event: "submit")
    let cycle = try #require(
      try store.query("SELECT max(c.id) FROM cycle c JOIN policy p ON p.id = c.policy_id WHERE p.gid = '\(gid)'") {
        try $0.int(at: 0)
      }.first)
    // A status change "by tester", and an outcome, both written and chained by opal.
    try store.tamper(
      """
      INSERT INTO status_history (policy_id, status, at, actor, note, gid, version, event)
      SELECT policy_id, status, at, 'tester', 'looks fine', gid, version, event FROM status_history WHERE id = \(submit)
      """, as: opal)
    let status = try store.count("SELECT max(id) FROM status_history")
    try store.tamper(
      """
      INSERT INTO cycle (policy_id, version, catalog_hash, at, status, flow, worker, outcome)
      SELECT policy_id, version, catalog_hash, at, status, flow, worker, outcome FROM cycle WHERE id = \(cycle)
      """, as: opal)
    let outcome = try store.count("SELECT max(id) FROM cycle")
    let export = try JSON(
      parsing: try store.succeed(["audit", "export", Self.resolved, "--json", "--as", "tester"]).stdout)
    func hash(_ table: String, _ key: Int) throws -> String {
      try rowHash(
        try #require(
          export[path: "rows"]?.arrayValue?.first {
            $0[path: "table"] == .string(table) && $0[path: "key"] == .int(key)
          }))
    }
    let seq = try appendForgedLink(
      store, gid,
      entries:
        "status_history \(status) \(try hash("status_history", status))\ncycle \(outcome) \(try hash("cycle", outcome))\n",
      as: opal)
    #expect(
      try store.query("SELECT written_by FROM audit_link WHERE gid = '\(gid)' AND seq = \(seq)") {
        try $0.optionalString(at: 0)
      } == [opal], "the server recorded the login")

    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(found.filter { $0[path: "kind"] == "login" }.count == 2, "\(found)")
    // The forged status change also leaves the policy's status behind its history's end: said too.
    #expect(Set(found.compactMap { $0[path: "kind"]?.stringValue }) == ["login", "status"], "\(found)")
    let forgedOutcome = try #require(problem(found, "login", table: "cycle", key: outcome, link: seq), "\(found)")
    #expect(forgedOutcome[path: "found"] == .string(opal))
    let forgedAct = try #require(problem(found, "login", table: "status_history", key: status, link: seq), "\(found)")
    #expect(forgedAct[path: "expected"] == "tester")
    #expect(forgedAct[path: "found"] == .string(opal))
    let text = try store.verify()
    #expect(
      text.stdout.contains(
        "status_history row \(status) says tester acted, but link \(seq), which first lists it, was written by the "
          + "login \(opal): an operator acts under their own name; expected tester, found \(opal)"),
      "\(text.stdout)")

    // The login is the server's to record: an operator cannot name another.
    let refusal = #expect(throws: (any Error).self) {
      try TestStore.connect(store.db.replacingOccurrences(of: "user=postgres", with: "user=\(opal)")).executeScript(
        "INSERT INTO audit_link (chain, gid, seq, at, entries, link, written_by) VALUES (1, 'g', 99, 'a', '', 'x', 'w')"
      )
    }
    #expect("\(refusal.map { String(describing: $0) } ?? "")".contains("permission denied"))
  }
}
