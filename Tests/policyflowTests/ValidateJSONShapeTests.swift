import Foundation
import PolicyFlowCore
import Testing

/// `policies validate --json` prints one shape whatever the files hold: an array with an object
/// per policy, each naming its file and line, so a script reads one policy as it reads many.
@Suite(.serialized) struct ValidateJSONShapeTests {
  static let approved = "examples/policies/health-approved.json"
  static let pended = "examples/policies/health-pended-sum-assured.json"

  @Test func onePolicyIsAnArrayOfOne() throws {
    let result = try PolicyFlowBinary.run(["policies", "validate", Self.approved, "--at", "2026-11-22", "--json"])
    #expect(result.exitCode == 0)
    #expect(result.stderr == "")
    let reports = try #require(JSON(parsing: result.stdout).arrayValue)
    #expect(reports.count == 1)
    #expect(reports.first?[path: "code"] == "HP-2026-000101")
    #expect(reports.first?[path: "status"] == "Approved")
    #expect(reports.first?[path: "file"] == .string(Self.approved))
    #expect(reports.first?[path: "line"] == 1)
  }

  @Test func severalPoliciesAreAnArrayInTheOrderGiven() throws {
    let result = try PolicyFlowBinary.run([
      "policies", "validate", Self.approved, "--file", Self.pended, "--at", "2026-11-22", "--json",
    ])
    #expect(result.exitCode == 0)
    #expect(result.stderr == "")
    let reports = try #require(JSON(parsing: result.stdout).arrayValue)
    #expect(reports.map { $0[path: "status"] } == ["Pended", "Approved"], "--file first, then the paths")
    #expect(reports.map { $0[path: "file"] } == [.string(Self.pended), .string(Self.approved)])
    // As everywhere, what names a step has its name and display name (README, "Commands").
    let reason = try #require(reports.first?[path: "pendReasons"]?.arrayValue?.first)
    #expect(reason[path: "stepName"] == "underwriting", "\(reason)")
    #expect(reason[path: "stepDisplayName"] == "Underwriting review")
    let message = try #require(reports.first?[path: "messages"]?.arrayValue?.first)
    #expect(message[path: "stepName"] == message[path: "step"], "\(message)")
    #expect(message[path: "stepName"] != .null)
  }

  /// A file whose only record has one bad field: the finding on stderr and, so that a script
  /// reading stdout alone sees it, in the array: one entry for the record, with no outcome and its
  /// findings; exit 65.
  @Test func aRecordThatCannotRunIsAnEntryWithItsFindings() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("bad.jsonl")
    var policy = try JSON(
      parsing: String(
        contentsOf: PolicyFlowBinary.packageRoot.appendingPathComponent(Self.approved), encoding: .utf8))
    policy.set(path: "code", to: "C 1")
    try policy.serialized().write(to: file, atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run(["policies", "validate", file.path, "--json"])
    #expect(result.exitCode == 65)
    #expect(result.stderr.hasPrefix("\(file.path):1: code: 'C 1' is not a valid policy code"))
    let entries = try JSON(parsing: result.stdout).arrayValue ?? []
    try #require(entries.count == 1)
    #expect(entries[0][path: "status"] == .null)
    #expect(entries[0][path: "file"] == .string(file.path))
    #expect(entries[0][path: "line"] == 1)
    #expect(entries[0][path: "findings.0.field"] == "code")
    #expect(entries[0][path: "findings.0.message"]?.stringValue?.hasPrefix("'C 1' is not a valid policy code") == true)
  }

  /// A record whose code could be read carries it, in its entry and in each finding, so that a
  /// script can tell the operator which policy to fix; a record that is not JSON has none. The
  /// text on stderr ends with a summary line, as every failing command's does.
  @Test func aRecordThatCannotRunCarriesItsCodeWhenItHasOne() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("bad.jsonl")
    var policy = try JSON(
      parsing: String(
        contentsOf: PolicyFlowBinary.packageRoot.appendingPathComponent(Self.approved), encoding: .utf8))
    policy.set(path: "sumAssured", to: "150000")
    try (policy.serialized() + "\n{\"code\": \"X-2\",\n").write(to: file, atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run(["policies", "validate", file.path, "--json"])
    #expect(result.exitCode == 65)
    #expect(result.stderr.hasSuffix("\nError: 2 records could not be run (above); fix them and validate again.\n"))
    let entries = try JSON(parsing: result.stdout).arrayValue ?? []
    try #require(entries.count == 2)
    #expect(entries[0][path: "code"] == policy[path: "code"])
    #expect(entries[0][path: "findings.0.field"] == "sumAssured")
    #expect(entries[0][path: "findings.0.code"] == policy[path: "code"])
    #expect(entries[1][path: "line"] == 2)
    #expect(entries[1][path: "code"] == .null)
    #expect(entries[1][path: "findings.0.code"] == .null)
  }
}
