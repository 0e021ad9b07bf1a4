import Foundation
import Testing

/// The status is `Canceled`, so every word a user reads spells it that way: help, command output
/// and the shipped docs and catalog. (The note the cancel command writes into the status history
/// is left to the rework of cancellation, issue #13 item 3.)
@Suite(.serialized) struct SpellingTests {
  static let britishSpellings = ["cancelled", "cancelling"]

  /// The paths of every command and command group, from the root's help down.
  func commandPaths(under path: [String] = []) throws -> [[String]] {
    let help = try PolicyFlowBinary.run(["help"] + path)
    #expect(help.exitCode == 0, "\(help.stderr)")
    guard let section = help.stdout.range(of: "SUBCOMMANDS:\n") else { return [path] }
    let names = help.stdout[section.upperBound...].split(separator: "\n").prefix {
      $0.hasPrefix("  ") && !$0.hasPrefix("  See")
    }
    .compactMap { $0.split(separator: " ").first.map(String.init) }
    return try [path] + names.flatMap { try commandPaths(under: path + [$0]) }
  }

  @Test func noHelpTextSpellsCanceledTheBritishWay() throws {
    let paths = try commandPaths()
    #expect(paths.contains(["policies", "cancel"]), "the walk reaches every command: \(paths)")
    for path in paths {
      let help = try PolicyFlowBinary.run(path + ["--help"])
      #expect(help.exitCode == 0)
      #expect(help.stderr == "")
      for word in Self.britishSpellings {
        #expect(
          !help.stdout.lowercased().contains(word), "'policyflow \(path.joined(separator: " ")) --help' says \(word)")
      }
    }
  }

  @Test func cancelSaysCanceled() throws {
    let store = try StoreFixture()
    try store.importGenerated(1)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    let canceled = try store.run([
      "policies", "cancel", "GEN-0", "--date", "2026-04-01", "--reason", "test", "--as", "tester",
    ])
    #expect(canceled.exitCode == 0, "\(canceled.stderr)")
    #expect(canceled.stdout.contains("Canceled"))
    #expect(canceled.stderr == "")
    for word in Self.britishSpellings { #expect(!canceled.stdout.lowercased().contains(word)) }
    #expect(try store.query("SELECT status FROM policy WHERE code = 'GEN-0'") { try $0.string(at: 0) } == ["Canceled"])
  }

  /// The README, the examples, the catalog and its schemas.
  @Test func theShippedDocsAndCatalogSpellCanceledOneWay() throws {
    let root = PolicyFlowBinary.packageRoot
    var files = ["README.md", "BENCHMARKS.md"].map { root.appendingPathComponent($0) }
    for directory in ["examples", "flows", "rules", "schemas", "docs"] {
      let url = root.appendingPathComponent(directory)
      guard let walk = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) else { continue }
      files += walk.compactMap { $0 as? URL }.filter { ["md", "json", "csv", "jsonl"].contains($0.pathExtension) }
    }
    #expect(files.count > 10, "the walk finds the shipped files")
    for file in files {
      let text = try String(contentsOf: file, encoding: .utf8).lowercased()
      for word in Self.britishSpellings {
        #expect(!text.contains(word), "\(file.path) says \(word)")
      }
    }
  }
}
