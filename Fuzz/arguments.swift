@testable import PolicyFlowCore

/// Fuzz target `arguments`: the command-line parser and the help it prints, over a command
/// tree shaped like `policyflow`'s (groups, value, repeating and flag options, optional and
/// repeating positionals). The input is the argument list, one argument per line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  onSmallStack {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let arguments = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    switch try? ArgumentParser(root: root).parse(arguments) {
    case .help(let command, let path)?: _ = HelpFormatter.help(for: command, path: path)
    case .run(let command, _)?: _ = HelpFormatter.usage(for: command, path: [command.name])
    case nil: break
    }
  }
  return 0
}

private let root = Command(
  name: "policyflow", abstract: "Process flows for insurance policies.",
  subcommands: [
    Command(
      name: "flows", abstract: "Check and draw process flows.",
      subcommands: [
        Command(
          name: "check", abstract: "Check the catalog.",
          options: [.value("--catalog", "dir", "The catalog directory.", default: "."), .flag("--json", "JSON.")],
          run: { _ in 0 }),
        Command(
          name: "draw", abstract: "Draw a flow.", arguments: [Positional(name: "code", help: "The flow.")],
          options: [.value("--format", "format", "text or mermaid.", default: "text")], run: { _ in 0 }),
      ]),
    Command(
      name: "policies", abstract: "Work with policies.",
      subcommands: [
        Command(
          name: "import", abstract: "Import policy files.",
          arguments: [Positional(name: "file", help: "Files.", isRepeating: true)],
          options: [
            .value("--db", "path", "The store.", required: true), .repeating("--group", "name", "Groups."),
            .flag("--json", "JSON."),
          ], run: { _ in 0 }),
        Command(
          name: "show", abstract: "Show a policy.",
          arguments: [
            Positional(name: "code", help: "The policy."),
            Positional(name: "version", help: "A version.", isOptional: true),
          ], options: [.value("--as", "user", "The acting user.")], run: { _ in 0 }),
      ]),
  ])
