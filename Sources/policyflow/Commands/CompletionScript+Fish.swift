/// fish: one `complete` line per subcommand, option and argument, each guarded by the command
/// path typed so far.
extension CompletionScript {
  /// `'text'` for fish, where only `\` and `'` need escaping inside single quotes.
  static func fishQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
  }

  static func fish(_ model: CompletionModel) -> String {
    var subcommandPairs: [String] = []
    var valueOptions: [String] = []
    var lines: [String] = []
    for entry in model.entries {
      let path = entry.path.joined(separator: " ")
      let condition = "-n " + fishQuoted("__policyflow_is \(fishQuoted(path))")
      for sub in entry.command.subcommands {
        subcommandPairs.append("\(path)|\(sub.name)")
        lines.append(
          "complete -c policyflow \(condition) -f -a \(fishQuoted(sub.name)) -d \(fishQuoted(sub.abstract))")
      }
      for option in entry.command.options {
        var line = "complete -c policyflow \(condition) -l \(String(option.name.dropFirst(2)))"
        if let kind = CompletionModel.valueKind(of: option) {
          valueOptions.append("\(path)|\(option.name)")
          line += " " + arguments(kind)
        }
        lines.append(line + " -d \(fishQuoted(option.help))")
      }
      if let argument = entry.command.arguments.first, entry.command.subcommands.isEmpty {
        let kind = CompletionModel.valueKind(of: argument)
        if kind != .any { lines.append("complete -c policyflow \(condition) \(arguments(kind))") }
      }
    }
    return """
      complete -c policyflow -f
      set -g __policyflow_subcommands \(subcommandPairs.map(fishQuoted).joined(separator: " "))
      set -g __policyflow_value_options \(valueOptions.map(fishQuoted).joined(separator: " "))

      # The subcommands typed so far, skipping options and their values.
      function __policyflow_path
          set -l path ''
          set -l skip 0
          for token in (commandline -opc)[2..-1]
              if test $skip = 1
                  set skip 0
              else if string match -q -- '-*=*' $token
              else if string match -q -- '-*' $token
                  contains -- "$path|$token" $__policyflow_value_options; and set skip 1
              else if contains -- "$path|$token" $__policyflow_subcommands
                  set path (string trim -- "$path $token")
              end
          end
          echo $path
      end

      function __policyflow_is
          test (__policyflow_path) = "$argv[1]"
      end

      # Flow codes of the catalog named on the line, else $POLICYFLOW_CATALOG or the current directory.
      function __policyflow_flows
          set -l tokens (commandline -opc)
          set -l index (contains -i -- --catalog $tokens)
          if test -n "$index"; and test (count $tokens) -gt $index
              policyflow completions --list-flows --catalog $tokens[(math $index + 1)] 2>/dev/null
          else
              policyflow completions --list-flows 2>/dev/null
          end
      end

      \(lines.joined(separator: "\n"))

      """
  }

  /// The `complete` arguments offering a kind of value.
  private static func arguments(_ kind: CompletionModel.ValueKind) -> String {
    switch kind {
    case .any: "-x"
    case .files: "-r -F"
    case .directories: "-x -a '(__fish_complete_directories)'"
    case .flows: "-x -a '(__policyflow_flows)'"
    case .words(let words):
      "-x -a " + fishQuoted(words.map { $0.replacingOccurrences(of: " ", with: "\\ ") }.joined(separator: " "))
    }
  }
}
