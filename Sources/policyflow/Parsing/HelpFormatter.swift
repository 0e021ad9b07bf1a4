/// Renders `--help` in swift-argument-parser's layout: OVERVIEW, USAGE, ARGUMENTS, OPTIONS,
/// SUBCOMMANDS.
enum HelpFormatter {
  static let labelWidth = 26

  static func help(for command: Command, path: [String]) -> String {
    var text = "OVERVIEW: \(command.abstract)\n"
    if !command.discussion.isEmpty { text += "\n\(command.discussion)\n" }
    text += "\nUSAGE: \(usage(for: command, path: path))\n"
    if !command.arguments.isEmpty {
      text += "\nARGUMENTS:\n"
      for argument in command.arguments {
        text += row("<\(argument.name)>" + (argument.isRepeating ? " ..." : ""), argument.help)
      }
    }
    text += "\nOPTIONS:\n"
    for option in command.options {
      var help = option.help
      if let defaultDescription = option.defaultDescription { help += " (default: \(defaultDescription))" }
      if case .repeating = option.kind { help += " (can be repeated)" }
      text += row(option.synopsis, help)
    }
    text += row("-h, --help", "Show help information.")
    if !command.subcommands.isEmpty {
      text += "\nSUBCOMMANDS:\n"
      for sub in command.subcommands { text += row(sub.name, sub.abstract) }
      text += "\n  See '\(path.first ?? "policyflow") help <subcommand>' for detailed help.\n"
    }
    return text
  }

  static func usage(for command: Command, path: [String]) -> String {
    var parts = [path.joined(separator: " ")]
    if !command.subcommands.isEmpty && command.run == nil {
      parts.append("<subcommand>")
      return parts.joined(separator: " ")
    }
    for option in command.options {
      var synopsis = option.synopsis
      if case .repeating = option.kind { synopsis += " ..." }
      parts.append(option.isRequired ? synopsis : "[\(synopsis)]")
    }
    for argument in command.arguments {
      var synopsis = "<\(argument.name)>"
      if argument.isRepeating { synopsis += " ..." }
      parts.append(argument.isOptional ? "[\(synopsis)]" : synopsis)
    }
    return parts.joined(separator: " ")
  }

  private static func row(_ label: String, _ help: String) -> String {
    let indented = "  " + label
    if indented.count + 2 > labelWidth {
      return indented + "\n" + String(repeating: " ", count: labelWidth) + help + "\n"
    }
    return indented + String(repeating: " ", count: labelWidth - indented.count) + help + "\n"
  }
}
