import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// An insider who changes a history row and then appends to its policy's chain a link listing the
/// row with its new hash makes the change look like the engine's: the chain checks out, and a seal
/// only covers links up to it. `audit verify` tells the engine's in-place changes (a pend closed,
/// a result taken out of force, a revert's note) from any other.
extension AuditTests {
  /// Changes with `sql` the row `key` of `table` of `code`'s history, then appends the link that
  /// lists the row as it now is, by the README's rules.
  func relistForged(_ store: StoreFixture, _ code: String, table: String, key: Int, after sql: String) throws {
    let gid = try store.gid(code)
    try store.tamper(sql)
    let export = try store.exportAsStored(code)
    let row = try #require(
      export[path: "rows"]?.arrayValue?.first { $0[path: "table"] == .string(table) && $0[path: "key"] == .int(key) })
    try appendForgedLink(store, gid, entries: "\(table) \(key) \(try rowHash(row))\n")
  }

  /// Appends to the chain of `gid` the link listing `entries` after its head, by the README's
  /// rules; returns its number.
  @discardableResult
  func appendForgedLink(_ store: StoreFixture, _ gid: String, entries: String, as login: String? = nil) throws -> Int {
    let head = try #require(try store.links(gid).last)
    let link = SHA256.hexDigest("\(head.link)\n\(gid)\n\(head.seq + 1)\n\(head.at)\n\(entries)")
    try store.tamper(
      "INSERT INTO audit_link (chain, gid, seq, at, entries, link) VALUES ("
        + "(SELECT min(id) FROM policy WHERE gid = '\(gid)'), '\(gid)', \(head.seq + 1), '\(head.at)', "
        + "'\(entries)', '\(link)')", as: login)
    return head.seq + 1
  }

  @Test(arguments: TestStore.all) func aRowChangedAndListedAgainByAForgedLinkIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (canceled, resolved) = (try store.gid(Self.canceled), try store.gid(Self.resolved))
    // The premium the cancellation took out of force (listed twice by the engine already), a pend
    // the underwriter resolved, and the first status change.
    let premium = try #require(
      try store.query(
        "SELECT id FROM calculation WHERE gid = '\(canceled)' AND reverses IS NULL AND in_force = 0"
      ) { try $0.int(at: 0) }.first)
    let pend = try #require(
      try store.query("SELECT id FROM pend_history WHERE gid = '\(resolved)' AND resolved_by = 'uw'") {
        try $0.int(at: 0)
      }.first)
    let status = try #require(
      try store.query("SELECT min(id) FROM status_history WHERE gid = '\(resolved)'") { try $0.int(at: 0) }.first)
    let forged: [(table: String, key: Int, code: String, sql: String)] = [
      ("calculation", premium, Self.canceled, "UPDATE calculation SET total = 1 WHERE id = \(premium)"),
      ("pend_history", pend, Self.resolved, "UPDATE pend_history SET resolved_by = 'tester' WHERE id = \(pend)"),
      ("status_history", status, Self.resolved, "UPDATE status_history SET actor = 'mallory' WHERE id = \(status)"),
    ]
    for change in forged {
      try relistForged(store, change.code, table: change.table, key: change.key, after: change.sql)
    }
    let caught = try store.verify()
    #expect(caught.exitCode == 1, "\(caught.stdout)")
    for change in forged {
      let seq = try store.links(try store.gid(change.code)).filter { $0.entries.hasPrefix("\(change.table) ") }.last?
        .seq
      #expect(
        caught.stdout.contains(
          "link \(seq ?? 0) lists \(change.table) row \(change.key) with a hash that no change the engine makes to "
            + "such a row explains"),
        "\(change.table): \(caught.stdout)")
    }
    #expect(caught.stdout.hasSuffix("3 problems found.\n"), "\(caught.stdout)")
    let (found, _) = try problems(store)
    #expect(
      Set(found.compactMap { $0[path: "table"]?.stringValue }) == ["calculation", "pend_history", "status_history"])
    #expect(found.allSatisfy { $0[path: "kind"] == "broken-link" }, "\(found)")
  }

  /// A premium taken out of force with SQL and listed again by a forged link: the change is one the
  /// engine makes (in_force 1 → 0), but only in an approval or a cancellation, which records a new
  /// result or a cancellation in the same link (PostgreSQL team trial).
  @Test(arguments: TestStore.all) func aResultTakenOutOfForceByAForgedLinkIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.resolved)
    let premium = try #require(
      try store.query("SELECT id FROM calculation WHERE gid = '\(gid)' AND in_force = 1") { try $0.int(at: 0) }.first)
    try relistForged(
      store, Self.resolved, table: "calculation", key: premium,
      after: "UPDATE calculation SET in_force = 0 WHERE id = \(premium)")
    let seq = try #require(try store.links(gid).last?.seq)
    let caught = try store.verify()
    #expect(caught.exitCode == 1, "\(caught.stdout)")
    #expect(
      caught.stdout.contains(
        "link \(seq) lists calculation row \(premium) again with another hash, but records no new result nor a "
          + "cancellation: the engine takes a result out of force only in an approval or a cancellation"),
      "\(caught.stdout)")
  }

  /// Rows deleted behind the engine's back and a link appended that lists them as removed: the
  /// engine removes only a version's document and cancellation record, in a revert.
  @Test(arguments: TestStore.all) func aRowRemovedAndListedAsRemovedByAForgedLinkIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    let status = try store.statusRow(Self.canceled, event: "cancel")
    let cancellation = try #require(
      try store.query("SELECT id FROM cancellation WHERE gid = '\(gid)'") { try $0.int(at: 0) }.first)
    try store.tamper(
      "DELETE FROM status_history WHERE id = \(status); DELETE FROM cancellation WHERE id = \(cancellation)")
    let forged = try appendForgedLink(
      store, gid, entries: "status_history \(status) removed\ncancellation \(cancellation) removed\n")
    let caught = try store.verify()
    #expect(caught.exitCode == 1, "\(caught.stdout)")
    for (table, key) in [("status_history", status), ("cancellation", cancellation)] {
      #expect(
        caught.stdout.contains(
          "link \(forged) lists \(table) row \(key) as removed: the engine removes only a version's document "
            + "and cancellation record, in a revert, so the link was forged"),
        "\(table): \(caught.stdout)")
    }
  }

  /// Forgeries dressed as the engine's own changes, each missing what the engine's change comes
  /// with in the same link: a document replaced with no status change recorded (an edit and a cycle
  /// record one), a revert's mark with no document removed, a document removed while its version
  /// is still there.
  @Test(arguments: TestStore.all) func forgeriesDressedAsTheEnginesChangesAreNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let approved = try store.count("SELECT id FROM policy WHERE code = '\(Self.resolved)' AND is_current = 1")
    let canceled = try store.count("SELECT id FROM policy WHERE code = '\(Self.canceled)' AND is_current = 1")
    let status = try store.count(
      "SELECT min(id) FROM status_history WHERE gid = '\(try store.gid(Self.resolved))'")
    try relistForged(
      store, Self.resolved, table: "policy_data", key: approved,
      after: "UPDATE policy_data SET data = replace(data, '75000000', '100') WHERE policy_id = \(approved)")
    let replaced = try #require(try store.links(try store.gid(Self.resolved)).last?.seq)
    try relistForged(
      store, Self.resolved, table: "status_history", key: status,
      after: "UPDATE status_history SET note = 'version 1, reverted' WHERE id = \(status)")
    let marked = try #require(try store.links(try store.gid(Self.resolved)).last?.seq)
    try store.tamper("DELETE FROM policy_data WHERE policy_id = \(canceled)")
    let removed = try appendForgedLink(
      store, try store.gid(Self.canceled), entries: "policy_data \(canceled) removed\n")

    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(found.count == 3, "\(found)")
    #expect(
      problem(found, "broken-link", table: "policy_data", key: approved, link: replaced)?[path: "message"]?
        .stringValue?.contains("records no status change") == true, "\(found)")
    #expect(
      problem(found, "broken-link", table: "status_history", key: status, link: marked)?[path: "message"]?
        .stringValue?.contains("marked as reverted, but removes no version's document") == true, "\(found)")
    #expect(
      problem(found, "broken-link", table: "policy_data", key: canceled, link: removed)?[path: "message"]?
        .stringValue?.contains("that version is still there") == true, "\(found)")
  }

  /// A resolution note a person typed that ends like a revert's mark ("version 1, reverted" on a
  /// version 1 pend) is the resolution's, not a forged mark.
  @Test(arguments: TestStore.all) func aResolutionNoteThatReadsLikeARevertMarkVerifies(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.addUsers([("uw", ["--roles", "underwriter"])])
    let (pended, code) = try store.writeExample("health-pended-sum-assured.json")
    try store.succeed(["policies", "import", pended, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    try store.succeed(["pends", "resolve", code, "--all", "--note", "version 1, reverted", "--as", "uw"])
    let verified = try store.verify()
    #expect(verified.exitCode == 0, "\(verified.stdout)")
  }

  /// The engine's own changes of rows it wrote (a pend resolved, a result taken out of force by a
  /// cancellation, a revert's note) verify, however often a row is listed again.
  @Test(arguments: TestStore.all) func theEnginesOwnChangesOfARowVerify(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let relisted = try store.links(try store.gid(Self.resolved)).flatMap { link in
      link.entries.split(separator: "\n").map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
    }
    #expect(
      Dictionary(relisted.map { ($0, 1) }, uniquingKeysWith: +).values.contains { $0 > 1 },
      "some row of the resolved policy was listed again by the engine")
    try store.succeed([
      "policies", "edit", Self.resolved, "--set", #"policyholder.email="m@example.de""#, "--as", "tester",
    ])
    try store.succeed(["policies", "revert", Self.resolved, "--as", "tester"])
    let verified = try store.verify()
    #expect(verified.exitCode == 0, "\(verified.stdout)")
  }

  /// A pend reason of an endorsement, open, then withdrawn by an edit, then marked by the revert
  /// of that endorsement, is listed three times with three hashes: each change is the engine's.
  @Test(arguments: TestStore.all) func aPendOpenedWithdrawnAndRevertMarkedVerifies(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let code = Self.resolved
    for email in ["y@example.de", "z@example.de"] {
      try store.succeed(["policies", "edit", code, "--set", "policyholder.email=\"\(email)\"", "--as", "tester"])
      guard email == "y@example.de" else { break }
      try store.succeed(["policies", "submit", code, "--as", "tester"])
      try store.succeed(["worker", "--drain"])
      #expect(try store.status(code) == "Pended", "version 2 pends on review")
    }
    try store.succeed(["policies", "revert", code, "--as", "tester"])
    #expect(try store.status(code) == "Approved", "version 1 is current again")

    let gid = try store.gid(code)
    let pend = try store.count(
      "SELECT min(id) FROM pend_history WHERE gid = '\(gid)' AND version = 2 AND withdrawn_at IS NOT NULL "
        + "AND note LIKE '%version 2, reverted%'")
    let listings = try store.links(gid).flatMap { link in
      link.entries.split(separator: "\n").filter { $0.hasPrefix("pend_history \(pend) ") }.map {
        $0.split(separator: " ")[2]
      }
    }
    #expect(Set(listings).count == 3, "opened, withdrawn, marked: \(listings)")
    let verified = try store.verify()
    #expect(verified.exitCode == 0, "\(verified.stdout)")
  }
}
