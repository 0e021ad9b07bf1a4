import PolicyFlowCore
import PolicyFlowStore

/// Parses the arguments, runs the command, and turns every way it can end into output and an
/// exit code: 0 success, 1 failure, 64 usage error (findings in input use their own codes).
enum Runner {
  static let usageExitCode: Int32 = 64

  static func main(_ root: Command, arguments: [String]) -> Int32 {
    // `--verbose` is global: taken out wherever it stands before `--`, for every command.
    let end = arguments.firstIndex(of: "--") ?? arguments.endIndex
    let verbose = arguments[..<end].contains("--verbose")
    let arguments = arguments[..<end].filter { $0 != "--verbose" } + arguments[end...]
    if arguments == ["--version"] {
      Terminal.out("\(root.name) \(PolicyFlowCommand.version)")
      return 0
    }
    if Set(arguments) == ["--version", "--json"], arguments.count == 2 {
      let version: JSON = [
        "name": .string(root.name), "version": .string(PolicyFlowCommand.version),
        "schemaVersion": .int(PolicyStore.latestSchemaVersion),
      ]
      Terminal.out(version.serialized(pretty: true))
      return 0
    }
    let parser = ArgumentParser(root: root)
    // Set once the command runs with --json: a failure is then also given as JSON on stdout.
    var asJSON = false
    /// `jsonMessage`: what the JSON says when the text said more than the `Error:` line.
    func failed(
      _ message: String, _ exitCode: Int32, jsonMessage: String? = nil, details: [String: JSON] = [:]
    ) -> Int32 {
      Terminal.error("Error: \(message)")
      if asJSON, !Terminal.wroteStandardOutput.load(ordering: .relaxed) {
        var error: JSON = ["error": .string(jsonMessage ?? message), "exitCode": .int(Int(exitCode))]
        for (name, value) in details.sorted(by: { $0.key < $1.key }) { error.set(path: name, to: value) }
        Terminal.out(error.serialized(pretty: true))
      }
      return exitCode
    }
    do {
      switch try parser.parse(arguments) {
      case .help(let command, let path):
        Terminal.out(HelpFormatter.help(for: command, path: path))
        return 0
      case .run(let command, let invocation):
        guard let run = command.run else { return 0 }
        asJSON = invocation.flag("--json")
        return try run(invocation)
      }
    } catch let error as UsageError {
      return reportUsage(error, root: root)
    } catch let error as FindingError {
      // The finding in the compiler's form (FILE:LINE:COLUMN: error: …), then what it meant.
      Terminal.error(error.finding.description)
      return failed(
        "\(error.finding.file) cannot be used as it is (above); nothing was done.", ExitCode.invalidInput,
        jsonMessage: "\(error.finding.description); nothing was done.")
    } catch let error as any DatabaseFailure {
      // The server refused the login a right (a role without it): not permitted, as a refusal
      // of the store's own rights is.
      let permission = (error as? PostgresError)?.sqlState == "42501"
      let code = failed(DatabaseFailureMessage.message(error), permission ? ExitCode.notPermitted : 1)
      if verbose, let sql = DatabaseFailureMessage.sqlLine(error) { Terminal.error(sql) }
      return code
    } catch let error as StoreError {
      // A refusal no command turned into its own failure: its exit code says which kind.
      return failed(error.message, StoreFailure.exitCode(error))
    } catch let failure as CommandFailure {
      return failed(failure.message, failure.exitCode, details: failure.details)
    } catch {
      return failed("\(error)", 1)
    }
  }

  static func reportUsage(_ error: UsageError, root: Command) -> Int32 {
    var command = root
    for name in error.commandPath.dropFirst() {
      guard let next = command.subcommand(named: name) else { break }
      command = next
    }
    let path = error.commandPath.joined(separator: " ")
    Terminal.error("Error: \(error.message)")
    Terminal.error("Usage: \(HelpFormatter.usage(for: command, path: error.commandPath))")
    Terminal.error("  See '\(path) --help' for more information.")
    return usageExitCode
  }
}
