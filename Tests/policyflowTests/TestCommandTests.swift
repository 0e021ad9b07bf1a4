import Foundation
import PolicyFlowCore
import Testing

/// `policyflow test` through the binary: the shipped catalog's tests, a changed threshold, bad
/// test files, JUnit and coverage.
struct TestCommandTests {
  /// A copy of the shipped catalog with its tests and the example policies they name, in a
  /// fresh directory the test may change.
  static func catalogCopy() throws -> URL {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    for folder in ["flows", "rules", "tests", "examples"] {
      try FileManager.default.copyItem(
        at: PolicyFlowBinary.packageRoot.appendingPathComponent(folder),
        to: directory.appendingPathComponent(folder))
    }
    return directory
  }

  static func replace(_ old: String, with new: String, in file: URL) throws {
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.contains(old))
    try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
  }

  /// A command run with `--json` on a catalog that does not load gives the catalog's findings in
  /// its JSON, not only on stderr.
  @Test func aCatalogThatDoesNotLoadGivesItsFindingsInJSON() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.copyItem(
      at: PolicyFlowBinary.packageRoot.appendingPathComponent("rules"), to: directory.appendingPathComponent("rules"))
    try FileManager.default.createDirectory(
      at: directory.appendingPathComponent("flows"), withIntermediateDirectories: true)
    try "{".write(to: directory.appendingPathComponent("flows/broken.json"), atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run(["test", "--catalog", directory.path, "--json"])
    #expect(result.exitCode == 65)
    let report = try JSON(parsing: result.stdout)
    #expect(report[path: "exitCode"] == 65)
    #expect(report[path: "findings.0.file"] == .string(directory.appendingPathComponent("flows/broken.json").path))
    #expect(report[path: "findings.0.line"] == 1)
    #expect(report[path: "findings.0.severity"] == "error")
  }

  @Test func theShippedCatalogsTestsPass() throws {
    let result = try PolicyFlowBinary.run(["test"])
    #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.isEmpty)
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(lines.last?.wholeMatch(of: /\d+ passed, 0 failed/) != nil)
  }

  /// The issue's story: a threshold changes, the tests say which case broke and how.
  /// A test sent to Edit by a rule the change made fail says which fatal messages sent it there
  /// and the first one's sentence: it said "got Edit" and nothing of why (rule author trial).
  @Test func aFailureThatEndsInEditNamesTheFatalMessages() throws {
    let directory = try Self.catalogCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.replace(
      #"{ ">=": [{ "age_at": [{ "var": "policyholder.dateOfBirth" }, { "var": "startDate" }] }, 65] }"#,
      with: #"{ ">=": [{ "var": "policyholder.dateOfBirth" }, 65] }"#,
      in: directory.appendingPathComponent("rules/underwriting.json"))
    let result = try PolicyFlowBinary.run(["test"], in: directory)
    #expect(result.exitCode == 1)
    let failure = try #require(result.stdout.split(separator: "\n").first { $0.contains("FAIL") }, "\(result.stdout)")
    #expect(failure.contains("got Edit (fatal RULE_ERROR of SENIOR_APPLICANT: "), "\(failure)")
  }

  @Test func aChangedThresholdFailsTheBoundaryCaseWithADiff() throws {
    let directory = try Self.catalogCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    let rules = directory.appendingPathComponent("rules/underwriting.json")
    try Self.replace(#"{ ">=": [{ "age_at""#, with: #"{ ">": [{ "age_at""#, in: rules)
    let junit = directory.appendingPathComponent("junit.xml").path
    let result = try PolicyFlowBinary.run(["test", "--junit", junit], in: directory)
    #expect(result.exitCode == 1)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.first
        == "tests/individual-health-underwriting.json:26:19: FAIL [65 on the start date] status: expected Pended, "
        + "got Approved; messages: missing MSG_SENIOR_APPLICANT (got MSG_AGE_AT_START); pendReasons: missing "
        + "UNDERWRITER_REFERRAL (got none)")
    #expect(lines.count == 2)
    #expect(lines.last?.wholeMatch(of: /\d+ passed, 1 failed/) != nil)
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    #expect(xml.contains(#"failures="1""#))
    // A report named without a folder goes to the working directory.
    let relative = try PolicyFlowBinary.run(["test", "--junit", "report.xml"], in: directory)
    #expect(relative.exitCode == 1, "\(relative.stderr)")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("report.xml").path))
    #expect(
      xml.contains(#"<testcase classname="tests/individual-health-underwriting.json" name="65 on the start date""#))

    let json = try JSON(
      parsing: try PolicyFlowBinary.run(["test", "--json", "--filter", "ON THE START DATE"], in: directory).stdout)
    #expect(json[path: "failed"] == 1)
    #expect(json[path: "passed"] == 6)
    let failing = try #require(json[path: "tests"]?.arrayValue?.first { $0[path: "passed"] == false })
    #expect(failing[path: "case"] == "65 on the start date")
    #expect(
      failing[path: "differences.0"] == [
        "member": "status", "expected": "Pended", "actual": "Approved", "missing": [], "unexpected": [], "line": 26,
        "column": 19,
      ])
  }

  @Test func invalidTestFilesAreFindingsAndNothingRuns() throws {
    let directory = try Self.catalogCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.replace(
      #""pendReasons": ["GROUP_SETUP_REVIEW"]"#, with: #""pendReasons": ["GROUP_SETUP_REVEIW"]"#,
      in: directory.appendingPathComponent("tests/employer-group.json"))
    let result = try PolicyFlowBinary.run(["test"], in: directory)
    #expect(result.exitCode == 65)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr == """
        tests/employer-group.json:98:25: error: unknown pend reason 'GROUP_SETUP_REVEIW' in the expectation; did \
        you mean 'GROUP_SETUP_REVIEW'?
        Error: the tests have 1 problem; nothing was run.

        """)
    let broken = CatalogCommandTests.fixtures.appendingPathComponent("unknown-rule").path
    let invalidCatalog = try PolicyFlowBinary.run(["test", "--catalog", broken], in: directory)
    #expect(invalidCatalog.exitCode == 65)
    #expect(invalidCatalog.stderr.contains("error: unknown rule"))
    #expect(invalidCatalog.stdout.isEmpty)
    let missing = try PolicyFlowBinary.run(["test", "tests/nothing-here.json"], in: directory)
    #expect(missing.exitCode == 65)
    #expect(missing.stderr.hasPrefix("tests/nothing-here.json:1:1: error: no such test file or directory; "))
  }

  /// A run that cannot start still writes its JUnit report, with an error per problem: CI that
  /// publishes the report showed nothing (or the last run's) when the catalog or a test was broken.
  @Test func aRunThatCannotStartWritesItsProblemsToTheJUnitReport() throws {
    let directory = try Self.catalogCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.replace(
      #""pendReasons": ["GROUP_SETUP_REVIEW"]"#, with: #""pendReasons": ["GROUP_SETUP_REVEIW"]"#,
      in: directory.appendingPathComponent("tests/employer-group.json"))
    let result = try PolicyFlowBinary.run(["test", "--junit", "report.xml"], in: directory)
    #expect(result.exitCode == 65)
    let xml = try String(contentsOf: directory.appendingPathComponent("report.xml"), encoding: .utf8)
    #expect(xml.contains(#"<testsuites name="policyflow test" tests="1" failures="0" errors="1">"#), "\(xml)")
    #expect(
      xml.contains(
        #"<testcase classname="tests/employer-group.json" name="tests/employer-group.json:98" "#
          + #"file="tests/employer-group.json" line="98">"#), "\(xml)")
    #expect(xml.contains(#"<error message="unknown pend reason &apos;GROUP_SETUP_REVEIW&apos; in the expectation"#))

    let broken = CatalogCommandTests.fixtures.appendingPathComponent("unknown-rule").path
    let invalidCatalog = try PolicyFlowBinary.run(
      ["test", "--catalog", broken, "--junit", "catalog.xml"], in: directory)
    #expect(invalidCatalog.exitCode == 65)
    let catalogXML = try String(contentsOf: directory.appendingPathComponent("catalog.xml"), encoding: .utf8)
    #expect(catalogXML.contains("<error message=\"unknown rule"), "\(catalogXML)")
  }

  /// A test file with an unknown key is still read for its other problems, all named at once (an
  /// unknown key hid the rest); a value of the wrong kind is named once, not also as missing; a
  /// case may not set a field reserved for the engine; `--json` gives the findings too.
  @Test func everyProblemOfATestFileIsNamedAtOnce() throws {
    let directory = try Self.catalogCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("tests/smoker.json")
    try """
    {
      "policy": "../examples/policies/health-approved.json",
      "cases": [
        { "name": "a", "expect": { "stauts": "Edit", "messages": ["MSG_SMOKR"], "step": "fraud" } },
        { "name": "b", "set": { "gid": "abc" }, "expect": { "status": "Edit" } },
        { "name": "c", "expect": { "messages": "MSG_AGE_AT_START" } },
        { "name": "d", "expect": { "derived": {} } }
      ]
    }
    """.write(to: file, atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run(["test", "tests/smoker.json"], in: directory)
    #expect(result.exitCode == 65)
    let lines = result.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 7, "\(result.stderr)")
    #expect(
      lines.contains { $0.hasPrefix("tests/smoker.json:7:30: error: the expectation checks nothing") },
      "an expectation of known keys that checks nothing: \(result.stderr)")
    #expect(lines.first?.hasPrefix("tests/smoker.json:4:32: error: unknown key 'stauts' in expectation") == true)
    #expect(lines.contains { $0.hasPrefix("tests/smoker.json:4:63: error: unknown message 'MSG_SMOKR'") })
    #expect(lines.contains { $0.hasPrefix("tests/smoker.json:4:85: error: unknown step 'fraud'") })
    #expect(
      lines.contains(
        "tests/smoker.json:5:29: error: cannot set 'gid': 'gid' is reserved for the engine (the engine issues it "
          + "when the policy is created); remove it"), "\(result.stderr)")
    #expect(
      lines.contains("tests/smoker.json:6:44: error: 'messages' must be an array, found string \"MSG_AGE_AT_START\""),
      "named once, not also as an expectation that checks nothing: \(result.stderr)")
    #expect(lines.last == "Error: the tests have 6 problems; nothing was run.")
    let json = try PolicyFlowBinary.run(["test", "tests/smoker.json", "--json"], in: directory)
    #expect(json.exitCode == 65)
    let report = try JSON(parsing: json.stdout)
    #expect(report[path: "findings"]?.arrayValue?.count == 6, "\(json.stdout)")
    #expect(report[path: "findings.0.line"] == 4)
  }

  /// Tests named by their path from outside their catalog: the catalog is still read from
  /// --catalog (the current directory), and the error says where the tests' catalog is.
  @Test func testsRunFromOutsideTheirCatalogSayWhichCatalogTheyAreIn() throws {
    let directory = try Self.catalogCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    let outside = directory.deletingLastPathComponent()
    let name = directory.lastPathComponent
    let result = try PolicyFlowBinary.run(["test", "\(name)/tests/employer-group.json"], in: outside)
    #expect(result.exitCode == 65)
    #expect(
      result.stderr.contains(
        "Note: the catalog is read from --catalog (here .), not from where the tests are; the tests given are in the "
          + "catalog \(name): 'policyflow test --catalog \(name)'."), "\(result.stderr)")
    let folder = try PolicyFlowBinary.run(["test", "\(name)/tests"], in: outside)
    #expect(folder.stderr.contains("'policyflow test --catalog \(name)'"), "a folder of tests: \(folder.stderr)")
    let right = try PolicyFlowBinary.run(
      ["test", "--catalog", name, "\(name)/tests/employer-group.json"], in: outside)
    #expect(right.exitCode == 0, "\(right.stderr)")
    // The catalog given is the tests' own, broken: no hint to give it again.
    try "{".write(to: directory.appendingPathComponent("flows/employer-group.json"), atomically: true, encoding: .utf8)
    let broken = try PolicyFlowBinary.run(
      ["test", "--catalog", "./\(name)", "\(name)/tests/employer-group.json"], in: outside)
    #expect(broken.exitCode == 65)
    #expect(broken.stderr.contains("flows/employer-group.json:"), "the catalog is broken: \(broken.stderr)")
    #expect(!broken.stderr.contains("Note: the catalog is read from"), "\(broken.stderr)")
  }

  @Test func coverageListsEveryFlowAndStepInTextAndJSON() throws {
    let text = try PolicyFlowBinary.run(["test", "--coverage"])
    #expect(text.exitCode == 0)
    #expect(text.stdout.contains("INDIVIDUAL_HEALTH\n  10 data-quality: 11 of 11 rules fired"))
    #expect(
      text.stdout.contains("    fired in every test: AGE_AT_START_RECORDED (validation rule, rules/underwriting.json:"))
    #expect(text.stdout.contains("rules fired in some test; 0 never fired in a step"))
    let json = try JSON(parsing: try PolicyFlowBinary.run(["test", "--coverage", "--json"]).stdout)
    let steps = try #require(json[path: "coverage.steps"]?.arrayValue)
    #expect(steps.map { $0[path: "name"] } == ["data-quality", "group-review", "data-quality", "underwriting"])
    #expect(steps.allSatisfy { $0[path: "neverFired"] == [] })
    #expect(json[path: "coverage.rules.fired"] == json[path: "coverage.rules.total"])
  }

  /// Usage errors (64), told apart from failing tests (1): a filter that matches nothing, a
  /// missing value, and a JUnit report whose folder is not there (refused before any test runs).
  @Test func aFilterThatMatchesNothingAndAMissingValueAreErrors() throws {
    let none = try PolicyFlowBinary.run(["test", "--filter", "no such case"])
    #expect(none.exitCode == 64)
    #expect(none.stderr.hasPrefix("Error: No test matches --filter 'no such case' among the "))
    let report = try PolicyFlowBinary.run(["test", "--junit", "/no/such/folder/junit.xml"])
    #expect(report.exitCode == 64)
    #expect(report.stderr.hasPrefix("Error: The folder of '--junit /no/such/folder/junit.xml' does not exist"))
    #expect(report.stdout.isEmpty, "no test ran")
    let folder = try PolicyFlowBinary.run(["test", "--junit", "/tmp/"])
    #expect(folder.exitCode == 64)
    #expect(folder.stderr.hasPrefix("Error: '--junit /tmp/' names a folder; name the report's file, such as "))
    let usage = try PolicyFlowBinary.run(["test", "--filter"])
    #expect(usage.exitCode == 64)
    #expect(usage.stderr.hasPrefix("Error: Missing value for '--filter <text>'."))
  }
}
