import Foundation
import PolicyFlowCore
import Testing

/// A catalog file saved in another encoding is reported where its text stops being UTF-8.
struct CatalogFileEncodingTests {
  @Test func aLatin1RuleFileIsAFindingAtTheFirstBadByte() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let fixture = CatalogTestPaths.fixture("unknown-operator")
    try FileManager.default.copyItem(atPath: fixture, toPath: directory.path)
    let rules = directory.appendingPathComponent("rules/rules.json")
    var bytes = Array(try String(contentsOf: rules, encoding: .utf8).utf8)
    // "The start date is missing." becomes "The start date is missing (d\xE9but)." in Latin-1.
    let at = try #require(bytes.firstRange(of: Array("missing.".utf8))).lowerBound + 7
    bytes.replaceSubrange(at..<(at + 1), with: Array(" (d".utf8) + [0xE9] + Array("but).".utf8))
    try Data(bytes).write(to: rules)
    let result = CatalogLoader.load(directory: directory.path)
    #expect(result.catalog == nil)
    let finding = try #require(result.findings.errors.first { $0.file == directory.path + "/rules/rules.json" })
    #expect(finding.location.line == 3)
    #expect(finding.message.hasPrefix("the file is not UTF-8 text from here on (byte 0xE9)"))
  }
}

/// What a catalog holds that works but is likely a mistake: said in warnings, which do not refuse it.
struct CatalogWarningTests {
  /// A copy of the `valid` fixture in a temporary directory.
  static func copy() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
    try FileManager.default.copyItem(atPath: CatalogTestPaths.fixture("valid"), toPath: directory.path)
    return directory
  }

  /// A default flow that is not active: every policy it would take stops with FLOW_INACTIVE.
  @Test func anInactiveDefaultFlowIsSaid() throws {
    let directory = try Self.copy()
    defer { try? FileManager.default.removeItem(at: directory) }
    let flow = directory.appendingPathComponent("flows/main.json")
    let text = try String(contentsOf: flow, encoding: .utf8)
    try text.replacingOccurrences(of: "\"active\": true", with: "\"active\": false").write(
      to: flow, atomically: true, encoding: .utf8)
    let result = CatalogLoader.load(directory: directory.path)
    #expect(result.catalog != nil)
    #expect(
      result.findings.warnings.map(\.description) == [
        "\(flow.path):4:14: warning: flow 'MAIN' is a default but not active: every policy without a processFlow "
          + "whose line of business has no default flow of its own stops with FLOW_INACTIVE; set \"active\": true, "
          + "or make an active flow the default"
      ])
  }

  /// Files beside the definitions that the catalog does not read: one that looks meant for it is
  /// named in a warning (its rules would silently not run); notes are left alone.
  @Test func aFileThatLooksMeantForTheCatalogIsNamedAndNotesAreNot() throws {
    let directory = try Self.copy()
    defer { try? FileManager.default.removeItem(at: directory) }
    let rules = directory.appendingPathComponent("rules")
    for name in ["smoker.josn", "more.JSON", "rules.json.bak", "notes.txt", "README.md", ".DS_Store"] {
      try Data("{}".utf8).write(to: rules.appendingPathComponent(name))
    }
    let result = CatalogLoader.load(directory: directory.path)
    #expect(result.catalog != nil, "warnings do not refuse the catalog")
    #expect(result.findings.errors.isEmpty)
    #expect(
      result.findings.warnings.map(\.file)
        == ["more.JSON", "rules.json.bak", "smoker.josn"].map { "\(rules.path)/\($0)" })
    #expect(
      result.findings.warnings.first?.message.hasPrefix("not read: the catalog reads only files ending in") == true)
  }

  /// A catalog stored before the checks that refuse a derive into an engine field or two steps of
  /// one name still loads from its snapshot (an upgrade must not stop the workers that run it):
  /// the findings are warnings there, errors for a directory.
  @Test(arguments: ["derive-engine-field", "duplicate-step-name"])
  func aStoredCatalogThatPredatesALaterCheckStillLoads(fixture: String) throws {
    let directory = CatalogTestPaths.fixture(fixture)
    let files = try ["flows/main.json", "rules/rules.json"].map { path in
      CatalogFile(path: path, contents: try String(contentsOfFile: directory + "/" + path, encoding: .utf8))
    }
    #expect(CatalogLoader.load(files: files).catalog == nil)
    let stored = CatalogLoader.load(files: files, isStored: true)
    #expect(stored.catalog != nil, "\(stored.findings)")
    #expect(stored.findings.errors.isEmpty)
    #expect(!stored.findings.warnings.isEmpty)
  }
}
