import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// `policies replay` and `catalog diff` against a stored snapshot, through the binary on both
/// stores: the issue's story of a lowered threshold, from failing tests to the policies it moves.
@Suite(.serialized) struct PoliciesReplayTests {
  /// The shipped examples imported, submitted and processed by `worker --drain`: 2 Approved
  /// (GP-2026-000201, HP-2026-000101 with a sum assured of 250,000.00), 5 Pended, 6 Edit.
  func book(_ kind: TestStore) throws -> StoreFixture {
    let store = try StoreFixture(kind)
    try store.succeed(["policies", "import", StoreFixture.examples.path, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    return store
  }

  /// A copy of the shipped catalog whose automatic acceptance stops at 200,000.00 instead of
  /// 500,000.00.
  func lowerLimit() throws -> URL {
    let directory = try TestCommandTests.catalogCopy()
    try TestCommandTests.replace(
      #"{ ">": [{ "var": "sumAssured" }, 50000000] }"#, with: #"{ ">": [{ "var": "sumAssured" }, 20000000] }"#,
      in: directory.appendingPathComponent("rules/underwriting.json"))
    return directory
  }

  /// Every row of every table of the store, to prove that a command wrote nothing.
  func everyRow(_ store: StoreFixture) throws -> String {
    let tables = try store.query(
      store.kind == .sqlite
        ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        : "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    ) { try $0.string(at: 0) }
    #expect(tables.contains("cycle") && tables.contains("catalog_snapshot") && tables.contains("status_history"))
    return try tables.map { table in
      "\(table):\n"
        + (try store.query("SELECT * FROM \(table) ORDER BY 1") { row in
          (0..<row.columnCount).map { "\(row.value(at: $0))" }.joined(separator: "|")
        }.joined(separator: "\n"))
    }.joined(separator: "\n--\n")
  }

  @Test(arguments: TestStore.all) func aLowerLimitMovesExactlyTheApprovedPoliciesAboveIt(_ kind: TestStore) throws {
    let store = try book(kind)
    let candidate = try lowerLimit()
    defer { try? FileManager.default.removeItem(at: candidate) }
    // The catalog's own tests catch the change first.
    let tests = try PolicyFlowBinary.run(["test", "--catalog", candidate.path], in: candidate)
    #expect(tests.exitCode == 1)
    #expect(tests.stdout.contains("FAIL"))

    let before = try everyRow(store)
    let result = try store.succeed(["policies", "replay", "--catalog", candidate.path, "--as", "tester"])
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines[0].hasPrefix("Replayed 13 policies with the catalog in \(candidate.path) (sha256:"))
    #expect(lines[0].hasSuffix(": 1 would change outcome."))
    #expect(
      Array(lines[2...6]) == [
        "RECORDED → NEW  Approved  Pended  Edit  total",
        "Approved        1         1       0     2",
        "Pended          0         5       0     5",
        "Edit            0         0       6     6",
        "none            0         0       0     0",
      ])
    #expect(lines.contains { $0.wholeMatch(of: /SUM_ASSURED_ABOVE_LIMIT +1 +4/) != nil })
    #expect(lines.contains { $0.wholeMatch(of: /UNDERWRITER_REFERRAL +2 +2/) != nil })
    #expect(
      lines.suffix(3) == [
        "POLICY          VERSION  STATUS    RECORDED  NEW     FLOW",
        "HP-2026-000101  1        Approved  Approved  Pended  INDIVIDUAL_HEALTH", "",
      ])
    #expect(result.stderr.isEmpty)

    let json = try JSON(
      parsing: try store.succeed(["policies", "replay", "--catalog", candidate.path, "--json", "--as", "tester"]).stdout
    )
    #expect(json[path: "replayed"] == 13)
    #expect(json[path: "changed"] == 1)
    #expect(json[path: "catalog.directory"] == .string(candidate.path))
    #expect(json[path: "catalog.hash"]?.stringValue?.hasPrefix("sha256:") == true)
    #expect(json[path: "at"]?.stringValue != nil)
    #expect(json[path: "matrix.Approved"] == ["Approved": 1, "Pended": 1, "Edit": 0])
    #expect(json[path: "matrix.none"] == ["Approved": 0, "Pended": 0, "Edit": 0])
    #expect(
      json[path: "rules"]?.arrayValue?.first { $0[path: "rule"] == "SUM_ASSURED_ABOVE_LIMIT" }
        == ["rule": "SUM_ASSURED_ABOVE_LIMIT", "now": 1, "would": 4])
    #expect(
      json[path: "changes"] == [
        [
          "code": "HP-2026-000101", "version": 1, "status": "Approved", "recorded": "Approved", "new": "Pended",
          "flow": "INDIVIDUAL_HEALTH", "recordedRules": ["AGE_AT_START_RECORDED"],
          "newRules": ["AGE_AT_START_RECORDED", "SUM_ASSURED_ABOVE_LIMIT"], "failingRules": [],
        ]
      ])
    #expect(json[path: "ruleErrors"] == [])
    #expect(json[path: "leftOut"] == [])
    #expect(json[path: "unreadable"] == [])

    // The catalog as it is changes nothing.
    let same = try JSON(
      parsing: try store.succeed(["policies", "replay", "--catalog", ".", "--json", "--as", "tester"]).stdout)
    #expect(same[path: "changed"] == 0)
    #expect(same[path: "matrix.Approved"] == ["Approved": 2, "Pended": 0, "Edit": 0])
    #expect(try everyRow(store) == before, "a replay writes nothing: no cycle, no history, no snapshot")
  }

  /// A rule that cannot be evaluated sends policies to Edit with a fatal RULE_ERROR naming it: the
  /// replay lists it apart, with its error, rather than as the rule firing on them.
  @Test(arguments: TestStore.all) func aRuleThatFailsIsListedApartWithItsError(_ kind: TestStore) throws {
    let store = try book(kind)
    let candidate = try TestCommandTests.catalogCopy()
    defer { try? FileManager.default.removeItem(at: candidate) }
    try TestCommandTests.replace(
      #"{ ">": [{ "var": "sumAssured" }, 50000000] }"#, with: #"{ ">": [{ "var": "startDate" }, 50000000] }"#,
      in: candidate.appendingPathComponent("rules/underwriting.json"))
    let text = try store.succeed(["policies", "replay", "--catalog", candidate.path, "--as", "tester"]).stdout
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.wholeMatch(of: /SUM_ASSURED_ABOVE_LIMIT +1 +0/) != nil }, "\(text)")
    let failing = try #require(
      lines.firstIndex(
        of: "Rules of the candidate that fail (a fatal RULE_ERROR or CALCULATION_ERROR sends the policy to Edit):"),
      "\(text)"
    )
    #expect(lines[failing + 1].hasPrefix("  SUM_ASSURED_ABOVE_LIMIT on "), "\(text)")
    #expect(lines[failing + 1].contains("cannot compare"), "\(text)")
    let json = try JSON(
      parsing: try store.succeed(["policies", "replay", "--catalog", candidate.path, "--json", "--as", "tester"])
        .stdout)
    let failure = try #require(json[path: "ruleErrors.0"])
    #expect(failure[path: "rule"] == "SUM_ASSURED_ABOVE_LIMIT")
    #expect(failure[path: "error"]?.stringValue?.contains("cannot compare") == true, "\(failure)")
    let changes = json[path: "changes"]?.arrayValue ?? []
    #expect(!changes.isEmpty)
    for change in changes {
      #expect(change[path: "new"] == "Edit", "\(change)")
      #expect(change[path: "failingRules"] == ["SUM_ASSURED_ABOVE_LIMIT"], "\(change)")
      #expect(change[path: "newRules"]?.arrayValue?.contains("SUM_ASSURED_ABOVE_LIMIT") == false, "\(change)")
    }
    guard case .int(let failed)? = failure[path: "would"] else {
      Issue.record("no count: \(failure)")
      return
    }
    #expect(failed >= changes.count, "every changed policy failed on the rule")
  }

  /// A premium line of the candidate that cannot be evaluated (a CALCULATION_ERROR) is listed
  /// with the rules that fail: it was counted as a rule that fires, its error nowhere (rule
  /// author trial).
  @Test func aPremiumLineThatFailsIsListedApartWithItsError() throws {
    let store = try book(.sqlite)
    let candidate = try TestCommandTests.catalogCopy()
    defer { try? FileManager.default.removeItem(at: candidate) }
    try TestCommandTests.replace(
      #""amount": 2500, "refundable": false"#,
      with: #""amount": { "*": [{ "var": "policyFee" }, 1] }, "refundable": false"#,
      in: candidate.appendingPathComponent("flows/individual-health.json"))
    let json = try JSON(
      parsing: try store.succeed(["policies", "replay", "--catalog", candidate.path, "--json", "--as", "tester"])
        .stdout)
    let failure = try #require(json[path: "ruleErrors.0"], "\(json)")
    #expect(failure[path: "rule"] == "(calculation POLICY_FEE)")
    #expect(failure[path: "error"]?.stringValue?.contains("POLICY_FEE") == true, "\(failure)")
    for change in json[path: "changes"]?.arrayValue ?? [] {
      #expect(change[path: "failingRules"] == ["(calculation POLICY_FEE)"], "\(change)")
      #expect(change[path: "newRules"]?.arrayValue?.contains("(calculation POLICY_FEE)") == false, "\(change)")
    }
    let fee = json[path: "rules"]?.arrayValue?.first { $0[path: "rule"] == "(calculation POLICY_FEE)" }
    #expect(fee == nil || fee?[path: "would"] == 0, "not a rule that fires: \(String(describing: fee))")
    #expect(json[path: "changed"]?.number ?? 0 > 0, "the approved health policies go to Edit")
  }

  /// A new fee moves no outcome, but what an approved policy costs: replay names each one with
  /// its premium now and as the candidate would calculate it, and the difference in total.
  @Test(arguments: TestStore.all) func aChangedFeeShowsWhatApprovedPoliciesWouldCost(_ kind: TestStore) throws {
    let store = try book(kind)
    let candidate = try TestCommandTests.catalogCopy()
    defer { try? FileManager.default.removeItem(at: candidate) }
    try TestCommandTests.replace(
      #""code": "POLICY_FEE", "description": "Policy fee", "amount": 2500"#,
      with: #""code": "POLICY_FEE", "description": "Policy fee", "amount": 3000"#,
      in: candidate.appendingPathComponent("flows/individual-health.json"))
    let text = try store.succeed(["policies", "replay", "--catalog", candidate.path, "--as", "tester"]).stdout
    #expect(text.contains(": 0 would change outcome."), "\(text)")
    #expect(
      text.contains(
        """
        1 approved policy would be priced differently (in total +6.04 EUR):
        POLICY          VERSION  PREMIUM NOW  WOULD BE     DIFFERENCE  LINES
        HP-2026-000101  1        1799.88 EUR  1805.92 EUR  +6.04 EUR   POLICY_FEE, PREMIUM_TAX
        """), "the fee's 5.00 and the tax on it: \(text)")
    let json = try JSON(
      parsing: try store.succeed(["policies", "replay", "--catalog", candidate.path, "--json", "--as", "tester"])
        .stdout)
    #expect(json[path: "premiumChanged"] == 1)
    #expect(json[path: "premiumDifference.EUR"] == 604)
    #expect(json[path: "premiumChanges.0.code"] == "HP-2026-000101")
    #expect(json[path: "premiumChanges.0.recorded"] == 179_988)
    #expect(json[path: "premiumChanges.0.new"] == 180_592)
    #expect(json[path: "premiumChanges.0.lines"] == ["POLICY_FEE", "PREMIUM_TAX"])

    // The same total from other lines (the fee under another code) is listed too, with no
    // difference: replay said nothing of lines whose total stayed (rule author trial).
    let renamed = try TestCommandTests.catalogCopy()
    defer { try? FileManager.default.removeItem(at: renamed) }
    let flow = renamed.appendingPathComponent("flows/individual-health.json")
    try String(contentsOf: flow, encoding: .utf8).replacingOccurrences(of: "POLICY_FEE", with: "ADMIN_FEE")
      .write(to: flow, atomically: true, encoding: .utf8)
    let moved = try JSON(
      parsing: try store.succeed(["policies", "replay", "--catalog", renamed.path, "--json", "--as", "tester"]).stdout)
    #expect(moved[path: "premiumChanged"] == 1, "\(moved)")
    #expect(moved[path: "premiumChanges.0.difference"] == 0)
    #expect(moved[path: "premiumChanges.0.lines"] == ["ADMIN_FEE", "POLICY_FEE"])

    // The shipped catalog prices every policy as recorded.
    let shipped = try TestCommandTests.catalogCopy()
    defer { try? FileManager.default.removeItem(at: shipped) }
    let same = try store.succeed(["policies", "replay", "--catalog", shipped.path, "--json", "--as", "tester"]).stdout
    #expect(try JSON(parsing: same)[path: "premiumChanged"] == 0)
  }

  @Test(arguments: TestStore.all) func statusAndFlowSelectTheVersionsReplayed(_ kind: TestStore) throws {
    let store = try book(kind)
    let candidate = try lowerLimit()
    defer { try? FileManager.default.removeItem(at: candidate) }
    func replay(_ options: [String]) throws -> JSON {
      try JSON(
        parsing: try store.succeed(
          ["policies", "replay", "--catalog", candidate.path, "--json", "--as", "tester"] + options
        ).stdout)
    }
    let approved = try replay(["--status", "Approved"])
    #expect(approved[path: "replayed"] == 2)
    #expect(approved[path: "changed"] == 1)
    let notApproved = try replay(["--status", "Pended", "--status", "Edit"])
    #expect(notApproved[path: "replayed"] == 11)
    #expect(notApproved[path: "changed"] == 0)
    let groups = try replay(["--flow", "EMPLOYER_GROUP"])
    #expect(groups[path: "replayed"] == 4)
    #expect(groups[path: "changed"] == 0)
    let health = try replay(["--flow", "INDIVIDUAL_HEALTH", "--status", "Approved"])
    #expect(health[path: "replayed"] == 1)
    #expect(health[path: "changes.0.code"] == "HP-2026-000101")
    // A policy edited since (version 2, in Edit) was never processed: none, and no change.
    try store.succeed(["policies", "edit", "GP-2026-000201", "--set", "maxUsers=80", "--as", "tester"])
    let edited = try replay(["--status", "Edit"])
    #expect(edited[path: "replayed"] == 7)
    let none = edited[path: "matrix.none"]?.objectValue?.map { $0.1.number ?? 0 } ?? []
    #expect(none.reduce(0, +) == 1)
    #expect(edited[path: "matrix.Edit"] == ["Approved": 0, "Pended": 0, "Edit": 6])
    #expect(edited[path: "changed"] == 0)

    let invalid = try store.run(["policies", "replay", "--catalog", candidate.path, "--status", "Aproved"])
    #expect(invalid.exitCode == 64)
    #expect(
      invalid.stderr.hasPrefix("Error: Invalid value 'Aproved' for '--status <status>'. Did you mean 'Approved'?"))
    let missing = try store.run(["policies", "replay", "--as", "tester"])
    #expect(missing.exitCode == 64)
    #expect(missing.stderr.hasPrefix("Error: Missing expected argument '--catalog <dir>'."))
  }

  /// A Canceled version is not processed again unless edited: a declined application whose pend
  /// the candidate would not raise was counted as an outcome the candidate changes (auditor
  /// trial). Left out by default, said on stderr, and replayed when asked for.
  @Test(arguments: TestStore.all) func canceledVersionsAreLeftOutUnlessAskedFor(_ kind: TestStore) throws {
    let store = try book(kind)
    let candidate = try TestCommandTests.catalogCopy()
    defer { try? FileManager.default.removeItem(at: candidate) }
    try TestCommandTests.replace(
      #"{ ">": [{ "var": "sumAssured" }, 50000000] }"#, with: #"{ ">": [{ "var": "sumAssured" }, 90000000000] }"#,
      in: candidate.appendingPathComponent("rules/underwriting.json"))
    func replay(_ options: [String] = []) throws -> (json: JSON, stderr: String) {
      let result = try store.succeed(
        ["policies", "replay", "--catalog", candidate.path, "--json", "--as", "tester"] + options)
      return (try JSON(parsing: result.stdout), result.stderr)
    }
    let open = try replay()
    let codes = (open.json[path: "changes"]?.arrayValue ?? []).compactMap { $0[path: "code"]?.stringValue }
    #expect(codes.contains("HP-2026-000102"), "pended for its sum only: \(codes)")
    #expect(open.json[path: "canceledLeftOut"] == 0)
    #expect(!open.stderr.contains("Canceled"), "\(open.stderr)")

    try store.succeed(["users", "add", "uw", "--roles", "underwriter", "--as", "tester"])
    try store.succeed(["policies", "decline", "HP-2026-000102", "--reason", "risk declined", "--as", "uw"])
    let declined = try replay()
    #expect(declined.json[path: "replayed"] == .int((open.json[path: "replayed"]?.number).map { Int($0) - 1 } ?? 0))
    #expect(
      !(declined.json[path: "changes"]?.arrayValue ?? []).contains { $0[path: "code"] == "HP-2026-000102" },
      "\(declined.json)")
    #expect(declined.json[path: "canceledLeftOut"] == 1)
    #expect(
      declined.stderr.contains(
        "Note: left out 1 Canceled version: none is processed again unless edited (a new version); "
          + "'--status Canceled' replays them."), "\(declined.stderr)")
    let asked = try replay(["--status", "Canceled"])
    #expect(asked.json[path: "replayed"] == 1)
    #expect(asked.json[path: "changes.0.code"] == "HP-2026-000102")
    #expect(!asked.stderr.contains("left out"), "\(asked.stderr)")
  }

  @Test(arguments: TestStore.all) func aUserReplaysOnlyThePoliciesOfItsGroups(_ kind: TestStore) throws {
    let store = try book(kind)
    try store.importCopies(
      [("DAG-1", "north"), ("DAG-2", "south"), ("DAG-3", "south"), ("DAG-4", nil)], submit: true)
    try store.succeed(["worker", "--drain"])
    try store.addUsers([("nora", ["--groups", "north,brightwater-hr,rcw-personal"])])
    let candidate = try lowerLimit()
    defer { try? FileManager.default.removeItem(at: candidate) }

    let nora = try store.succeed(["policies", "replay", "--catalog", candidate.path, "--json", "--as", "nora"])
    let json = try JSON(parsing: nora.stdout)
    #expect(json[path: "replayed"] == 15)
    #expect(json[path: "changes"]?.arrayValue?.map { $0[path: "code"] } == ["DAG-1", "DAG-4", "HP-2026-000101"])
    #expect(json[path: "leftOut"] == [["group": "south", "policies": 2]])
    #expect(nora.stderr == "Note: left out 2 policies in data access groups 'nora' does not hold: south (2).\n")

    let admin = try JSON(
      parsing: try store.succeed(["policies", "replay", "--catalog", candidate.path, "--json", "--as", "tester"]).stdout
    )
    #expect(admin[path: "changed"] == 5)
    #expect(admin[path: "leftOut"] == [])
    let firstTwo = try store.succeed([
      "policies", "replay", "--catalog", candidate.path, "--limit", "2", "--as", "tester",
    ])
    #expect(
      firstTwo.stdout.hasSuffix(
        """
        POLICY  VERSION  STATUS    RECORDED  NEW     FLOW
        DAG-1   1        Approved  Approved  Pended  INDIVIDUAL_HEALTH
        DAG-2   1        Approved  Approved  Pended  INDIVIDUAL_HEALTH
        (the first 2 of 5 by code; --limit N shows more, --json lists all)

        """))

    let stranger = try store.run(["policies", "replay", "--catalog", candidate.path, "--as", "stranger"])
    #expect(stranger.exitCode == 77)
    #expect(stranger.stderr.hasPrefix("Error: User 'stranger' is not known to this store"))
    #expect(
      stranger.stderr.contains("act as a user it knows with --as NAME (or POLICYFLOW_USER)"),
      "a read-only command says how to name a user: \(stranger.stderr)")
    #expect(stranger.stdout.isEmpty)
  }

  /// Progress goes to a terminal only (above, stderr stays empty in a pipe), and is cleared
  /// before the report.
  @Test func aTerminalShowsProgress() throws {
    let store = try book(.sqlite)
    let command = [
      PolicyFlowBinary.executable.path, "policies", "replay", "--catalog", ".", "--db", store.db, "--as", "tester",
    ]
    .map { "'\($0)'" }.joined(separator: " ")
    let result = try PolicyFlowBinary.run(
      ["-qec", command, "/dev/null"], environment: ["NO_COLOR": "1"], program: URL(fileURLWithPath: "/usr/bin/script"))
    #expect(result.exitCode == 0, "\(result.stdout)")
    #expect(
      result.stdout.hasPrefix("\rReplaying: 13 replayed, of 13 current versions in the store\r\u{1B}[2KReplayed 13"))
  }

  @Test(arguments: TestStore.all) func catalogDiffComparesTheStoredSnapshotWithADirectory(_ kind: TestStore) throws {
    let store = try book(kind)
    let candidate = try lowerLimit()
    defer { try? FileManager.default.removeItem(at: candidate) }
    let hash = try #require(try store.query("SELECT hash FROM catalog_snapshot") { try $0.string(at: 0) }.first)
    let short = "sha256:" + hash.dropFirst(7).prefix(12)
    for from in [hash, String(hash.dropFirst(7).prefix(10))] {
      let result = try store.succeed(["catalog", "diff", "--from", from, "--to", candidate.path])
      #expect(
        result.stdout == """
          \(candidate.path)/rules/underwriting.json:102:5: changed pend rule SUM_ASSURED_ABOVE_LIMIT: condition
          0 added, 0 removed, 1 changed

          """)
    }
    let reverse = try store.succeed(["catalog", "diff", "--from", candidate.path, "--to", hash, "--json"])
    let json = try JSON(parsing: reverse.stdout)
    #expect(json[path: "to"] == ["directory": .null, "hash": .string(hash)])
    #expect(json[path: "changes.0.file"] == .string("\(short)/rules/underwriting.json"))

    let unknown = try store.run(["catalog", "diff", "--from", "sha256:nothing", "--to", candidate.path])
    #expect(unknown.exitCode == 65)
    #expect(unknown.stderr.hasPrefix("Error: no catalog snapshot in the store at "))
    #expect(
      unknown.stderr.contains("has the hash 'sha256:nothing' (nor is it a directory); it holds 1:\n  \(hash) (stored "))
  }
}
