import Foundation
import PolicyFlowCore
import Testing

/// `flows check`, `flows draw` and `policies validate` through the binary.
struct CatalogCommandTests {
  static let fixtures = PolicyFlowBinary.packageRoot.appendingPathComponent(
    "Tests/PolicyFlowCoreTests/Fixtures/catalogs")

  @Test func shippedCatalogIsValid() throws {
    let result = try PolicyFlowBinary.run(["flows", "check"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout.contains("is valid: 2 flows"))
    #expect(result.stdout.contains("Catalog hash: sha256:"))
    // Tried on examples/policies, no expression fails or rests on JsonLogic that changed (#19).
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    let json = try JSON(parsing: try PolicyFlowBinary.run(["flows", "check", "--json"]).stdout)
    #expect(json[path: "valid"] == true)
    #expect(json[path: "errors"] == 0)
    #expect(json[path: "warnings"] == 0)
    #expect(json[path: "flows"] == ["EMPLOYER_GROUP", "INDIVIDUAL_HEALTH"])
    #expect(json[path: "unsampledFlows"] == [])
  }

  /// A flow no sample runs (a new product's) passed every check on samples unseen: a note names
  /// it, and `unsampledFlows` in --json (rule author trial).
  @Test func aFlowNoSampleRunsIsNamed() throws {
    let sample = StoreFixture.examples.appendingPathComponent("health-approved.json").path
    let result = try PolicyFlowBinary.run(["flows", "check", "--sample", sample])
    #expect(result.exitCode == 0)
    #expect(
      result.stderr
        == "Note: no sample runs the flow EMPLOYER_GROUP: its rules, limits of authority and premium lines were tried "
        + "on none; add a sample policy of it (--sample FILE).\n")
    let json = try JSON(parsing: try PolicyFlowBinary.run(["flows", "check", "--sample", sample, "--json"]).stdout)
    #expect(json[path: "unsampledFlows"] == ["EMPLOYER_GROUP"])
  }

  @Test func brokenCatalogReportsEveryProblemWithItsLocationAndExits65() throws {
    let directory = CatalogCommandTests.fixtures.appendingPathComponent("many-problems").path
    let result = try PolicyFlowBinary.run(["flows", "check", "--catalog", directory])
    #expect(result.exitCode == 65)
    #expect(result.stdout.isEmpty)
    let lines = result.stderr.split(separator: "\n").map(String.init)
    #expect(
      lines.contains("\(directory)/flows/main.json:9:19: error: 'sequence' must be an integer, found string \"10\""))
    #expect(lines.contains { $0.hasPrefix("\(directory)/flows/main.json:6:3: error: unknown key 'actve'") })
    #expect(lines.contains { $0.hasPrefix("\(directory)/rules/rules.json:23:21: error: unknown pend reason 'REVEIW'") })
    #expect(lines.filter { $0.contains(": error: ") }.count == 8)
    #expect(lines.last == "Error: the catalog in \(directory) has 8 errors and 2 warnings.")
  }

  @Test func catalogDirectoryComesFromTheEnvironment() throws {
    let directory = CatalogCommandTests.fixtures.appendingPathComponent("unknown-operator").path
    let result = try PolicyFlowBinary.run(["flows", "check", "--json"], environment: ["POLICYFLOW_CATALOG": directory])
    #expect(result.exitCode == 65)
    let report = try JSON(parsing: result.stdout)
    #expect(report[path: "valid"] == false)
    #expect(report[path: "findings.0.message"]?.stringValue?.contains("sbustr") == true)
    #expect(report[path: "findings.0.line"] == 13)
  }

  @Test func drawShowsStepsAndRules() throws {
    let text = try PolicyFlowBinary.run(["flows", "draw", "INDIVIDUAL_HEALTH"])
    #expect(text.exitCode == 0)
    #expect(text.stdout.contains("20 underwriting \"Underwriting review\""))
    #expect(text.stdout.contains("pend  SUM_ASSURED_ABOVE_LIMIT"))
    // The controls on resolving pends: each role's limit of authority, and maker-checker.
    #expect(
      text.stdout.contains(
        #"(pends resolved by: underwriter within {"<=":[{"var":"sumAssured"},200000000]}, senior-underwriter; "#
          + "maker-checker: not by who made or submitted the version)"))
    let mermaid = try PolicyFlowBinary.run(["flows", "draw", "EMPLOYER_GROUP", "--format", "mermaid"])
    #expect(mermaid.stdout.hasPrefix("flowchart TD\n"))
    let unknown = try PolicyFlowBinary.run(["flows", "draw", "INDIVIDUAL_HELATH"])
    #expect(unknown.exitCode == 1)
    #expect(unknown.stderr.contains("Did you mean 'INDIVIDUAL_HEALTH'?"))
  }

  /// The text says what an approval would charge, line by line, as `--json`'s `calculation` does
  /// (it said nothing of the premium).
  @Test func validateShowsThePremiumAnApprovalWouldCharge() throws {
    let path = "examples/policies/health-approved.json"
    let result = try PolicyFlowBinary.run(["policies", "validate", "--file", path, "--at", "2026-11-22"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    let premium = try #require(lines.firstIndex(of: "  Premium: total 1799.88 EUR"), "\(result.stdout)")
    #expect(
      lines[premium + 1].hasPrefix("    BASE                            1462.50  Base premium: "), "\(result.stdout)")
    #expect(lines[premium + 2].hasPrefix("    POLICY_FEE                        25.00  Policy fee"), "\(result.stdout)")
    #expect(lines[premium + 3].hasPrefix("    PREMIUM_TAX                      312.38  "), "\(result.stdout)")
    let pended = try PolicyFlowBinary.run([
      "policies", "validate", "--file", "examples/policies/health-pended-sum-assured.json", "--at", "2026-11-22",
    ])
    #expect(!pended.stdout.contains("Premium:"), "only an approval charges: \(pended.stdout)")
  }

  /// Every example reaches the outcome its name says, in the JSON shape the issue promises.
  @Test(
    arguments: try FileManager.default.contentsOfDirectory(
      atPath: PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies").path
    ).filter { $0.hasSuffix(".json") }.sorted())
  func validateShowsEachExamplesOutcome(file: String) throws {
    let path = "examples/policies/\(file)"
    let result = try PolicyFlowBinary.run(["policies", "validate", "--file", path, "--at", "2026-11-22", "--json"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let outcome = try #require(JSON(parsing: result.stdout)[path: "0"])
    let document = try JSON(
      parsing: String(contentsOfFile: PolicyFlowBinary.packageRoot.appendingPathComponent(path).path, encoding: .utf8))
    #expect(outcome[path: "code"] == document[path: "code"])
    let expected = file.contains("-approved") ? "Approved" : file.contains("-pended-") ? "Pended" : "Edit"
    #expect(outcome[path: "status"] == .string(expected))
    for message in outcome[path: "messages"]?.arrayValue ?? [] {
      for key in ["code", "severity", "text", "rule", "step"] { #expect(message[path: key] != nil) }
    }
    let reasons = outcome[path: "pendReasons"]?.arrayValue ?? []
    #expect(reasons.isEmpty == (expected != "Pended"))
    for reason in reasons {
      for key in ["code", "description", "rule", "step"] { #expect(reason[path: key] != nil) }
    }
    if expected == "Edit" {
      #expect(outcome[path: "messages"]?.arrayValue?.contains { $0[path: "severity"] == "fatal" } == true)
    }
  }

  /// A date of birth that is not a date stops an individual health policy in its data-quality
  /// step: without a date the age rules would not run and the premium would take the lowest band.
  @Test(arguments: ["12/03/1985", "1980-02-30", "1981-02-29"])
  func aDateOfBirthThatIsNotADateIsFatal(dateOfBirth: String) throws {
    var policy = try JSON(
      parsing: String(
        contentsOf: PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies/health-approved.json"),
        encoding: .utf8))
    policy.set(path: "policyholder.dateOfBirth", to: .string(dateOfBirth))
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("p.json")
    try policy.serialized().write(to: file, atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run(["policies", "validate", "--file", file.path, "--at", "2026-11-22", "--json"])
    let outcome = try #require(JSON(parsing: result.stdout)[path: "0"])
    #expect(outcome[path: "status"] == "Edit")
    #expect(outcome[path: "messages.0.code"] == "MSG_DATE_OF_BIRTH_INVALID")
    #expect(outcome[path: "messages.0.step"] == "data-quality")
    #expect(outcome[path: "messages.0.text"]?.stringValue?.contains("'\(dateOfBirth)' is not a date") == true)
  }

  /// A .json array on one line: each record is an entry of its own, told apart by its column;
  /// the bad ones were merged into one entry of the line.
  @Test func validateKeepsRecordsThatShareALineApart() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("one-line.json")
    var good = try JSON(
      parsing: String(
        contentsOf: PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies/health-approved.json"),
        encoding: .utf8))
    let records = ["O-1", "O-2", "O-3", "O-4"].map { code -> String in
      good.set(path: "code", to: .string(code))
      if code == "O-2" { return #"{"code": "O-2", "sumAssured": "x"}"# }
      if code == "O-4" { return #"{"code": "O-4", "currency": 1}"# }
      return good.serialized()
    }
    try ("[" + records.joined(separator: ", ") + "]").write(to: file, atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run(["policies", "validate", file.path, "--at", "2026-11-22", "--json"])
    #expect(result.exitCode == 65)
    let entries = try JSON(parsing: result.stdout).arrayValue ?? []
    #expect(entries.map { $0[path: "code"] } == ["O-1", "O-2", "O-3", "O-4"], "each with its code, refused or not")
    #expect(entries.map { $0[path: "status"] == .null } == [false, true, false, true])
    let columns = entries.compactMap { entry -> Int? in
      if case .int(let column)? = entry[path: "column"] { column } else { nil }
    }
    #expect(columns.count == 4 && columns == columns.sorted() && columns[0] == 2, "\(columns)")
    #expect(entries[1][path: "findings.0.column"] == .int(columns[1]))
  }

  @Test func validateTellsWhyInText() throws {
    let result = try PolicyFlowBinary.run([
      "policies", "validate", "--file", "examples/policies/health-pended-sum-assured.json", "--at", "2026-11-22",
    ])
    #expect(result.stdout.hasPrefix("examples/policies/health-pended-sum-assured.json: HP-2026-000102 → Pended"))
    #expect(result.stdout.contains("rule SUM_ASSURED_ABOVE_LIMIT in step underwriting, because sumAssured = 75000000"))
  }

  @Test func malformedPolicyFileIsAFindingWithItsLocation() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("bad.json")
    try "{\n  \"code\": \"X\",\n  \"sum\": 12,,\n}".write(to: file, atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run(["policies", "validate", "--file", file.path])
    #expect(result.exitCode == 65)
    #expect(
      result.stderr.hasPrefix(
        "\(file.path):3: record: not valid JSON at column 13: expected a member name in double quotes, found ','"))
  }

  @Test func validateReadsWhatImportReadsAndReportsItsFieldProblems() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let csv = directory.appendingPathComponent("two.csv")
    try
      "code,lineOfBusiness,brand,startDate,endDate\nC-1,health,northstar,2026-01-01,2026-12-31\nC 2,health,x,2026-01-01,2026-12-31\n"
      .write(to: csv, atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run([
      "policies", "validate", csv.path, "examples/policies/health-approved.json", "--at", "2026-11-22", "--json",
    ])
    #expect(result.exitCode == 65)
    #expect(result.stderr.hasPrefix("\(csv.path):3: code: 'C 2' is not a valid policy code"))
    let reports = try JSON(parsing: result.stdout).arrayValue ?? []
    // One entry per record, in file order; the bad one with its findings and no outcome.
    #expect(
      reports.map { $0[path: "file"]?.stringValue ?? "" } == [
        csv.path, csv.path, "examples/policies/health-approved.json",
      ])
    #expect(reports.map { $0[path: "line"] } == [2, 3, 1])
    #expect(reports[1][path: "status"] == .null)
    #expect(reports[1][path: "findings.0.field"] == "code")
    #expect(reports.last?[path: "status"] == "Approved")
  }

  /// Refused with the usage of the command that was given, whichever takes `--at`.
  @Test(arguments: [
    ["policies", "validate", "--file", "examples/policies"], ["logic", "eval", "--rule", "1"],
    ["policies", "replay", "--catalog", "."],
  ])
  func invalidReferenceTimeIsAUsageError(command: [String]) throws {
    let result = try PolicyFlowBinary.run(command + ["--at", "2026-13-01"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.contains("Invalid value '2026-13-01' for '--at <time>'"), "\(result.stderr)")
    let name = command.prefix(2).joined(separator: " ")
    #expect(result.stderr.contains("Usage: policyflow \(name) "), "\(result.stderr)")
  }
}
