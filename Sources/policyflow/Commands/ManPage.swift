/// A manual page (roff, section 1) for one command, written from the same definition as its
/// `--help`: `policyflow-flows-check.1` for `policyflow flows check`.
struct ManPage {
  let path: [String]
  let command: Command
  let parent: [String]?

  /// Every page of the tool: the root and each command and group under it.
  static func all(root: Command) -> [ManPage] {
    CompletionModel(root: root).entries.map { entry in
      ManPage(
        path: [root.name] + entry.path, command: entry.command,
        parent: entry.path.isEmpty ? nil : [root.name] + entry.path.dropLast())
    }
  }

  /// `policyflow-flows-check`.
  var name: String { path.joined(separator: "-") }
  var fileName: String { name + ".1" }

  var text: String {
    var lines = [
      ".TH \(Self.escaped(name.uppercased())) 1 \"\" \"\(path[0]) \(PolicyFlowCommand.version)\" \"PolicyFlow Manual\"",
      ".SH NAME", "\(Self.escaped(name)) \\- \(Self.escaped(command.abstract))",
      ".SH SYNOPSIS", Self.escaped(HelpFormatter.usage(for: command, path: path)),
      ".SH DESCRIPTION", Self.escaped(command.abstract),
    ]
    if !command.discussion.isEmpty { lines += [".PP", Self.escaped(command.discussion)] }
    if !command.arguments.isEmpty {
      lines.append(".SH ARGUMENTS")
      for argument in command.arguments {
        lines += [".TP", "\\fI\(Self.escaped(argument.name))\\fR" + (argument.isRepeating ? " ..." : "")]
        lines.append(Self.escaped(argument.help))
      }
    }
    lines.append(".SH OPTIONS")
    for option in command.options {
      var label = "\\fB\(Self.escaped(option.name))\\fR"
      switch option.kind {
      case .value(let placeholder): label += " \\fI\(Self.escaped(placeholder))\\fR"
      case .repeating(let placeholder): label += " \\fI\(Self.escaped(placeholder))\\fR ..."
      case .flag: break
      }
      var help = option.help
      if let defaultDescription = option.defaultDescription { help += " (default: \(defaultDescription))" }
      if case .repeating = option.kind { help += " Can be repeated." }
      if option.isRequired { help += " Required." }
      lines += [".TP", label, Self.escaped(help)]
    }
    lines += [".TP", "\\fB\\-h\\fR, \\fB\\-\\-help\\fR", "Show help information."]
    if !command.subcommands.isEmpty {
      lines.append(".SH COMMANDS")
      for sub in command.subcommands {
        lines += [".TP", "\\fB\(Self.escaped(sub.name))\\fR", Self.escaped(sub.abstract)]
        lines.append("See \\fB\(Self.escaped(name))\\-\(Self.escaped(sub.name))\\fR(1).")
      }
    }
    if parent == nil {
      lines += [
        ".SH ENVIRONMENT",
        ".TP", "\\fBPOLICYFLOW_DB\\fR", "The store file when \\fB\\-\\-db\\fR is not given.",
        ".TP", "\\fBPOLICYFLOW_CATALOG\\fR", "The catalog directory when \\fB\\-\\-catalog\\fR is not given.",
        ".TP", "\\fBPOLICYFLOW_USER\\fR", "Who is acting when \\fB\\-\\-as\\fR is not given.",
        ".TP", "\\fBNO_COLOR\\fR", "When set, no colours, even on a terminal.",
        ".TP", "\\fBNOTIFY_SOCKET\\fR, \\fBWATCHDOG_USEC\\fR",
        "Set by systemd for \\fBpolicyflow worker\\fR: readiness, stopping and watchdog notifications.",
      ]
    }
    lines += [
      ".SH EXIT STATUS",
      "0 success; 1 failure (including a transition the lifecycle refuses); 64 usage error; "
        + "65 invalid input; 77 not permitted.",
      ".SH SEE ALSO",
      seeAlso.map { "\\fB\(Self.escaped($0))\\fR(1)" }.joined(separator: ", "),
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  private var seeAlso: [String] {
    var pages: [String] = []
    if let parent { pages.append(parent.joined(separator: "-")) }
    if parent?.count ?? 0 > 1 { pages.insert(path[0], at: 0) }
    pages += command.subcommands.map { "\(name)-\($0.name)" }
    return pages.isEmpty ? [path[0]] : pages
  }

  private static func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// Text safe in roff: backslashes and hyphens escaped, characters beyond ASCII named
  /// (`\[u2026]`), no line starting with a control character.
  static func escaped(_ text: String) -> String {
    var body = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": body += "\\e"
      case "-": body += "\\-"
      case _ where scalar.isASCII: body.unicodeScalars.append(scalar)
      default: body += "\\[u" + hex4(scalar.value) + "]"
      }
    }
    return body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
    }.joined(separator: "\n")
  }
}
