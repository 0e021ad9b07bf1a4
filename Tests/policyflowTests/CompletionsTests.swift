import Foundation
import Testing

/// `policyflow completions` and `policyflow manpages`, through the built binary; the bash script
/// is run in bash as a shell would on Tab.
struct CompletionsTests {
  /// Sources the bash script, then prints what completing `words` (the last one being typed) offers.
  private func bashComplete(_ words: [String]) throws -> [String] {
    let script = try PolicyFlowBinary.run(["completions", "bash"])
    #expect(script.exitCode == 0)
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("policyflow.bash")
    try script.stdout.write(to: file, atomically: true, encoding: .utf8)
    let quotedWords = words.map { "'\($0)'" }.joined(separator: " ")
    let driver = """
      source '\(file.path)'
      COMP_WORDS=(policyflow \(quotedWords)); COMP_CWORD=\(words.count); COMPREPLY=()
      _policyflow
      printf '%s\\n' "${COMPREPLY[@]}"
      """
    let binDirectory = PolicyFlowBinary.executable.deletingLastPathComponent().path
    let result = try PolicyFlowBinary.run(
      ["-c", driver], environment: ["PATH": "\(binDirectory):/usr/bin:/bin"], program: URL(fileURLWithPath: "/bin/bash")
    )
    #expect(result.exitCode == 0, "\(result.stderr)")
    return result.stdout.split(separator: "\n").map(String.init)
  }

  @Test func bashCompletesCommandsOptionsAndValues() throws {
    #expect(try bashComplete(["po"]) == ["policies"])
    #expect(try bashComplete(["policies", "li"]) == ["list"])
    #expect(try bashComplete(["worker", "--dr"]) == ["--drain"])
    #expect(try bashComplete(["policies", "list", "--status", ""]).contains("In\\ Process"))
    #expect(try bashComplete(["worker", "--log-format", ""]) == ["human", "json"])
    #expect(try bashComplete(["completions", ""]) == ["bash", "zsh", "fish"])
    // An option's value is not taken for a subcommand.
    #expect(try bashComplete(["--version", "flows", "ch"]) == ["check"])
  }

  @Test func flowCodesComeFromTheCatalogOnTheLine() throws {
    #expect(try bashComplete(["policies", "list", "--flow", ""]) == ["EMPLOYER_GROUP", "INDIVIDUAL_HEALTH"])
    #expect(try bashComplete(["flows", "draw", "IND"]) == ["INDIVIDUAL_HEALTH"])
    #expect(try bashComplete(["pends", "list", "--catalog", "/nonexistent", "--flow", ""]).isEmpty)
    let listed = try PolicyFlowBinary.run(["completions", "--list-flows"])
    #expect(listed.stdout == "EMPLOYER_GROUP\nINDIVIDUAL_HEALTH\n")
  }

  @Test(arguments: ["bash", "zsh", "fish"])
  func everyScriptNamesEveryCommand(shell: String) throws {
    let result = try PolicyFlowBinary.run(["completions", shell])
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    for name in ["flows", "policies", "import", "pends", "resolve", "worker", "manpages", "--metrics-file"] {
      #expect(result.stdout.contains(name.hasPrefix("--") && shell == "fish" ? "-l \(name.dropFirst(2))" : name))
    }
    if shell == "bash" {
      let checked = try PolicyFlowBinary.run(["-n"], stdin: result.stdout, program: URL(fileURLWithPath: "/bin/bash"))
      #expect(checked.exitCode == 0, "\(checked.stderr)")
    }
    // zsh and fish check the syntax where they are installed.
    for shellPath in ["/usr/bin/zsh", "/bin/zsh", "/usr/bin/fish"] where shellPath.hasSuffix("/\(shell)") {
      guard FileManager.default.isExecutableFile(atPath: shellPath) else { continue }
      let checked = try PolicyFlowBinary.run(["-n"], stdin: result.stdout, program: URL(fileURLWithPath: shellPath))
      #expect(checked.exitCode == 0, "\(checked.stderr)")
    }
  }

  @Test func unknownShellIsAUsageError() throws {
    let result = try PolicyFlowBinary.run(["completions", "bsh"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: Invalid value 'bsh' for '<shell>': expected bash, zsh or fish."))
    #expect(result.stderr.contains("Did you mean 'bash'?"))
    #expect(result.stdout.isEmpty)
  }

  @Test func manualPagesCoverEveryCommand() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let out = directory.appendingPathComponent("man1")
    let result = try PolicyFlowBinary.run(["manpages", "--out", out.path])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
    #expect(files.contains("policyflow.1"))
    #expect(files.contains("policyflow-worker.1"))
    #expect(files.contains("policyflow-policies-import.1"))
    #expect(files.contains("policyflow-pends-resolve.1"))
    #expect(result.stdout == "Wrote \(files.count) manual pages to \(out.path).\n")
    let worker = try String(contentsOf: out.appendingPathComponent("policyflow-worker.1"), encoding: .utf8)
    #expect(worker.hasPrefix(".TH POLICYFLOW\\-WORKER 1 "))
    #expect(worker.contains(".SH NAME\npolicyflow\\-worker \\- Process submitted policies"))
    #expect(worker.contains("\\fB\\-\\-drain\\fR"))
    #expect(worker.contains("\\fB\\-\\-quiet\\fR"))
    let root = try String(contentsOf: out.appendingPathComponent("policyflow.1"), encoding: .utf8)
    #expect(root.contains("\\fBpolicyflow\\-worker\\fR(1)"))
    #expect(root.contains(".SH ENVIRONMENT"))
  }

  @Test func manualPagesNeedAnOutputDirectory() throws {
    let result = try PolicyFlowBinary.run(["manpages"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: "))
    // A file where the folder should be is named as such, and left as it was.
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("README.md")
    try Data("notes\n".utf8).write(to: file)
    let onAFile = try PolicyFlowBinary.run(["manpages", "--out", file.path])
    #expect(onAFile.exitCode == 64)
    #expect(onAFile.stderr.hasPrefix("Error: '\(file.path)' is a file, not a folder; --out names the folder"))
    #expect(try String(contentsOf: file, encoding: .utf8) == "notes\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["README.md"])
  }
}
