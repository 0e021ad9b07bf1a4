import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// The tamper-evident history (issue #18) end to end through the binary, on SQLite and
/// PostgreSQL: an untouched store verifies after every kind of operation; a history row changed,
/// removed, inserted or reordered, and a link changed or removed, behind the engine's back (with
/// `sqlite3` or `psql`) is named by `audit verify`; a seal catches a chain rewritten consistently;
/// an export verifies with the README's few lines of Python.
@Suite(.serialized) struct AuditTests {
  /// Imported, submitted, approved and then canceled with a recalculated premium, each in its
  /// own transaction: links 1 (create), 2 (submit), 3 (the worker's outcome) and 4 (the cancel).
  static let canceled = "HP-2026-000101"
  /// Pended for its sum assured, resolved by an underwriter with a note, then approved.
  static let resolved = "HP-2026-000102"

  /// A store with both policies and an underwriter `uw`, verified intact before the test
  /// tampers with it. Notes and reasons are not ASCII, so lengths are counted in UTF-8 bytes.
  func twoPolicies(_ kind: TestStore) throws -> StoreFixture {
    let store = try StoreFixture(kind)
    try store.addUsers([("uw", ["--roles", "underwriter"])])
    let (approved, code) = try store.writeExample("health-approved.json")
    #expect(code == Self.canceled)
    try store.succeed(["policies", "import", approved, "--as", "tester"])
    try store.succeed(["policies", "submit", code, "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    try store.succeed([
      "policies", "cancel", code, "--date", "2026-04-01", "--reason", "Kündigung — Kunde", "--as", "tester",
    ])
    let (pended, other) = try store.writeExample("health-pended-sum-assured.json")
    #expect(other == Self.resolved)
    try store.succeed(["policies", "import", pended, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    try store.succeed([
      "pends", "resolve", other, "--all", "--note", "Müller „geprüft“ ✓ 🎉 \"quoted\" back\\slash\ttab", "--as", "uw",
    ])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(Self.canceled) == "Canceled")
    #expect(try store.status(Self.resolved) == "Approved")
    #expect(try store.links(try store.gid(Self.canceled)).map(\.seq) == [1, 2, 3, 4])
    let untouched = try store.verify()
    try #require(untouched.exitCode == 0, "the store verifies before it is tampered with: \(untouched.stdout)")
    return store
  }

  /// Every history row the chain covers, counted in the store itself.
  func historyRows(_ store: StoreFixture) throws -> Int {
    try ["policy_data", "status_history", "cycle", "pend_history", "calculation", "cancellation"].reduce(0) {
      $0 + (try store.count("SELECT count(*) FROM \($1)"))
    }
  }

  /// The problems `audit verify --json` reports, with its exit code.
  func problems(_ store: StoreFixture, _ arguments: [String] = []) throws -> (problems: [JSON], exitCode: Int32) {
    let (report, exitCode) = try store.verifyReport(arguments)
    #expect(report[path: "verified"] == .bool(exitCode == 0), "verified agrees with the exit code")
    return (report[path: "problems"]?.arrayValue ?? [], exitCode)
  }

  /// `audit verify` of the whole store exits 1, names `code` on every BROKEN line that names a
  /// policy and never the other policy, and `audit verify` of the other policy alone exits 0.
  func expectBroken(
    _ store: StoreFixture, _ code: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws -> String {
    let result = try store.verify()
    #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
    let broken = result.stdout.split(separator: "\n").filter { $0.hasPrefix("BROKEN ") }
    #expect(!broken.isEmpty, "\(result.stdout)", sourceLocation: sourceLocation)
    let gid = try store.gid(code)
    #expect(
      broken.allSatisfy { $0.hasPrefix("BROKEN policy \(code) (gid \(gid)): ") }, "\(result.stdout)",
      sourceLocation: sourceLocation)
    #expect(result.stdout.contains("problem"), sourceLocation: sourceLocation)
    #expect(!result.stdout.contains("every chain is intact"), sourceLocation: sourceLocation)
    let other = code == Self.canceled ? Self.resolved : Self.canceled
    #expect(!result.stdout.contains(other), "the untouched policy is not named", sourceLocation: sourceLocation)
    let alone = try store.verify([other])
    #expect(alone.exitCode == 0, "\(other) alone is intact: \(alone.stdout)", sourceLocation: sourceLocation)
    #expect(alone.stdout.hasSuffix("every chain is intact.\n"), "\(alone.stdout)", sourceLocation: sourceLocation)
    let tampered = try store.verify([code])
    #expect(tampered.exitCode == 1, "\(code) alone is broken: \(tampered.stdout)", sourceLocation: sourceLocation)
    return result.stdout
  }

  /// The problem of `kind` about `table` row `key` (or link `link`), from `audit verify --json`.
  func problem(
    _ problems: [JSON], _ kind: String, table: String? = nil, key: Int? = nil, link: Int? = nil
  ) -> JSON? {
    problems.first { problem in
      problem[path: "kind"] == .string(kind) && (table.map { problem[path: "table"] == .string($0) } ?? true)
        && (key.map { problem[path: "key"] == .int($0) } ?? true)
        && (link.map { problem[path: "seq"] == .int($0) } ?? true)
    }
  }

  /// The hash the last link of `gid` that lists `table` row `key` recorded, with that link's seq.
  func recorded(_ store: StoreFixture, _ gid: String, _ table: String, _ key: Int) throws -> (seq: Int, hash: String) {
    let listing = try store.links(gid).compactMap { link -> (Int, String)? in
      guard
        let line = link.entries.split(separator: "\n").last(where: { $0.hasPrefix("\(table) \(key) ") })
      else { return nil }
      return (link.seq, String(line.split(separator: " ")[2]))
    }
    let last = try #require(listing.last, "a link lists \(table) row \(key)")
    return (seq: last.0, hash: last.1)
  }

  // MARK: - An untouched store verifies

  @Test(arguments: TestStore.all) func anUntouchedStoreVerifiesAfterEveryKindOfOperation(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.addUsers([("uw", ["--roles", "underwriter"]), ("carl", ["--roles", "policy-administrator"])])
    var links = 0
    func expectIntact(_ step: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
      let result = try store.verify()
      #expect(result.exitCode == 0, "after \(step): \(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
      #expect(
        result.stdout.hasSuffix("every chain is intact.\n"), "after \(step): \(result.stdout)",
        sourceLocation: sourceLocation)
      let (report, exitCode) = try store.verifyReport()
      #expect(exitCode == 0, sourceLocation: sourceLocation)
      #expect(report[path: "problems"] == .array([]), sourceLocation: sourceLocation)
      #expect(
        report[path: "rows"] == .int(try historyRows(store)), "every history row was checked after \(step)",
        sourceLocation: sourceLocation)
      let now = try store.count("SELECT count(*) FROM audit_link")
      #expect(report[path: "links"] == .int(now), sourceLocation: sourceLocation)
      #expect(now > links, "\(step) appended links to the chains", sourceLocation: sourceLocation)
      links = now
    }

    let examples = PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies").path
    try store.succeed(["policies", "import", examples, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(Self.canceled) == "Approved")
    try expectIntact("import, submit and the worker")

    try store.succeed(["pends", "resolve", Self.resolved, "--all", "--note", "medicals fine", "--as", "uw"])
    try expectIntact("pends resolve")
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(Self.resolved) == "Approved")
    try expectIntact("the worker after the resolve")

    let (draft, editable) = try store.writeExample("health-approved.json") {
      $0.set(path: "code", to: "HP-AUDIT-EDIT")
    }
    try store.succeed(["policies", "import", draft, "--as", "tester"])
    try store.succeed(["policies", "edit", editable, "--set", #"policyholder.email="a@example.de""#, "--as", "carl"])
    #expect(try store.status(editable) == "Edit")
    try expectIntact("an edit of a policy in Edit")

    try store.succeed([
      "policies", "edit", Self.canceled, "--set", #"policyholder.email="b@example.de""#, "--as", "carl",
    ])
    #expect(try store.count("SELECT count(*) FROM policy WHERE code = '\(Self.canceled)'") == 2, "a new version")
    try expectIntact("an edit of an Approved policy")
    try store.succeed(["policies", "revert", Self.canceled, "--as", "carl"])
    #expect(try store.count("SELECT count(*) FROM policy WHERE code = '\(Self.canceled)'") == 1)
    #expect(
      try store.links(try store.gid(Self.canceled)).last?.entries.contains(" removed\n") == true,
      "the revert's link lists the removed version's document")
    try expectIntact("policies revert")

    let calculations = try store.count("SELECT count(*) FROM calculation")
    try store.succeed(["policies", "cancel", Self.canceled, "--date", "2026-04-01", "--reason", "test", "--as", "carl"])
    #expect(try store.count("SELECT count(*) FROM calculation") == calculations + 2, "a reversal and a settlement")
    try expectIntact("policies cancel with a recalculated premium")

    // Referred to an underwriter for the applicant's age or medical history.
    let declined = "HP-2026-000103"
    #expect(try store.status(declined) == "Pended")
    try store.succeed(["policies", "decline", declined, "--reason", "risk declined", "--as", "uw"])
    #expect(try store.status(declined) == "Canceled")
    try expectIntact("policies decline")

    // Every policy's export, after all of that (versions reverted, documents removed), verifies
    // with the README's Python.
    if let interpreter = StoreFixture.findTool("python3") {
      let script = store.directory.appendingPathComponent("verify.py")
      try (try Self.verifier).write(to: script, atomically: true, encoding: .utf8)
      let codes = try store.query("SELECT DISTINCT code FROM policy ORDER BY code") { try $0.string(at: 0) }
      #expect(codes.count == 14, "the 13 examples and the one edited in Edit")
      for code in codes {
        let file = store.directory.appendingPathComponent("export-\(code).json")
        try store.succeed(["audit", "export", code, "--json", "--as", "tester"]).stdout.write(
          to: file, atomically: true, encoding: .utf8)
        let checked = try PolicyFlowBinary.run([script.path, file.path], program: URL(fileURLWithPath: interpreter))
        #expect(checked.exitCode == 0, "\(code): \(checked.stderr)")
        #expect(checked.stdout.hasSuffix(" rows of \(code)\n"), "\(checked.stdout)")
      }
    } else {
      Issue.record("python3 is not installed: the exports were not checked with the README's verifier")
    }

    // The copy, on the other kind of store, verifies too: same chains, same rows, same hashes,
    // and the seal taken before the copy still holds there.
    let digest = try #require(
      try JSON(parsing: try store.succeed(["audit", "seal", "--json", "--as", "tester"]).stdout)[path: "digest"]?
        .stringValue)
    let copy =
      kind == .sqlite && TestStore.all.contains(.postgres)
      ? try TestStore.postgres.newLocation(in: store.directory.path)
      : store.directory.appendingPathComponent("copy.sqlite").path
    let copying = try PolicyFlowBinary.run([
      "store", "copy", "--from", store.db, "--to", copy, "--quiet", "--as", "tester",
    ])
    try #require(copying.exitCode == 0, "\(copying.stderr)")
    let copied = try PolicyFlowBinary.run(["audit", "verify", "--json", "--db", copy, "--as", "tester"])
    #expect(copied.exitCode == 0, "the copy verifies: \(copied.stdout)\(copied.stderr)")
    let (original, _) = try store.verifyReport()
    let report = try JSON(parsing: copied.stdout)
    for field in ["verified", "policies", "links", "rows", "catalogs"] {
      #expect(report[path: field] == original[path: field], "\(field) of the copy")
    }
    // Row for row: the ids a seal's last link counts by, every link's text, and the chain heads
    // the seal recorded (by which the seal is checked there).
    for table in ["audit_link", "audit_seal", "audit_seal_head"] {
      let read = { (location: String) in
        try TestStore.connect(location).query("SELECT * FROM \(table) ORDER BY id") { row in
          (0..<row.columnCount).map { "\(row.value(at: $0))" }.joined(separator: "|")
        }
      }
      let rows = try read(store.db)
      #expect(!rows.isEmpty)
      #expect(try read(copy) == rows, "\(table) arrives as it was")
    }
    let sealed = try PolicyFlowBinary.run([
      "audit", "verify", "--since-seal", digest, "--quiet", "--db", copy, "--as", "tester",
    ])
    #expect(sealed.exitCode == 0, "the seal holds on the copy: \(sealed.stdout)\(sealed.stderr)")
    // And the copy's chains go on: work done there verifies.
    let (later, _) = try store.writeExample("health-approved.json") { $0.set(path: "code", to: "HP-AUDIT-LATER") }
    let imported = try PolicyFlowBinary.run([
      "policies", "import", later, "--submit", "--db", copy, "--as", "tester",
    ])
    #expect(imported.exitCode == 0, "\(imported.stderr)")
    #expect(try PolicyFlowBinary.run(["worker", "--drain", "--db", copy]).exitCode == 0)
    let after = try PolicyFlowBinary.run(["audit", "verify", "--quiet", "--db", copy, "--as", "tester"])
    #expect(after.exitCode == 0, "\(after.stdout)\(after.stderr)")
  }

  // MARK: - Tampering behind the engine's back

  /// A column of a history row changed behind the engine's back, one row of each history table.
  struct Change: Sendable, CustomStringConvertible {
    var table: String
    var code: String
    /// SQL that selects the row's key.
    var key: String
    /// The assignment that changes it.
    var set: String
    var description: String { "\(table): \(set)" }
  }

  static let changes = [
    Change(
      table: "status_history", code: canceled,
      key:
        "SELECT id FROM status_history WHERE event = 'submit' AND gid = (SELECT gid FROM policy WHERE code = '\(canceled)')",
      set: "actor = 'mallory'"),
    Change(
      table: "policy_data", code: canceled, key: "SELECT id FROM policy WHERE code = '\(canceled)'",
      set: "data = replace(data, 'northstar', 'southstar')"),
    Change(
      table: "cycle", code: canceled,
      key: "SELECT c.id FROM cycle c JOIN policy p ON p.id = c.policy_id WHERE p.code = '\(canceled)'",
      set: "outcome = replace(outcome, '\"Approved\"', '\"Pended\"')"),
    Change(
      table: "calculation", code: canceled,
      key:
        "SELECT id FROM calculation WHERE kind = 'premium' AND gid = (SELECT gid FROM policy WHERE code = '\(canceled)')",
      set: "total = 0"),
    Change(
      table: "cancellation", code: canceled,
      key: "SELECT id FROM cancellation WHERE gid = (SELECT gid FROM policy WHERE code = '\(canceled)')",
      set: "reason = 'customer request'"),
    Change(
      table: "pend_history", code: resolved,
      key: "SELECT id FROM pend_history WHERE gid = (SELECT gid FROM policy WHERE code = '\(resolved)')",
      set: "resolved_by = 'tester'"),
  ]

  @Test(arguments: TestStore.all, changes) func aChangedColumnOfAHistoryRowIsNamed(_ kind: TestStore, _ change: Change)
    throws
  {
    let store = try twoPolicies(kind)
    let keys = try store.query(change.key) { try $0.int(at: 0) }
    try #require(keys.count == 1, "\(change.key)")
    let key = keys[0]
    let gid = try store.gid(change.code)
    let listed = try recorded(store, gid, change.table, key)
    let keyColumn = change.table == "policy_data" ? "policy_id" : "id"
    try store.tamper("UPDATE \(change.table) SET \(change.set) WHERE \(keyColumn) = \(key)")

    let output = try expectBroken(store, change.code)
    #expect(
      output.contains(
        "BROKEN policy \(change.code) (gid \(gid)): \(change.table) row \(key) differs from what link \(listed.seq) "
          + "recorded: it was changed behind the engine's back; expected \(listed.hash), found "),
      "\(output)")
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(found.count == 1, "\(found)")
    let named = try #require(problem(found, "changed", table: change.table, key: key, link: listed.seq))
    #expect(named[path: "code"] == .string(change.code))
    #expect(named[path: "gid"] == .string(gid))
    #expect(named[path: "expected"] == .string(listed.hash))
    #expect(named[path: "found"]?.stringValue?.count == 64)
    #expect(named[path: "found"] != named[path: "expected"])
  }

  @Test(arguments: TestStore.all) func aDeletedHistoryRowIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    let submit = try store.statusRow(Self.canceled, event: "submit")
    let listed = try recorded(store, gid, "status_history", submit)
    try store.tamper("DELETE FROM status_history WHERE id = \(submit)")

    let output = try expectBroken(store, Self.canceled)
    #expect(
      output.contains(
        "BROKEN policy \(Self.canceled) (gid \(gid)): status_history row \(submit), recorded by link \(listed.seq), "
          + "is gone: it was removed behind the engine's back; expected \(listed.hash), found nothing"),
      "\(output)")
    let (found, _) = try problems(store)
    #expect(found.count == 1, "\(found)")
    let removed = try #require(problem(found, "removed", table: "status_history", key: submit, link: listed.seq))
    #expect(removed[path: "expected"] == .string(listed.hash))
    #expect(removed[path: "found"] == .null, "nothing is there: null, not a word")
  }

  @Test(arguments: TestStore.all) func anInsertedHistoryRowIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    let cancel = try store.statusRow(Self.canceled, event: "cancel")
    // A forged outcome after the cancel: the policy "approved again" by someone.
    try store.tamper(
      """
      INSERT INTO status_history (policy_id, status, at, actor, note, gid, version, event)
      SELECT policy_id, 'Approved', at, 'mallory', NULL, gid, version, 'processed' FROM status_history WHERE id = \(cancel)
      """)
    let inserted = try store.count("SELECT max(id) FROM status_history")
    #expect(inserted > cancel)

    let output = try expectBroken(store, Self.canceled)
    #expect(
      output.contains(
        "BROKEN policy \(Self.canceled) (gid \(gid)): status_history row \(inserted) is in no link of the chain: "
          + "it was written behind the engine's back; expected nothing, found "),
      "\(output)")
    let (found, _) = try problems(store)
    #expect(found.count == 2, "\(found)")
    let named = try #require(problem(found, "inserted", table: "status_history", key: inserted), "\(found)")
    #expect(named[path: "expected"] == .null, "nothing was expected there")
    #expect(named[path: "found"]?.stringValue?.count == 64, "the row's hash")
    // The policy still shows Canceled, where its history now ends in Approved: said too.
    #expect(problem(found, "status", table: "policy")?[path: "expected"] == "Approved", "\(found)")
  }

  @Test(arguments: TestStore.all) func twoHistoryRowsSwappedAreBothNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    let (approved, canceled) = (
      try store.statusRow(Self.canceled, event: "processed"), try store.statusRow(Self.canceled, event: "cancel")
    )
    let columns = ["status", "at", "actor", "note", "event"]
    let contents = try [approved, canceled].map { id in
      try #require(
        try store.query("SELECT \(columns.joined(separator: ", ")) FROM status_history WHERE id = \(id)") { row in
          columns.indices.map { row.value(at: $0) }
        }.first)
    }
    #expect(contents[0] != contents[1])
    // The policy's history now reads Canceled, then Approved: the order of decisions is changed.
    for (id, values) in [(approved, contents[1]), (canceled, contents[0])] {
      let assignments = zip(columns, values).map { "\($0) = \(StoreFixture.literal($1))" }
      try store.tamper("UPDATE status_history SET \(assignments.joined(separator: ", ")) WHERE id = \(id)")
    }
    let statuses = try store.query("SELECT status FROM status_history WHERE gid = '\(gid)' ORDER BY id") {
      try $0.string(at: 0)
    }
    #expect(statuses == ["Edit", "In Process", "Canceled", "Approved"])

    let output = try expectBroken(store, Self.canceled)
    for id in [approved, canceled] {
      #expect(output.contains("status_history row \(id) differs from what link"), "\(output)")
    }
    let (found, _) = try problems(store)
    #expect(found.count == 3, "\(found)")
    #expect(problem(found, "status", table: "policy")?[path: "found"] == "Canceled", "\(found)")
    #expect(problem(found, "changed", table: "status_history", key: approved, link: 3) != nil, "\(found)")
    #expect(problem(found, "changed", table: "status_history", key: canceled, link: 4) != nil, "\(found)")
  }

  /// The policy rows are not history, but they must agree with it: two policies' codes swapped
  /// (a canceled policy shown as the approved one), and an earlier version marked current.
  @Test(arguments: TestStore.all) func policyRowsThatDisagreeWithTheChainedHistoryAreNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (canceled, resolved) = (try store.gid(Self.canceled), try store.gid(Self.resolved))
    try store.tamper(
      """
      UPDATE policy SET code = 'X' WHERE code = '\(Self.canceled)';
      UPDATE policy SET code = '\(Self.canceled)' WHERE code = '\(Self.resolved)';
      UPDATE policy SET code = '\(Self.resolved)' WHERE code = 'X';
      """)
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(found.count == 2, "\(found)")
    #expect(found.allSatisfy { $0[path: "kind"] == "policy" }, "\(found)")
    #expect(Set(found.compactMap { $0[path: "gid"]?.stringValue }) == [canceled, resolved])
    let swapped = try #require(found.first { $0[path: "gid"] == .string(canceled) })
    #expect(swapped[path: "expected"] == .string(Self.canceled) && swapped[path: "found"] == .string(Self.resolved))
    try store.tamper(
      """
      UPDATE policy SET code = 'X' WHERE code = '\(Self.canceled)';
      UPDATE policy SET code = '\(Self.canceled)' WHERE code = '\(Self.resolved)';
      UPDATE policy SET code = '\(Self.resolved)' WHERE code = 'X';
      """)
    #expect(try store.verify().exitCode == 0, "swapped back")

    // A new version, then the first one marked current in its place.
    try store.succeed([
      "policies", "edit", Self.resolved, "--set", #"policyholder.email="n@example.de""#, "--as", "tester",
    ])
    try store.tamper(
      "UPDATE policy SET is_current = 0 WHERE gid = '\(resolved)' AND version = 2; "
        + "UPDATE policy SET is_current = 1 WHERE gid = '\(resolved)' AND version = 1;")
    let output = try expectBroken(store, Self.resolved)
    #expect(
      output.contains(
        "the version shown as current is version 1, but the latest is version 2: which version is current was changed "
          + "behind the engine's back"),
      "\(output)")
  }

  @Test(arguments: TestStore.all) func aLinkWhoseEntriesChangedIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    // Link 3 recorded the worker's outcome; drop the cycle row from it, as if it had never been.
    let link = try #require(store.links(gid).first { $0.seq == 3 })
    let cycle = try #require(link.entries.split(separator: "\n").first { $0.hasPrefix("cycle ") })
    let cycleKey = try #require(Int(cycle.split(separator: " ")[1]))
    let entries = link.entries.replacingOccurrences(of: cycle + "\n", with: "")
    #expect(entries != link.entries)
    try store.tamper(
      "UPDATE audit_link SET entries = \(StoreFixture.literal(.text(entries))) WHERE gid = '\(gid)' AND seq = 3")

    let output = try expectBroken(store, Self.canceled)
    #expect(
      output.contains(
        "BROKEN policy \(Self.canceled) (gid \(gid)): link 3 does not follow from the link before it and its entries: "
          + "the link or an earlier one was changed; expected "),
      "\(output)")
    #expect(output.contains(", found \(link.link)"), "\(output)")
    let (found, _) = try problems(store)
    #expect(problem(found, "broken-link", link: 3)?[path: "found"] == .string(link.link), "\(found)")
    #expect(problem(found, "inserted", table: "cycle", key: cycleKey) != nil, "the cycle row is in no link: \(found)")
    #expect(found.count == 2, "\(found)")
  }

  @Test(arguments: TestStore.all) func aDeletedMiddleLinkIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    let submit = try store.statusRow(Self.canceled, event: "submit")
    #expect(
      try store.links(gid)[1].entries
        == "status_history \(submit) \(try recorded(store, gid, "status_history", submit).hash)\n")
    try store.tamper("DELETE FROM audit_link WHERE gid = '\(gid)' AND seq = 2")

    let output = try expectBroken(store, Self.canceled)
    #expect(
      output.contains(
        "BROKEN policy \(Self.canceled) (gid \(gid)): link 2 of the chain is missing (the next one found is 3)"),
      "\(output)")
    #expect(output.contains("link 3 does not follow from the link before it"), "\(output)")
    let (found, _) = try problems(store)
    #expect(problem(found, "missing-link", link: 2) != nil, "\(found)")
    #expect(
      found.filter { $0[path: "kind"] == "missing-link" }.count == 1,
      "the links after the gap are where they should be: \(found)")
    #expect(problem(found, "broken-link", link: 3) != nil, "\(found)")
    #expect(
      problem(found, "inserted", table: "status_history", key: submit)?[path: "message"]
        == .string(
          "status_history row \(submit) is in no link found of the chain: it was listed by a missing one (link 2), or "
            + "written behind the engine's back"),
      "the row only link 2 listed is in no link now, and may be the engine's: \(found)")
  }

  // MARK: - Changes that would hide a change

  /// Resolving a pend reason that was changed behind the engine's back would chain the forged
  /// row as the engine found it, and `audit verify` would no longer see the change: the resolution
  /// is refused, nothing is written, and the change is still named.
  @Test(arguments: TestStore.all) func aChangedPendReasonIsNotHiddenByResolvingIt(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.addUsers([("uw", ["--roles", "underwriter"])])
    let (path, code) = try store.writeExample("health-pended-sum-assured.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.status(code) == "Pended")
    let open = try store.query("SELECT id FROM pend_history WHERE is_open = 1 ORDER BY id") { try $0.int(at: 0) }
    let forged = try #require(open.first)
    let links = try store.links(try store.gid(code)).count
    try store.tamper("UPDATE pend_history SET description = 'waived by phone' WHERE id = \(forged)")

    let refused = try store.run(["pends", "resolve", code, "--all", "--note", "checked", "--as", "uw"])
    #expect(refused.exitCode == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(
      refused.stderr.contains(
        "The history of policy \(code) was changed behind the engine's back: its pend_history row \(forged) no "
          + "longer holds what link"),
      "\(refused.stderr)")
    #expect(refused.stderr.contains("Nothing was changed."), "\(refused.stderr)")
    #expect(try store.status(code) == "Pended")
    #expect(try store.count("SELECT count(*) FROM pend_history WHERE is_open = 1") == open.count)
    #expect(try store.links(try store.gid(code)).count == links)
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(problem(found, "changed", table: "pend_history", key: forged) != nil, "\(found)")
  }

  /// The same for a document: an edit of a policy in Edit replaces its document, which was
  /// changed behind the engine's back; the edit is refused and the change stays visible.
  @Test(arguments: TestStore.all) func aChangedDocumentIsNotHiddenByEditingIt(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--as", "tester"])
    let id = try #require(
      try store.query("SELECT id FROM policy WHERE code = '\(code)'") { try $0.int(at: 0) }.first)
    try store.tamper(
      "UPDATE policy_data SET data = replace(data, '\"code\"', '\"tampered\": 1, \"code\"') WHERE policy_id = \(id)")

    let refused = try store.run(["policies", "edit", code, "--set", "brand=\"other\"", "--as", "tester"])
    #expect(refused.exitCode == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stderr.contains("its policy_data row \(id) no longer holds what link 1"), "\(refused.stderr)")
    #expect(try store.count("SELECT count(*) FROM policy_data WHERE data LIKE '%\"tampered\"%'") == 1)
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(problem(found, "changed", table: "policy_data", key: id) != nil, "\(found)")
  }

  /// A document changed behind the engine's back before the worker took its policy is not run:
  /// its outcome would be decided on it, and its derived fields would chain it as the engine's.
  /// The activity is parked with the reason, nothing is chained, and the change stays visible.
  @Test(arguments: TestStore.all) func aDocumentChangedBeforeTheWorkerTakesItIsParkedNotRun(_ kind: TestStore)
    throws
  {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    let id = try #require(
      try store.query("SELECT id FROM policy WHERE code = '\(code)'") { try $0.int(at: 0) }.first)
    let gid = try store.gid(code)
    let links = try store.links(gid).count
    try store.tamper(
      "UPDATE policy_data SET data = replace(data, '\"code\"', '\"tampered\": 1, \"code\"') WHERE policy_id = \(id)")

    let worker = try store.run(["worker", "--drain"])
    let log = worker.stdout + worker.stderr
    #expect(
      log.contains(
        "(policy \(code)) as failed: its document no longer holds what its chain recorded: it was changed behind "
          + "the engine's back"),
      "\(log)")
    #expect(try store.status(code) == "In Process")
    #expect(try store.count("SELECT count(*) FROM cycle") == 0, "not run")
    #expect(try store.links(gid).count == links, "nothing chained")
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(problem(found, "changed", table: "policy_data", key: id) != nil, "\(found)")
  }

  /// A link moved under another policy's chain is named as moved there; the rows it lists are
  /// not that policy's, and are not reported as removed from it.
  @Test(arguments: TestStore.all) func aLinkMovedUnderAnotherPolicysChainIsNamedAsMoved(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (from, to) = (try store.gid(Self.canceled), try store.gid(Self.resolved))
    try store.tamper(
      "UPDATE audit_link SET seq = 99, chain = (SELECT min(id) FROM policy WHERE gid = '\(to)') "
        + "WHERE gid = '\(from)' AND seq = 3")
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    let moved = found.filter {
      $0[path: "message"]?.stringValue?.contains("is kept under this policy's chain but was written for gid \(from)")
        == true
    }
    #expect(moved.count == 1, "\(found)")
    #expect(moved.first?[path: "code"] == .string(Self.resolved), "\(found)")
    #expect(!found.contains { $0[path: "kind"] == "removed" }, "nothing of the other policy is gone: \(found)")
    #expect(problem(found, "missing-link", link: 3) != nil, "the link is missing from its own chain: \(found)")
  }

  /// An export of a history changed behind the engine's back is still given (it is the evidence),
  /// with a warning that it does not verify and exit 1, as `audit verify` would exit.
  @Test(arguments: TestStore.all) func anExportOfAChangedHistoryWarnsThatItDoesNotVerify(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let clean = try store.succeed(["audit", "export", Self.canceled, "--json", "--as", "tester"])
    #expect(clean.stderr.isEmpty, "\(clean.stderr)")
    let submit = try store.statusRow(Self.canceled, event: "submit")
    try store.tamper("UPDATE status_history SET actor = 'mallory' WHERE id = \(submit)")
    let exported = try store.run(["audit", "export", Self.canceled, "--json", "--as", "tester"])
    #expect(exported.exitCode == 1, "\(exported.stderr)")
    #expect(
      exported.stderr.contains(
        "Warning: the history of policy \(Self.canceled) does not verify (1 problem; the first: status_history row "
          + "\(submit) differs from what link"),
      "\(exported.stderr)")
    #expect(try JSON(parsing: exported.stdout)[path: "code"] == .string(Self.canceled))
  }

  /// An approval of a new version reverses the results in force, which would chain a result
  /// changed behind the engine's back as the engine's. The worker parks that policy with the
  /// reason and goes on with the rest, instead of approving it (or stopping).
  @Test(arguments: TestStore.all) func aChangedResultInForceParksTheReapprovalNotTheWorker(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let (path, code) = try store.writeExample("health-approved.json")
    let (other, otherCode) = try store.writeExample("health-pended-sum-assured.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    try #require(try store.status(code) == "Approved")
    try store.succeed(["policies", "edit", code, "--set", "brand=\"other\"", "--as", "tester"])
    try store.succeed(["policies", "submit", code, "--as", "tester"])
    try store.succeed(["policies", "import", other, "--submit", "--as", "tester"])
    let result = try #require(
      try store.query("SELECT id FROM calculation WHERE in_force = 1") { try $0.int(at: 0) }.first)
    try store.tamper("UPDATE calculation SET total = total - 100 WHERE id = \(result)")

    let worker = try store.run(["worker", "--drain"])
    #expect(worker.exitCode == 0, "\(worker.stderr)")
    #expect(
      worker.stderr.contains(
        "(policy \(code)) as failed: a calculation result in force no longer holds what its chain recorded"),
      "\(worker.stderr)")
    #expect(try store.status(code) == "In Process")
    #expect(try store.status(otherCode) == "Pended", "the rest of the batch is processed")
    #expect(try store.count("SELECT count(*) FROM calculation WHERE id = \(result) AND in_force = 1") == 1)
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(problem(found, "changed", table: "calculation", key: result) != nil, "\(found)")
  }

  /// A link kept under no policy's first row is on no chain: it cannot vouch for anything, and a
  /// whole-store verification names it.
  @Test(arguments: TestStore.all) func aLinkOnNoPolicysChainIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    let head = try #require(try store.links(gid).last)
    // One under no row at all, one under a row that does not exist, one under the other
    // policy's first row.
    let first = try store.query("SELECT min(id) FROM policy WHERE gid = '\(try store.gid(Self.resolved))'") {
      try $0.int(at: 0)
    }
    try store.tamper(
      "INSERT INTO audit_link (chain, gid, seq, at, entries, link) VALUES "
        + "(0, '\(gid)', 99, '\(head.at)', '', '\(head.link)'), "
        + "(999999, '\(gid)', 97, '\(head.at)', '', '\(head.link)'), "
        + "(\(first[0]), '\(gid)', 98, '\(head.at)', '', '\(head.link)')")
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    let stray = found.filter { $0[path: "table"] == "audit_link" }
    #expect(Set(stray.compactMap { $0[path: "seq"] }) == [97, 99], "\(found)")
    #expect(stray.allSatisfy { $0[path: "kind"] == "inserted" && $0[path: "gid"] == .string(gid) }, "\(stray)")
    #expect(stray.allSatisfy { $0[path: "code"] == .string(Self.canceled) }, "named by the policy of its gid: \(stray)")
    // The one under the other policy's first row is named there as written for another gid.
    let other = found.filter { $0[path: "code"] == .string(Self.resolved) }
    #expect(other.map { $0[path: "kind"] } == ["broken-link"], "\(found)")
    #expect(
      other.first?[path: "message"]?.stringValue?.contains("was written for gid \(gid): it was moved here") == true,
      "\(found)")
    #expect(found.count == 3, "the canceled policy's own chain still verifies: \(found)")
  }

  /// The row hash of an exported row, by the README's rules (what the Python below does).
  func rowHash(_ row: JSON) throws -> String {
    var bytes = Array(try #require(row[path: "table"]?.stringValue).utf8) + [0x0A]
    for field in try #require(row[path: "fields"]?.arrayValue) {
      switch field {
      case .null: bytes += Array("n".utf8)
      case .int(let number): bytes += Array("i\(number)".utf8)
      case .string(let text): bytes += Array("t\(text.utf8.count):\(text)".utf8)
      case .object:
        let text = try #require(field[path: "text"]?.stringValue)
        #expect(field[path: "sha256"] == .string(SHA256.hexDigest(text)))
        bytes += Array("h\(SHA256.hexDigest(text))".utf8)
      default: Issue.record("a field of an export is null, an integer, a text or a digested text: \(field)")
      }
      bytes.append(0x0A)
    }
    return SHA256.hexDigest(bytes)
  }

  // MARK: - Export

  /// The README's verifier, read from the README (the program after "An export checks on its own").
  static var verifier: String {
    get throws {
      let readme = try String(
        contentsOf: PolicyFlowBinary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
      let start = try #require(readme.range(of: "An export checks on its own, without PolicyFlow")?.upperBound)
      let open = try #require(readme.range(of: "```python\n", range: start..<readme.endIndex)?.upperBound)
      let close = try #require(readme.range(of: "\n```", range: open..<readme.endIndex)?.lowerBound)
      return String(readme[open..<close]) + "\n"
    }
  }

  @Test(arguments: TestStore.all) func anExportVerifiesWithTheREADMEsPythonAndFailsOnceARowIsEdited(_ kind: TestStore)
    throws
  {
    guard let interpreter = StoreFixture.findTool("python3") else {
      Issue.record("python3 is not installed: the README's verifier of an export was not run")
      return
    }
    let store = try twoPolicies(kind)
    let script = store.directory.appendingPathComponent("verify.py")
    try (try Self.verifier).write(to: script, atomically: true, encoding: .utf8)
    func python(_ document: JSON, _ name: String) throws -> PolicyFlowBinary.Result {
      let file = store.directory.appendingPathComponent(name)
      try document.serialized().write(to: file, atomically: true, encoding: .utf8)
      return try PolicyFlowBinary.run([script.path, file.path], program: URL(fileURLWithPath: interpreter))
    }

    var exports: [String: JSON] = [:]
    for code in [Self.canceled, Self.resolved] {
      let exported = try store.succeed(["audit", "export", code, "--json", "--as", "tester"])
      let document = try JSON(parsing: exported.stdout)
      #expect(document[path: "format"] == "policyflow-audit-1")
      #expect(document[path: "code"] == .string(code))
      #expect(document[path: "gid"] == .string(try store.gid(code)))
      let links = document[path: "links"]?.arrayValue ?? []
      let rows = document[path: "rows"]?.arrayValue ?? []
      #expect(links.count == (try store.links(try store.gid(code)).count))
      let checked = try python(document, "\(code).json")
      #expect(checked.exitCode == 0, "\(code): \(checked.stderr)")
      #expect(
        checked.stdout == "verified \(links.count) links and \(rows.count) rows of \(code)\n", "\(checked.stdout)")
      // Every row's hash in Swift, by the same rules, is the one its last link recorded.
      for row in rows {
        let table = try #require(row[path: "table"]?.stringValue)
        let key = try #require(Int(row[path: "key"]?.serialized() ?? ""))
        #expect(try rowHash(row) == (try recorded(store, try store.gid(code), table, key).hash), "\(table) \(key)")
      }
      exports[code] = document
    }
    // The non-ASCII note of the resolution is in the export as it was written.
    #expect(
      exports[Self.resolved]?.serialized().contains("Müller „geprüft“ ✓ 🎉") == true,
      "the resolution's note is exported")

    // A status-history row's actor edited in the export.
    var edited = try #require(exports[Self.canceled])
    var rows = edited[path: "rows"]?.arrayValue ?? []
    let index = try #require(rows.firstIndex { $0[path: "table"] == "status_history" })
    let key = try #require(rows[index][path: "key"]?.serialized())
    var fields = rows[index][path: "fields"]?.arrayValue ?? []
    let actor = try #require(fields.firstIndex(of: "tester"))
    fields[actor] = "mallory"
    rows[index].set(path: "fields", to: .array(fields))
    edited.set(path: "rows", to: .array(rows))
    let refused = try python(edited, "edited.json")
    #expect(refused.exitCode != 0)
    #expect(refused.stderr.contains("AssertionError: ('row', 'status_history', \(key))"), "\(refused.stderr)")

    // A document's text edited without its digest.
    var document = try #require(exports[Self.canceled])
    rows = document[path: "rows"]?.arrayValue ?? []
    let data = try #require(rows.firstIndex { $0[path: "table"] == "policy_data" })
    fields = rows[data][path: "fields"]?.arrayValue ?? []
    let digested = try #require(fields.firstIndex { $0.objectValue != nil })
    let text = try #require(fields[digested][path: "text"]?.stringValue)
    fields[digested].set(path: "text", to: .string(text.replacingOccurrences(of: "northstar", with: "southstar")))
    rows[data].set(path: "fields", to: .array(fields))
    document.set(path: "rows", to: .array(rows))
    let digestRefused = try python(document, "document.json")
    #expect(digestRefused.exitCode != 0)
    #expect(digestRefused.stderr.contains("AssertionError: ('policy_data',"), "\(digestRefused.stderr)")

    // A row left out of the export.
    var missing = try #require(exports[Self.resolved])
    missing.set(path: "rows", to: .array(Array((missing[path: "rows"]?.arrayValue ?? []).dropLast())))
    let incomplete = try python(missing, "missing.json")
    #expect(incomplete.exitCode != 0)
    #expect(incomplete.stderr.contains("rows missing from the export"), "\(incomplete.stderr)")
  }

  // MARK: - Who verifies what

  @Test(arguments: TestStore.all) func verifyOfOneCodeChecksOnlyThatPolicy(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.resolved)
    let (report, exitCode) = try store.verifyReport([Self.resolved])
    #expect(exitCode == 0)
    #expect(report[path: "policies"] == 1)
    #expect(report[path: "links"] == .int(try store.links(gid).count))
    #expect(
      report[path: "rows"]
        == .int(
          try store.count("SELECT count(*) FROM status_history WHERE gid = '\(gid)'")
            + store.count("SELECT count(*) FROM pend_history WHERE gid = '\(gid)'")
            + store.count("SELECT count(*) FROM calculation WHERE gid = '\(gid)'")
            + store.count(
              "SELECT count(*) FROM policy_data d JOIN policy p ON p.id = d.policy_id WHERE p.gid = '\(gid)'")
            + store.count("SELECT count(*) FROM cycle c JOIN policy p ON p.id = c.policy_id WHERE p.gid = '\(gid)'")))
    #expect(report[path: "catalogs"] == 1, "the catalog its outcomes were computed with")

    let unknown = try store.verify(["HP-NOPE", Self.canceled, "HP-ALSO-NOT"])
    #expect(unknown.exitCode != 0)
    #expect(
      unknown.stderr.contains(
        "No policy has the codes 'HP-NOPE', 'HP-ALSO-NOT'; nothing was verified. A policy removed behind the engine's "
          + "back is named by 'policyflow audit verify' of the whole store (without codes), when a seal recorded it."),
      "\(unknown.stderr)")
    let (twice, twiceExitCode) = try store.verifyReport([Self.canceled, Self.canceled])
    #expect(twiceExitCode == 0)
    #expect(twice[path: "policies"] == 1, "a policy named twice is verified once: \(twice)")
  }

  @Test(arguments: TestStore.all) func onlyAnAdministratorMaySealOrVerify(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let verify = try store.run(["audit", "verify", "--quiet", "--as", "uw"])
    #expect(verify.exitCode == 77)
    #expect(
      verify.stderr.contains("User 'uw' may not verify the store's history: only administrators may."),
      "\(verify.stderr)")
    #expect(verify.stdout.isEmpty)
    let one = try store.run(["audit", "verify", Self.resolved, "--as", "uw"])
    #expect(one.exitCode == 77, "not even of one policy")
    let seal = try store.run(["audit", "seal", "--as", "uw"])
    #expect(seal.exitCode == 77)
    #expect(seal.stderr.contains("only administrators may"), "\(seal.stderr)")
    #expect(try store.count("SELECT count(*) FROM audit_seal") == 0, "no seal was recorded")
  }

  // MARK: - Many policies

  /// More policies than `audit verify` reads at once (500): a problem in the first, a middle and
  /// the last batch is each named once, and nothing else is.
  @Test(arguments: TestStore.all) func everyBatchOfAStoreIsVerified(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.importGenerated(1_100, prefix: "MANY")
    try store.succeed(["worker", "--drain"])
    let (report, exitCode) = try store.verifyReport()
    #expect(exitCode == 0, "\(report.serialized())")
    #expect(report[path: "policies"] == 1_100)
    #expect(report[path: "links"] == 2_200, "import with submit, then the outcome")
    #expect(report[path: "rows"] == .int(try historyRows(store)))

    // The policies in the order verify reads them: by gid.
    let byGid = try store.query("SELECT code, gid FROM policy ORDER BY gid") {
      (code: try $0.string(at: 0), gid: try $0.string(at: 1))
    }.sorted { $0.gid.utf8.lexicographicallyPrecedes($1.gid.utf8) }
    let chosen = [byGid[0], byGid[550], byGid[1_099]]
    for policy in chosen {
      try store.tamper("UPDATE calculation SET total = total + 1 WHERE gid = '\(policy.gid)'")
    }
    let (found, broken) = try problems(store)
    #expect(broken == 1)
    #expect(
      found.compactMap { $0[path: "code"]?.stringValue }.sorted() == chosen.map(\.code).sorted(), "\(found)")
    #expect(found.allSatisfy { $0[path: "kind"] == "changed" && $0[path: "table"] == "calculation" })
  }

  /// Seals taken while workers commit: on PostgreSQL a link id may be drawn before a seal and
  /// committed after it, which the seal must wait for; every seal still holds afterwards.
  @Test(arguments: TestStore.all) func sealsTakenWhileWorkersCommitAllHold(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.importGenerated(600, prefix: "BUSY")
    let workers = try (0..<3).map { _ in try store.startWorker(["--drain"]) }
    var digests: [String] = []
    for _ in 0..<8 {
      let sealed = try store.succeed(["audit", "seal", "--json", "--as", "tester"])
      digests.append(try #require(try JSON(parsing: sealed.stdout)[path: "digest"]?.stringValue))
    }
    for worker in workers {
      #expect(worker.wait() == 0, "\(worker.log)")
    }
    #expect(try store.count("SELECT count(*) FROM activity") == 0)
    for digest in digests {
      let result = try store.verify(["--since-seal", digest])
      #expect(result.exitCode == 0, "the seal \(digest) holds: \(result.stdout)\(result.stderr)")
    }
  }

  // MARK: - Database logins

  /// On PostgreSQL people and workers connect with logins of their own, whose grants are narrow:
  /// what they write is chained all the same.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func historyWrittenThroughNarrowLoginsVerifies() throws {
    let store = try StoreFixture(.postgres)
    let suffix = UInt32.random(in: 0...UInt32.max)
    let (person, worker) = ("uma_\(suffix)", "worker_\(suffix)")
    try TestStore.connect(store.db).executeScript(
      """
      CREATE ROLE \(person) LOGIN; GRANT policyflow_operator TO \(person);
      CREATE ROLE \(worker) LOGIN; GRANT policyflow_worker TO \(worker);
      """)
    try store.addUsers([(person, ["--roles", "underwriter"])])
    let login = { (name: String) in store.db.replacingOccurrences(of: "user=postgres", with: "user=\(name)") }
    let (path, code) = try store.writeExample("health-pended-sum-assured.json")
    for arguments in [
      // Imported by the administrator: the underwriter resolving it must be a second person.
      ["policies", "import", path, "--submit", "--db", store.db, "--as", "tester"],
      ["worker", "--drain", "--db", login(worker)],
      ["pends", "resolve", code, "--all", "--note", "fine", "--db", login(person)],
      ["worker", "--drain", "--db", login(worker)],
    ] {
      let result = try PolicyFlowBinary.run(arguments)
      #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
    }
    #expect(try store.status(code) == "Approved")
    #expect(try store.links(try store.gid(code)).count == 4)
    // The server recorded whose session wrote each link: the import, the worker twice, the person.
    let writers = try store.query(
      "SELECT written_by FROM audit_link WHERE gid = '\(try store.gid(code))' ORDER BY seq"
    ) { try $0.optionalString(at: 0) }
    #expect(writers == ["postgres", worker, person, worker])
    let verified = try store.verify()
    #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
    let refused = try PolicyFlowBinary.run(["audit", "verify", "--quiet", "--db", login(person)])
    #expect(refused.exitCode == 77, "a person who is no administrator may not verify: \(refused.stderr)")
  }

  /// A person who sees only the group a policy moved to (row-level security hides its first
  /// version, in the group it left) still appends to the policy's chain, which is kept under that
  /// first version's row.
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aPersonWhoCannotSeeAPolicysFirstVersionStillChainsWhatTheyWrite() throws {
    let store = try StoreFixture(.postgres)
    let person = "ann_\(UInt32.random(in: 0...UInt32.max))"
    try TestStore.connect(store.db).executeScript(
      "CREATE ROLE \(person) LOGIN; GRANT policyflow_operator TO \(person);")
    try store.addUsers([(person, ["--roles", "underwriter", "--groups", "rcw-personal"])])
    let mine = store.db.replacingOccurrences(of: "user=postgres", with: "user=\(person)")
    let (path, code) = try store.writeExample("group-approved.json")
    for arguments in [
      ["policies", "import", path, "--submit", "--db", store.db, "--as", "tester"],
      ["worker", "--drain", "--db", store.db],
      // The administrator moves it to the other group: a new version, in Edit.
      ["policies", "edit", code, "--set", "accessGroup=\"rcw-personal\"", "--db", store.db, "--as", "tester"],
      ["policies", "edit", code, "--set", "brand=\"other\"", "--db", mine],
      ["policies", "submit", code, "--db", mine],
    ] {
      let result = try PolicyFlowBinary.run(arguments)
      #expect(result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
    }
    let hidden = try PolicyFlowBinary.run(["policies", "show", code, "--json", "--db", mine])
    #expect(hidden.exitCode == 0, "\(hidden.stderr)")
    #expect(try store.links(try store.gid(code)).count == 5)
    let verified = try store.verify()
    #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
    // Version 1's rows are hidden from the person: an export of theirs would not verify.
    let refused = try PolicyFlowBinary.run(["audit", "export", code, "--db", mine])
    #expect(refused.exitCode == 77, "\(refused.stdout)\(refused.stderr)")
    #expect(
      refused.stderr.contains(
        "1 of the 2 versions of policy \(code) was written in a data access group you may not see"),
      "\(refused.stderr)")
    #expect(refused.stdout.isEmpty)
    let exported = try PolicyFlowBinary.run(["audit", "export", code, "--json", "--db", store.db, "--as", "tester"])
    #expect(exported.exitCode == 0, "\(exported.stderr)")
    #expect(try JSON(parsing: exported.stdout)[path: "links"]?.arrayValue?.count == 5)

    // A change behind the engine's back to the version the person sees is not hidden by their
    // edit, although the chain is kept under a version they cannot see.
    try store.succeed(["worker", "--drain"])
    let versionTwo = try #require(
      try store.query("SELECT id FROM policy WHERE code = '\(code)' AND version = 2") { try $0.int(at: 0) }.first)
    try store.tamper(
      "UPDATE policy_data SET data = replace(data, '\"code\"', '\"tampered\": 1, \"code\"') "
        + "WHERE policy_id = \(versionTwo)")
    let edit = try PolicyFlowBinary.run(["policies", "edit", code, "--set", "brand=\"third\"", "--db", mine])
    #expect(edit.exitCode == 1, "\(edit.stdout)\(edit.stderr)")
    #expect(edit.stderr.contains("its policy_data row \(versionTwo) no longer holds what link"), "\(edit.stderr)")
  }

  // MARK: - Catalog snapshots

  /// Deletes `sql`'s rows on PostgreSQL past the foreign keys, as the server's superuser can.
  func withoutForeignKeys(_ store: StoreFixture, _ sql: String) -> String {
    store.kind == .sqlite ? sql : "SET session_replication_role = replica; \(sql)"
  }

  @Test(arguments: TestStore.all) func aChangedCatalogSnapshotIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let hash = try #require(try store.query("SELECT hash FROM catalog_snapshot") { try $0.string(at: 0) }.first)
    #expect(try store.count("SELECT count(*) FROM cycle WHERE catalog_hash = '\(hash)'") == 3)
    // The underwriting step of the rules that decided, renamed after the fact.
    try store.tamper("UPDATE catalog_snapshot SET files = replace(files, 'Underwriting', 'Overwriting')")
    let result = try store.verify()
    #expect(result.exitCode == 1)
    #expect(
      result.stdout.contains(
        "BROKEN store: the catalog snapshot \(hash) no longer holds the files of that hash: it was changed; "
          + "expected \(hash), found sha256:"),
      "\(result.stdout)")
    let (found, _) = try problems(store)
    #expect(found.count == 1, "\(found)")
    #expect(problem(found, "catalog", table: "catalog_snapshot")?[path: "expected"] == .string(hash), "\(found)")
    // A policy's verify checks the catalog its outcomes were computed with, and its export, which
    // carries the files, does not verify.
    let one = try store.verify([Self.resolved])
    #expect(one.exitCode == 1, "\(one.stdout)")
    #expect(one.stdout.contains("the catalog snapshot \(hash) no longer holds the files of that hash"), "\(one.stdout)")
    let exported = try store.run(["audit", "export", Self.resolved, "--json", "--as", "tester"])
    #expect(exported.exitCode == 1)
    #expect(exported.stderr.contains("the catalog snapshot \(hash) no longer holds the files"), "\(exported.stderr)")
    let document = try JSON(parsing: exported.stdout)
    let checked = try #require(try verifyWithPython(store, document, "changed-catalog.json"))
    #expect(checked.exitCode != 0)
    #expect(checked.stderr.contains("AssertionError: ('catalog', '\(hash)')"), "\(checked.stderr)")
  }

  /// The outcomes link to the catalog that produced them by its hash; the snapshot gone, the
  /// rules behind every decision of it are gone, and `policies explain` says so.
  @Test(arguments: TestStore.all) func aRemovedCatalogSnapshotIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let hash = try #require(try store.query("SELECT hash FROM catalog_snapshot") { try $0.string(at: 0) }.first)
    try store.tamper(withoutForeignKeys(store, "DELETE FROM catalog_publication; DELETE FROM catalog_snapshot;"))
    let explained = try store.run(["policies", "explain", Self.canceled, "--as", "tester"])
    #expect(explained.stdout.contains("Catalog \(hash) (snapshot missing from the store)"), "\(explained.stdout)")
    let result = try store.verify()
    #expect(result.exitCode == 1, "\(result.stdout)")
    #expect(result.stdout.contains(hash), "\(result.stdout)")
    let one = try store.verify([Self.canceled])
    #expect(one.exitCode == 1, "\(one.stdout)")
    #expect(
      one.stdout.contains("the catalog snapshot \(hash), which outcomes were computed with, is gone"), "\(one.stdout)")
    let exported = try store.run(["audit", "export", Self.canceled, "--as", "tester"])
    #expect(exported.exitCode == 1)
    #expect(exported.stdout.contains("catalog \(hash): no snapshot in the store"), "\(exported.stdout)")
  }

  @Test func aCatalogSnapshotThatIsNotJSONIsNamedNotAborted() throws {
    let store = try twoPolicies(.sqlite)
    try store.tamper("UPDATE catalog_snapshot SET files = 'garbage'")
    let result = try store.verify()
    #expect(result.exitCode == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("BROKEN store: the catalog snapshot"), "\(result.stdout)\(result.stderr)")
  }

  // MARK: - Rows that belong to no policy

  @Test(arguments: TestStore.all) func aRowMovedOffItsPolicyIsNamedAsRemovedAndAsAnOrphan(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    let submit = try store.statusRow(Self.canceled, event: "submit")
    try store.tamper(withoutForeignKeys(store, "UPDATE status_history SET policy_id = 999999 WHERE id = \(submit)"))
    let result = try store.verify()
    #expect(result.exitCode == 1)
    #expect(
      result.stdout.contains(
        "BROKEN store: status_history row \(submit) belongs to no policy version: it was written behind the engine's back"
      ), "\(result.stdout)")
    #expect(
      result.stdout.contains(
        "BROKEN policy \(Self.canceled) (gid \(gid)): status_history row \(submit), recorded by link 2, is gone"),
      "\(result.stdout)")
    #expect(try store.verify([Self.canceled]).exitCode == 1)
    // The other policy's chain and rows are intact: verifying it alone should say so.
    let other = try store.verify([Self.resolved])
    #expect(other.exitCode == 0, "\(other.stdout)")
  }

  // MARK: - Upgrades

  /// A store of an earlier release: schema 14 gives each policy a first link listing every
  /// history row it has, so history written before the chain is covered from then on.
  @Test func historyWrittenBeforeTheChainIsChainedByTheUpgrade() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let db = directory.appendingPathComponent("old.sqlite").path
    try StoreFixture.writeSchemaThreeStore(at: db, status: "Edit", queued: false)
    let verified = try PolicyFlowBinary.run(["audit", "verify", "--json", "--db", db, "--as", "alice"])
    #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stderr.contains("to schema version 14 ("), "the upgrade ran: \(verified.stderr)")
    let report = try JSON(parsing: verified.stdout)
    #expect(report[path: "policies"] == 2)
    #expect(report[path: "links"] == 2, "one first link per policy")
    #expect(report[path: "rows"] == 4)
    let entries = try SQLiteConnection(path: db).query("SELECT entries FROM audit_link WHERE gid = 'gid-1'") {
      try $0.string(at: 0)
    }
    #expect(entries.count == 1)
    #expect(entries.first?.hasPrefix("policy_data 1 ") == true, "\(entries)")
    #expect(entries.first?.contains("\nstatus_history 1 ") == true, "\(entries)")

    // From then on a change of that history is named.
    let tool = try #require(StoreFixture.findTool("sqlite3"), "sqlite3 is not installed")
    let tampered = try PolicyFlowBinary.run(
      [db, "UPDATE status_history SET actor = 'mallory' WHERE id = 1"], program: URL(fileURLWithPath: tool))
    #expect(tampered.exitCode == 0, "\(tampered.stderr)")
    let broken = try PolicyFlowBinary.run(["audit", "verify", "--quiet", "--db", db, "--as", "alice"])
    #expect(broken.exitCode == 1)
    #expect(
      broken.stdout.contains("BROKEN policy OLD-1 (gid gid-1): status_history row 1 differs from what link 1 recorded"),
      "\(broken.stdout)")
    #expect(!broken.stdout.contains("OLD-2"))
  }

  /// The same on either store, with history the engine wrote: the store taken back to schema 13
  /// (no chain tables) is chained again when it is next opened (schema 15), each policy with one
  /// link.
  @Test(arguments: TestStore.all) func aStoreBackAtSchema13IsChainedWhenOpened(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let rows = try historyRows(store)
    try store.tamper(
      "DROP TABLE audit_seal_head; DROP TABLE audit_link; DROP TABLE audit_seal; "
        + "DELETE FROM schema_migrations WHERE version >= 14;")
    let opened = try store.verify()
    #expect(opened.exitCode == 0, "\(opened.stdout)\(opened.stderr)")
    #expect(opened.stderr.contains("to schema version 15 ("), "\(opened.stderr)")
    let (report, _) = try store.verifyReport()
    #expect(report[path: "links"] == 2, "one link per policy")
    #expect(report[path: "rows"] == .int(rows))
    // Each first link lists every history row of its policy.
    for code in [Self.canceled, Self.resolved] {
      let links = try store.links(try store.gid(code))
      #expect(links.map(\.seq) == [1])
      #expect(links.first?.entries.contains(" removed") == false)
    }
    let listed = try store.count("SELECT count(*) FROM audit_link")
    #expect(listed == 2)
    // And a change of that history is named from then on.
    let submit = try store.statusRow(Self.canceled, event: "submit")
    try store.tamper("UPDATE status_history SET at = '2020-01-01T00:00:00.000Z' WHERE id = \(submit)")
    let output = try expectBroken(store, Self.canceled)
    #expect(output.contains("status_history row \(submit) differs from what link 1 recorded"), "\(output)")
  }

  /// A store chained by schema 14 (links found by gid) keeps every link when schema 15 moves
  /// them under each policy's first row: nothing is chained twice, and a change is still named.
  @Test(arguments: TestStore.all) func aStoreChainedBySchema14KeepsItsLinksThroughTheUpgrade(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let gid = try store.gid(Self.canceled)
    let before = try store.links(gid)
    let count = try store.count("SELECT count(*) FROM audit_link")
    let schema14 =
      "CREATE TABLE audit_link (id \(kind == .sqlite ? "INTEGER PRIMARY KEY" : "bigint PRIMARY KEY"), "
      + "gid text NOT NULL, seq bigint NOT NULL, at text NOT NULL, entries text NOT NULL, link text NOT NULL, "
      + "UNIQUE (gid, seq));"
    try store.tamper(StoreFixture.backToSchema15)
    try store.tamper(
      "CREATE TABLE links_then AS SELECT id, gid, seq, at, entries, link FROM audit_link; DROP TABLE audit_link; "
        + schema14 + "INSERT INTO audit_link SELECT * FROM links_then; DROP TABLE links_then; "
        + "DELETE FROM schema_migrations WHERE version = 15;")
    let opened = try store.verify()
    #expect(opened.exitCode == 0, "\(opened.stdout)\(opened.stderr)")
    #expect(opened.stderr.contains("to schema version 15 ("), "\(opened.stderr)")
    #expect(try store.count("SELECT count(*) FROM audit_link") == count, "no policy is chained again")
    #expect(try store.links(gid).map(\.link) == before.map(\.link))
    // A PolicyFlow from before the upgrade, still running, cannot append a link no chain has.
    #expect(throws: (any Error).self) {
      try TestStore.connect(store.db).execute(
        "INSERT INTO audit_link (gid, seq, at, entries, link) VALUES ('\(gid)', 99, 'x', '', 'x')", [])
    }
    let submit = try store.statusRow(Self.canceled, event: "submit")
    try store.tamper("UPDATE status_history SET actor = 'someone else' WHERE id = \(submit)")
    let output = try expectBroken(store, Self.canceled)
    #expect(output.contains("status_history row \(submit) differs from what link"), "\(output)")
  }

  // MARK: - Progress

  /// A progress bar on a terminal (a pseudo-terminal from `script`), cleared before the summary;
  /// none with --quiet or --json, and none in a pipe.
  @Test func verifyShowsProgressOnlyOnATerminal() throws {
    let store = try twoPolicies(.sqlite)
    func onTerminal(_ arguments: [String]) throws -> String {
      let command = ([PolicyFlowBinary.executable.path] + arguments + ["--db", store.db, "--as", "tester"]).map {
        "'\($0)'"
      }.joined(separator: " ")
      let result = try PolicyFlowBinary.run(
        ["-qec", command, "/dev/null"], program: URL(fileURLWithPath: "/usr/bin/script"))
      #expect(result.exitCode == 0, "\(result.stdout)")
      return result.stdout
    }
    let screen = try onTerminal(["audit", "verify"])
    #expect(screen.contains("Verifying 2/2 policies ["), "\(screen)")
    #expect(screen.contains("] 100%\r\u{1B}[2K"), "the bar is cleared: \(screen)")
    #expect(screen.contains("every chain is intact."))
    for quiet in [["audit", "verify", "--quiet"], ["audit", "verify", "--json"]] {
      #expect(!(try onTerminal(quiet)).contains("Verifying"), "\(quiet)")
    }
    let piped = try store.run(["audit", "verify", "--as", "tester"])
    #expect(piped.exitCode == 0)
    #expect(!piped.stderr.contains("Verifying"), "no bar in a pipe: \(piped.stderr)")
  }

  // MARK: - The status a policy shows

  /// The policy's current status lives in `policy`, which no chain covers: a decision changed
  /// there is what `policies list` and `show` print, and `audit verify` does not notice.
  @Test(arguments: TestStore.all) func aCurrentStatusChangedBehindTheEnginesBackIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    try store.tamper("UPDATE policy SET status = 'Approved' WHERE code = '\(Self.canceled)'")
    #expect(try store.show(Self.canceled)[path: "status"] == "Approved", "what users now see")
    let verified = try store.verify()
    #expect(verified.exitCode == 1, "\(verified.stdout)")
  }
}
