import PolicyFlowCore

/// What shell completion and manual pages need from the command tree: every command with its
/// path, and what each option's value or positional argument can be. Read from the same
/// ``Command`` definitions as `--help`, so a new option completes and is documented at once.
struct CompletionModel {
  /// What may be typed as a value.
  enum ValueKind: Equatable {
    /// Anything (a code, a note, a number): nothing to offer.
    case any
    case files
    case directories
    /// One of these words.
    case words([String])
    /// A flow code of the catalog, asked of `policyflow completions --list-flows` when completing.
    case flows
  }

  struct Entry {
    var path: [String]
    var command: Command
  }

  let root: Command
  let entries: [Entry]

  init(root: Command) {
    self.root = root
    var entries: [Entry] = []
    func walk(_ command: Command, _ path: [String]) {
      entries.append(Entry(path: path, command: command))
      for sub in command.subcommands { walk(sub, path + [sub.name]) }
    }
    walk(root, [])
    self.entries = entries
  }

  /// Choices named by an option's name, where its help lists them in words.
  static let choices: [String: [String]] = [
    "--status": PolicyStatus.allCases.map(\.rawValue),
    "--log-format": ["human", "json"],
    "--format": ["text", "mermaid"],
    "--source": ["integration", "manual"],
  ]

  /// The value an option takes, from its name and placeholder.
  static func valueKind(of option: Option) -> ValueKind? {
    switch option.kind {
    case .value(let placeholder), .repeating(let placeholder): kind(name: option.name, placeholder: placeholder)
    case .flag: nil
    }
  }

  /// What a command's positional arguments are.
  static func valueKind(of argument: Positional) -> ValueKind {
    kind(name: argument.name, placeholder: argument.name)
  }

  private static func kind(name: String, placeholder: String) -> ValueKind {
    if let words = choices[name] { return .words(words) }
    if name == "shell" { return .words(CompletionScript.shells) }
    switch placeholder {
    case "path", "file": return .files
    case "dir": return .directories
    case "flow": return .flows
    default: return .any
    }
  }

  /// `-h` and `--help` answer everywhere, as the parser does.
  static func optionNames(_ command: Command) -> [String] {
    command.options.map(\.name) + ["--help"]
  }
}
