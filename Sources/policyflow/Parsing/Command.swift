import PolicyFlowCore

/// A command or command group of the `policyflow` tool: its help text, what it accepts, and
/// what it runs.
struct Command: Sendable {
  var name: String
  /// One line, shown after `OVERVIEW:` and in the parent's `SUBCOMMANDS:` list.
  var abstract: String
  /// Extra paragraphs for `--help`.
  var discussion: String = ""
  var arguments: [Positional] = []
  var options: [Option] = []
  var subcommands: [Command] = []
  /// Runs the command and returns the process exit code. Nil for a group that only holds
  /// subcommands (it prints its help).
  var run: (@Sendable (Invocation) throws -> Int32)?

  func subcommand(named name: String) -> Command? {
    subcommands.first { $0.name == name }
  }
}

/// A named option: `--catalog <dir>`, or a flag such as `--json`.
struct Option: Sendable {
  enum Kind: Sendable {
    /// Takes one value; given twice with different values, a usage error.
    case value(placeholder: String)
    /// Takes one value each time it is given, collecting them all.
    case repeating(placeholder: String)
    /// Takes no value.
    case flag
  }

  var name: String
  var kind: Kind
  var help: String
  var isRequired = false
  /// Shown as `(default: …)` in help.
  var defaultDescription: String?

  static func value(
    _ name: String, _ placeholder: String, _ help: String, required: Bool = false, default: String? = nil
  )
    -> Option
  {
    Option(
      name: name, kind: .value(placeholder: placeholder), help: help, isRequired: required,
      defaultDescription: `default`)
  }

  static func repeating(_ name: String, _ placeholder: String, _ help: String, required: Bool = false) -> Option {
    Option(name: name, kind: .repeating(placeholder: placeholder), help: help, isRequired: required)
  }

  static func flag(_ name: String, _ help: String) -> Option {
    Option(name: name, kind: .flag, help: help)
  }

  var takesValue: Bool {
    if case .flag = kind { return false }
    return true
  }

  /// `--catalog <dir>` or `--json`.
  var synopsis: String {
    switch kind {
    case .value(let placeholder), .repeating(let placeholder): "\(name) <\(placeholder)>"
    case .flag: name
    }
  }
}

/// A positional argument such as `<code>`.
struct Positional: Sendable {
  var name: String
  var help: String
  var isRepeating = false
  var isOptional = false
}

/// What the user typed, sorted out by the parser.
struct Invocation: Sendable {
  /// `policyflow flows check`.
  var commandPath: [String]
  var values: [String: [String]] = [:]
  var flags: Set<String> = []
  var positionals: [String] = []

  func value(_ name: String) -> String? { values[name]?.last }
  func all(_ name: String) -> [String] { values[name] ?? [] }
  func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// A mistake in how the command was called: printed with the usage line, exit 64.
struct UsageError: Error {
  var message: String
  var commandPath: [String]
}

/// A runtime failure to report as `Error: …` with the given exit code (1 unless said otherwise).
struct CommandFailure: Error {
  var message: String
  var exitCode: Int32 = 1
  /// For `--json`: members added to the `{"error", "exitCode"}` object, what the text printed
  /// above the `Error:` line (a catalog's findings).
  var details: [String: JSON] = [:]
}
