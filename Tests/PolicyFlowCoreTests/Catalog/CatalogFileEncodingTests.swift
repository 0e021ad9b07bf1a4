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

/// Files beside the definitions that the catalog does not read: one that looks meant for it is
/// named in a warning (its rules would silently not run); notes are left alone.
struct CatalogFilesNotReadTests {
  @Test func aFileThatLooksMeantForTheCatalogIsNamedAndNotesAreNot() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.copyItem(atPath: CatalogTestPaths.fixture("valid"), toPath: directory.path)
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
}
