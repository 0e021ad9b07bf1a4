import Foundation
import PolicyFlowCore
import Testing

/// A stored outcome leaves catalog rules' conditions to the catalog snapshot; restoring them
/// from that catalog must give back exactly the outcome that was computed.
struct StoredOutcomeTests {
  static let examples = try! FileManager.default.contentsOfDirectory(
    atPath: CatalogTestPaths.packageRoot + "/examples/policies"
  ).filter { $0.hasSuffix(".json") }.sorted()

  @Test(arguments: examples)
  func restoringConditionsGivesBackTheComputedOutcome(_ example: String) throws {
    let catalog = try #require(CatalogLoader.load(directory: CatalogTestPaths.packageRoot).catalog)
    let data = try JSON(parsing: try CatalogTestPaths.read("examples/policies/" + example))
    let outcome = ProcessingCycle(catalog: catalog).run(data, at: Timestamp(iso8601: "2026-11-22")!)
    let stored = outcome.storedJSON
    let restored = CycleOutcome.restoringConditions(in: stored, from: catalog)
    #expect(restored.serialized() == outcome.json.serialized())
    // Catalog rules' conditions are what the stored form leaves out; engine messages keep theirs.
    for key in ["messages", "pendReasons"] {
      for item in stored[path: key]?.arrayValue ?? [] {
        let rule = item[path: "rule"]?.stringValue ?? ""
        #expect((item[path: "condition"] == nil) == !rule.hasPrefix("("), "\(example) \(rule)")
      }
    }
  }

  @Test func anOutcomeThatCarriesItsConditionsKeepsThemAndNoCatalogGivesNull() throws {
    let stored: JSON = [
      "messages": [["rule": "R1", "condition": ["old": 1], "reads": []], ["rule": "R2", "reads": []]],
      "pendReasons": [],
    ]
    let restored = CycleOutcome.restoringConditions(in: stored, from: nil)
    #expect(restored[path: "messages.0.condition"] == ["old": 1])
    #expect(restored[path: "messages.1.condition"] == .null)
    #expect(restored[path: "messages.1"]?.objectValue?.names == ["rule", "condition", "reads"])
  }
}
