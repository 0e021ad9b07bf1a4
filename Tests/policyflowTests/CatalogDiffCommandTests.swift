import Foundation
import PolicyFlowCore
import Testing

/// `policyflow catalog diff` through the binary.
struct CatalogDiffCommandTests {
  @Test func listsEachChangeWithItsLocationAndASummary() throws {
    let directory = try TestCommandTests.catalogCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    try TestCommandTests.replace(
      #"{ ">=": [{ "age_at""#, with: #"{ ">": [{ "age_at""#,
      in: directory.appendingPathComponent("rules/underwriting.json"))
    let result = try PolicyFlowBinary.run(["catalog", "diff", "--from", ".", "--to", directory.path])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        \(directory.path)/rules/underwriting.json:79:5: changed validation rule SENIOR_APPLICANT: condition
        0 added, 0 removed, 1 changed

        """)
    let json = try JSON(
      parsing: try PolicyFlowBinary.run(["catalog", "diff", "--from", ".", "--to", directory.path, "--json"]).stdout)
    #expect(json[path: "changes.0.name"] == "SENIOR_APPLICANT")
    #expect(json[path: "changes.0.kind"] == "validationRule")
    #expect(json[path: "changes.0.line"] == 79)
    #expect(json[path: "from.hash"] != json[path: "to.hash"])
  }

  @Test func theSameCatalogHasNoChangesAndTestsDoNotCount() throws {
    let directory = try TestCommandTests.catalogCopy()
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.removeItem(at: directory.appendingPathComponent("tests"))
    let result = try PolicyFlowBinary.run(["catalog", "diff", "--from", ".", "--to", directory.path])
    #expect(result.stdout == "0 added, 0 removed, 0 changed\n")
  }

  @Test func anInvalidCatalogOrAMissingOptionIsRefused() throws {
    let broken = CatalogCommandTests.fixtures.appendingPathComponent("unknown-rule").path
    let invalid = try PolicyFlowBinary.run(["catalog", "diff", "--from", ".", "--to", broken])
    #expect(invalid.exitCode == 65)
    #expect(invalid.stderr.contains("error: unknown rule"))
    let usage = try PolicyFlowBinary.run(["catalog", "diff", "--from", "."])
    #expect(usage.exitCode == 64)
    #expect(usage.stderr.hasPrefix("Error: Missing expected argument '--to <dir|hash>'."))
  }
}
