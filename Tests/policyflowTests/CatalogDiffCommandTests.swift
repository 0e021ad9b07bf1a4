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

  /// A side that is neither a directory nor a hash says both (it read as a catalog directory's one
  /// error, with advice to run flows check on it); a hash with no store says why a store was wanted.
  @Test func aSideThatIsNoDirectoryNorHashSaysWhatWouldBeAccepted() throws {
    let typo = try PolicyFlowBinary.run(["catalog", "diff", "--from", "zzzz", "--to", "."])
    #expect(typo.exitCode == 65)
    #expect(
      typo.stderr.hasPrefix(
        "Error: --from 'zzzz' is neither a catalog directory (there is none at that path, from "), "\(typo.stderr)")
    #expect(typo.stderr.contains("nor a catalog snapshot's hash (hexadecimal digits"))
    #expect(!typo.stderr.contains("flows check"))
    let file = try PolicyFlowBinary.run(["catalog", "diff", "--from", "README.md", "--to", "."])
    #expect(file.exitCode == 65)
    #expect(
      file.stderr.hasPrefix("Error: --from 'README.md' is neither a catalog directory (it is a file) nor"),
      "\(file.stderr)")
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let hash = try PolicyFlowBinary.run([
      "catalog", "diff", "--from", ".", "--to", "abcd", "--db", directory.appendingPathComponent("none.sqlite").path,
    ])
    #expect(hash.exitCode != 0)
    #expect(
      hash.stderr.hasPrefix(
        "Error: --to 'abcd' is no directory here, so it names a catalog snapshot in the store; there is no store at "),
      "\(hash.stderr)")
  }
}
