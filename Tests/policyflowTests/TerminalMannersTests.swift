import Foundation
import Testing

/// Colours and table widths on a terminal (a pseudo-terminal from `script`), plain full text in
/// pipes, and `--quiet`.
struct TerminalMannersTests {
  /// Runs `policyflow arguments…` on a pseudo-terminal; stdout and stderr both land in the result.
  private func onTerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let command = ([PolicyFlowBinary.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
    let result = try PolicyFlowBinary.run(
      ["-qec", command, "/dev/null"], environment: environment, program: URL(fileURLWithPath: "/usr/bin/script"))
    #expect(result.exitCode == 0, "\(result.stdout)")
    return result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
  }

  private func pendedStore() throws -> StoreFixture {
    let store = try StoreFixture()
    let imported = try store.run(["policies", "import", "examples/policies", "--submit", "--as", "tester"])
    #expect(imported.exitCode == 0, "\(imported.stderr)")
    #expect(try store.run(["worker", "--drain", "--quiet"]).exitCode == 0)
    return store
  }

  @Test func tablesFitTheTerminalAndKeepTheCodeWhole() throws {
    let store = try pendedStore()
    let screen = try onTerminal(
      ["pends", "list", "--db", store.db, "--as", "tester"], environment: ["COLUMNS": "72", "NO_COLOR": "1"])
    let lines = screen.split(separator: "\n")
    #expect(lines.count > 2)
    #expect(lines.allSatisfy { $0.count <= 72 }, "\(screen)")
    #expect(screen.contains("HP-2026-000102 "), "codes stay whole: \(screen)")
    #expect(screen.contains("…"))
    #expect(!screen.contains("\u{1B}["), "NO_COLOR: no escape sequences")
    // In a pipe, every cell whole.
    let piped = try store.run(["pends", "list", "--as", "tester"], environment: ["COLUMNS": "72"])
    #expect(piped.stdout.contains("Sum assured above the automatic acceptance limit of 500,000.00"))
    #expect(!piped.stdout.contains("…"))
  }

  @Test func coloursOnlyOnATerminal() throws {
    let store = try pendedStore()
    let screen = try onTerminal(
      ["policies", "list", "--db", store.db, "--as", "tester"], environment: ["TERM": "xterm", "NO_COLOR": ""])
    #expect(screen.contains("\u{1B}[1mPOLICY\u{1B}[0m"), "\(screen)")
    #expect(screen.contains("\u{1B}[32mApproved\u{1B}[0m"))
    #expect(screen.contains("\u{1B}[33mPended\u{1B}[0m"))
    let dumb = try onTerminal(["policies", "list", "--db", store.db, "--as", "tester"], environment: ["TERM": "dumb"])
    #expect(!dumb.contains("\u{1B}["))
    let piped = try store.run(["policies", "list", "--as", "tester"], environment: ["TERM": "xterm", "NO_COLOR": ""])
    #expect(!piped.stdout.contains("\u{1B}["))
    #expect(piped.stdout.contains("Approved"))
  }

  @Test func quietImportPrintsNothingButErrors() throws {
    let store = try StoreFixture()
    let quiet = try store.run(["policies", "import", "examples/policies", "--as", "tester", "--quiet"])
    #expect(quiet.exitCode == 0)
    #expect(quiet.stdout.isEmpty)
    #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    #expect(try store.count("SELECT count(*) FROM policy") > 0)
    let again = try store.run(["policies", "import", "examples/policies", "--as", "tester", "--quiet"])
    #expect(again.exitCode == 65)
    #expect(again.stderr.contains("Error: "))
  }
}
