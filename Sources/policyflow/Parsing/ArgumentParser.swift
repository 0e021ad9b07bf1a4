import PolicyFlowCore

/// Parses `policyflow` arguments the way swift-argument-parser does: `--opt value`,
/// `--opt=value`, `--` ends options, `-h`/`--help` anywhere, `help <command>`.
struct ArgumentParser {
  let root: Command

  enum Result {
    case run(Command, Invocation)
    case help(Command, path: [String])
  }

  func parse(_ arguments: [String]) throws(UsageError) -> Result {
    var command = root
    var path = [root.name]
    var remaining = arguments[...]

    if remaining.first == "help" {
      remaining.removeFirst()
      for name in remaining {
        guard let next = command.subcommand(named: name) else {
          throw unknownSubcommand(name, of: command, path: path)
        }
        command = next
        path.append(name)
      }
      return .help(command, path: path)
    }

    while let next = remaining.first, !command.subcommands.isEmpty {
      if next == "-h" || next == "--help" { return .help(command, path: path) }
      if next.hasPrefix("-") { break }
      guard let sub = command.subcommand(named: next) else {
        throw unknownSubcommand(next, of: command, path: path)
      }
      command = sub
      path.append(next)
      remaining.removeFirst()
    }

    guard command.run != nil else {
      if let next = remaining.first, next != "-h", next != "--help" {
        throw UsageError(message: "Unexpected argument \(Excerpt.name(next)).", commandPath: path)
      }
      return .help(command, path: path)
    }

    var invocation = Invocation(commandPath: path)
    var optionsEnded = false
    while let argument = remaining.popFirst() {
      if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
        invocation.positionals.append(argument)
        continue
      }
      if argument == "--" {
        optionsEnded = true
        continue
      }
      if argument == "-h" || argument == "--help" { return .help(command, path: path) }
      let (name, inlineValue) = split(argument)
      guard let option = command.options.first(where: { $0.name == name }) else {
        let suggestion = Suggestion.didYouMean(name, among: command.options.map(\.name))
        throw UsageError(message: "Unknown option \(Excerpt.name(name)).\(suggestion)", commandPath: path)
      }
      if option.takesValue {
        let value: String
        if let inlineValue {
          value = inlineValue
        } else if let next = remaining.first, !next.hasPrefix("--") {
          value = next
          remaining.removeFirst()
        } else {
          throw UsageError(message: "Missing value for '\(option.synopsis)'.", commandPath: path)
        }
        if case .value = option.kind, let earlier = invocation.values[name]?.first, earlier != value {
          // Keeping the last would quietly drop a filter or a target the user meant.
          throw UsageError(
            message:
              "'\(name)' was given twice (\(Excerpt.name(earlier)) and \(Excerpt.name(value))); it takes one value.",
            commandPath: path)
        }
        invocation.values[name, default: []].append(value)
      } else {
        if let inlineValue {
          throw UsageError(
            message: "The flag '\(name)' takes no value, found \(Excerpt.name(inlineValue)).", commandPath: path)
        }
        invocation.flags.insert(name)
      }
    }

    for option in command.options where option.isRequired && invocation.values[option.name] == nil {
      throw UsageError(message: "Missing expected argument '\(option.synopsis)'.", commandPath: path)
    }
    try checkPositionals(invocation.positionals, of: command, path: path)
    return .run(command, invocation)
  }

  private func split(_ argument: String) -> (String, String?) {
    guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
    return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
  }

  private func checkPositionals(_ given: [String], of command: Command, path: [String]) throws(UsageError) {
    let required = command.arguments.filter { !$0.isOptional }.count
    let acceptsMany = command.arguments.contains { $0.isRepeating }
    if given.count < required {
      let missing = command.arguments[given.count]
      throw UsageError(message: "Missing expected argument '<\(missing.name)>'.", commandPath: path)
    }
    if !acceptsMany, given.count > command.arguments.count {
      throw UsageError(
        message: "Unexpected argument \(Excerpt.name(given[command.arguments.count])).", commandPath: path)
    }
  }

  private func unknownSubcommand(_ name: String, of command: Command, path: [String]) -> UsageError {
    let names = command.subcommands.map(\.name)
    let suggestion = Suggestion.didYouMean(name, among: names)
    let known = names.isEmpty ? "" : " Expected one of: \(names.joined(separator: ", "))."
    return UsageError(message: "Unknown subcommand \(Excerpt.name(name)).\(suggestion)\(known)", commandPath: path)
  }
}
