import Foundation
import PolicyFlowCore
import Testing

/// A policy as deep as import allows is processed, and what the engine recorded about it can be
/// shown and explained: the outcome quotes the deep value a rule read, inside its own records.
@Suite(.serialized) struct DeepPolicyTests {
  static func policy(_ code: String, depth: Int) -> String {
    // The policy object is level 1; `deep` adds depth - 1 levels of arrays.
    let deep = String(repeating: "[", count: depth - 1) + "1" + String(repeating: "]", count: depth - 1)
    return #"{"code": ""# + code + #"", "lineOfBusiness": "health", "brand": "b", "deep": "# + deep + "}"
  }

  @Test func theDeepestPolicyImportAllowsCanBeShownAndExplainedAfterItsCycle() throws {
    let catalog = try PoisonPatternTests.catalog(condition: ["var": "deep"])
    defer { try? FileManager.default.removeItem(at: catalog) }
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("deep.jsonl")
    try (Self.policy("D-1", depth: PolicyImport.maximumDepth) + "\n").write(
      to: file, atomically: true, encoding: .utf8)
    let environment = ["POLICYFLOW_CATALOG": catalog.path]
    let imported = try store.run(["policies", "import", file.path, "--as", "tester", "--submit"])
    try #require(imported.exitCode == 0, "\(imported.stderr)")
    #expect(try store.run(["worker", "--drain"], environment: environment).exitCode == 0)
    for command in [["policies", "show", "D-1", "--json"], ["policies", "explain", "D-1"]] {
      let result = try store.run(command + ["--as", "tester"], environment: environment)
      #expect(result.exitCode == 0, "\(command): \(result.stderr)")
      #expect(result.stdout.contains("MSG_START_REQUIRED"), "\(command)")
    }
  }

  @Test func aPolicyOneLevelDeeperIsRefusedAtImport() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("deeper.jsonl")
    try (Self.policy("D-2", depth: PolicyImport.maximumDepth + 1) + "\n").write(
      to: file, atomically: true, encoding: .utf8)
    let result = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(result.exitCode == 65)
    #expect(result.stderr.hasPrefix("\(file.path):1: record: nests objects and arrays 101 levels deep"))
  }
}
