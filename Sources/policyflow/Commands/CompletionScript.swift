/// Shell completion scripts for bash, zsh and fish, written from the command tree (see
/// ``CompletionModel``): subcommands, options, the values an option takes (files, directories,
/// policy statuses and other choices, flow codes read from the catalog when completing).
///
/// bash and zsh share the same lookup functions (plain `case` statements both shells read);
/// fish gets its own declarative `complete` lines (`CompletionScript+Fish.swift`).
enum CompletionScript {
  static let shells = ["bash", "zsh", "fish"]

  static func script(for shell: String, root: Command) -> String? {
    let model = CompletionModel(root: root)
    switch shell {
    case "bash": return header(shell, root) + lookups(model) + bashMain
    case "zsh": return "#compdef policyflow\n" + header(shell, root) + lookups(model) + zshMain
    case "fish": return header(shell, root) + fish(model)
    default: return nil
    }
  }

  private static func header(_ shell: String, _ root: Command) -> String {
    "# \(shell) completion for \(root.name) \(PolicyFlowCommand.version), written by "
      + "'\(root.name) completions \(shell)'.\n"
  }

  /// `'text'` for sh-like shells.
  static func quoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// The lines `_policyflow_value` prints for a kind of value: its name, then any words.
  private static func lookupLines(_ kind: CompletionModel.ValueKind) -> [String] {
    switch kind {
    case .any: ["any"]
    case .files: ["files"]
    case .directories: ["directories"]
    case .flows: ["flows"]
    case .words(let words): ["words"] + words
    }
  }

  private static func printf(_ lines: [String]) -> String {
    "printf '%s\\n' " + lines.map(quoted).joined(separator: " ")
  }

  /// `_policyflow_subcommands PATH` (name:abstract lines), `_policyflow_options PATH`,
  /// `_policyflow_value PATH OPTION` (nothing for a flag) and `_policyflow_positional PATH`.
  private static func lookups(_ model: CompletionModel) -> String {
    var subcommands = "_policyflow_subcommands() {\n  case \"$1\" in\n"
    var options = "_policyflow_options() {\n  case \"$1\" in\n"
    var values = "_policyflow_value() {\n  case \"$1|$2\" in\n"
    var positionals = "_policyflow_positional() {\n  case \"$1\" in\n"
    for entry in model.entries {
      let path = quoted(entry.path.joined(separator: " "))
      let command = entry.command
      if !command.subcommands.isEmpty {
        let lines = command.subcommands.map { "\($0.name):\($0.abstract)" }
        subcommands += "    \(path)) \(printf(lines)) ;;\n"
      }
      options += "    \(path)) \(printf(CompletionModel.optionNames(command))) ;;\n"
      for option in command.options {
        guard let kind = CompletionModel.valueKind(of: option) else { continue }
        let key = quoted(entry.path.joined(separator: " ") + "|" + option.name)
        values += "    \(key)) \(printf(lookupLines(kind))) ;;\n"
      }
      if let argument = command.arguments.first {
        positionals += "    \(path)) \(printf(lookupLines(CompletionModel.valueKind(of: argument)))) ;;\n"
      }
    }
    let end = "  esac\n}\n"
    return [subcommands, options, values, positionals].map { $0 + end }.joined() + commonFunctions
  }

  /// Walks the words before the cursor: the command path, and the catalog named on the line.
  private static let commonFunctions = """
    # Sets _pf_path (the subcommands typed so far) and _pf_catalog from the words given.
    _policyflow_walk() {
      _pf_path="" _pf_catalog=""
      local skip="" word previous=""
      for word in "$@"; do
        if [ -n "$skip" ]; then
          skip=""
          [ "$previous" = "--catalog" ] && _pf_catalog="$word"
        else
          case "$word" in
            --catalog=*) _pf_catalog="${word#--catalog=}" ;;
            -*=*) ;;
            -*) [ -n "$(_policyflow_value "$_pf_path" "$word")" ] && skip=1 ;;
            *) if _policyflow_subcommands "$_pf_path" | cut -d: -f1 | grep -qxF -- "$word"; then
                 _pf_path="${_pf_path:+$_pf_path }$word"
               fi ;;
          esac
        fi
        previous="$word"
      done
    }

    _policyflow_flows() {
      policyflow completions --list-flows ${_pf_catalog:+--catalog "$_pf_catalog"} 2>/dev/null
    }

    """

  private static let bashMain = """
    _policyflow() {
      local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
      _policyflow_walk "${COMP_WORDS[@]:1:COMP_CWORD-1}"
      local -a kind=()
      [[ "$prev" == -* && "$COMP_CWORD" -gt 1 ]] && mapfile -t kind < <(_policyflow_value "$_pf_path" "$prev")
      if [ ${#kind[@]} -eq 0 ]; then
        if [[ "$cur" == -* ]]; then
          mapfile -t COMPREPLY < <(compgen -W "$(_policyflow_options "$_pf_path")" -- "$cur")
          return
        fi
        local subcommands
        subcommands="$(_policyflow_subcommands "$_pf_path" | cut -d: -f1)"
        if [ -n "$subcommands" ]; then
          mapfile -t COMPREPLY < <(compgen -W "$subcommands" -- "$cur")
          return
        fi
        mapfile -t kind < <(_policyflow_positional "$_pf_path")
      fi
      COMPREPLY=()
      case "${kind[0]}" in
        files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
        directories) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
        flows) mapfile -t COMPREPLY < <(compgen -W "$(_policyflow_flows)" -- "$cur") ;;
        words)
          local word
          for word in "${kind[@]:1}"; do
            [[ "$word" == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$word")")
          done ;;
      esac
    }
    complete -F _policyflow policyflow

    """

  private static let zshMain = """
    _policyflow() {
      local cur="${words[CURRENT]}" prev="${words[CURRENT-1]}"
      _policyflow_walk "${(@)words[2,CURRENT-1]}"
      local -a kind
      [[ "$prev" == -* && CURRENT -gt 2 ]] && kind=("${(@f)$(_policyflow_value "$_pf_path" "$prev")}")
      if [[ -z "${kind[1]}" ]]; then
        if [[ "$cur" == -* ]]; then
          compadd -- "${(@f)$(_policyflow_options "$_pf_path")}"
          return
        fi
        local -a subcommands
        subcommands=("${(@f)$(_policyflow_subcommands "$_pf_path")}")
        if [[ -n "${subcommands[1]}" ]]; then
          _describe -t commands 'policyflow command' subcommands
          return
        fi
        kind=("${(@f)$(_policyflow_positional "$_pf_path")}")
      fi
      case "${kind[1]}" in
        files) _files ;;
        directories) _directories ;;
        flows) compadd -- "${(@f)$(_policyflow_flows)}" ;;
        words) compadd -- "${(@)kind[2,-1]}" ;;
      esac
    }

    if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
      _policyflow "$@"
    else
      compdef _policyflow policyflow
    fi

    """
}
