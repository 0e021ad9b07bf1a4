import Foundation
import PolicyFlowCore
import Testing

/// A `matches` pattern of thousands of nested `[` overflowed the regex parser's stack (SIGSEGV,
/// exit 139) in every command that compiles or evaluates rules; each now refuses it in words.
@Suite(.serialized) struct PoisonPatternTests {
  static let poison = String(repeating: "[", count: 5_000)

  /// A catalog whose only validation rule matches the policy code against a pattern in the
  /// policy's own data: `pattern` is the poison a policy can carry.
  static func catalog(condition: JSON) throws -> URL {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    let fixture = CatalogCommandTests.fixtures.appendingPathComponent("unknown-operator")
    for folder in ["flows", "rules"] {
      try FileManager.default.copyItem(
        at: fixture.appendingPathComponent(folder), to: directory.appendingPathComponent(folder))
    }
    let rulesURL = directory.appendingPathComponent("rules/rules.json")
    var rules = try JSON(parsing: String(contentsOf: rulesURL, encoding: .utf8))
    rules.set(path: "validationRules.0.condition", to: condition)
    try rules.serialized(pretty: true).write(to: rulesURL, atomically: true, encoding: .utf8)
    return directory
  }

  @Test func logicEvalRefusesAPoisonPatternInTheRuleOrTheData() throws {
    let constant = try PolicyFlowBinary.run([
      "logic", "eval", "--rule", (["matches": ["a", .string(Self.poison)]] as JSON).serialized(),
    ])
    #expect(constant.exitCode == 1)
    #expect(constant.stderr.hasPrefix("Error: Invalid Arguments: /matches/1: invalid regular expression \"[[["))
    #expect(constant.stderr.hasSuffix("(5000 bytes): the pattern is 5000 bytes long; at most 1000 are allowed\n"))
    let fromData = try PolicyFlowBinary.run([
      "logic", "eval", "--rule", #"{"matches": ["a", {"var": "p"}]}"#, "--data",
      (["p": .string(String(repeating: "[", count: 300))] as JSON).serialized(),
    ])
    #expect(fromData.exitCode == 1)
    #expect(fromData.stderr.hasPrefix("Error: Invalid Arguments: invalid regular expression"))
    #expect(fromData.stderr.hasSuffix("the pattern has more than 50 groups and character classes\n"))
  }

  @Test func flowsCheckReportsAPoisonPatternAtItsValue() throws {
    let directory = try Self.catalog(condition: ["matches": [["var": "code"], .string(Self.poison)]])
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try PolicyFlowBinary.run(["flows", "check", "--catalog", directory.path])
    #expect(result.exitCode == 65)
    let finding = try #require(result.stderr.split(separator: "\n").first { $0.contains("regular expression") })
    #expect(finding.hasPrefix("\(directory.path)/rules/rules.json:"))
    #expect(finding.hasSuffix("the pattern is 5000 bytes long; at most 1000 are allowed"))
    #expect(result.stderr.utf8.count < 1_000)
  }

  @Test func aPolicyCarryingAPoisonPatternGetsARuleErrorInValidateAndInTheWorker() throws {
    let directory = try Self.catalog(condition: ["matches": [["var": "code"], ["var": "pattern"]]])
    defer { try? FileManager.default.removeItem(at: directory) }
    let policies = directory.appendingPathComponent("policies.jsonl")
    let poisoned: JSON = ["code": "P-1", "lineOfBusiness": "health", "brand": "b", "pattern": .string(Self.poison)]
    let innocent: JSON = ["code": "P-2", "lineOfBusiness": "health", "brand": "b", "pattern": "^P-"]
    try [poisoned.serialized(), innocent.serialized()].joined(separator: "\n").write(
      to: policies, atomically: true, encoding: .utf8)

    let validated = try PolicyFlowBinary.run([
      "policies", "validate", "--catalog", directory.path, "--file", policies.path, "--json",
    ])
    #expect(validated.exitCode == 0, "\(validated.stderr)")
    #expect(validated.stdout.contains("RULE_ERROR"))

    let store = try StoreFixture()
    let environment = ["POLICYFLOW_CATALOG": directory.path]
    let imported = try store.run(["policies", "import", policies.path, "--as", "tester", "--submit"])
    try #require(imported.exitCode == 0, "\(imported.stderr)")
    let worker = try store.run(["worker", "--drain"], environment: environment)
    #expect(worker.exitCode == 0, "\(worker.stderr)")
    let shown = try store.run(["policies", "show", "P-1", "--as", "tester", "--json"])
    let outcome = try JSON(parsing: shown.stdout)
    #expect(outcome[path: "status"] == "Edit")
    #expect(shown.stdout.contains("RULE_ERROR"))
    #expect(shown.stdout.contains("at most 1000 are allowed"))
    let neighbour = try JSON(parsing: try store.run(["policies", "show", "P-2", "--as", "tester", "--json"]).stdout)
    #expect(neighbour[path: "status"] != "In Process", "the policy claimed with it was processed too")
  }
}
