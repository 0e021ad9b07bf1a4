import PolicyFlowCore

/// `policyflow completions bash|zsh|fish`: a completion script for the shell, written from the
/// same command definitions as `--help`.
enum Completions {
  static let command = Command(
    name: "completions",
    abstract: "Print a shell completion script for bash, zsh or fish.",
    discussion: """
      Completes commands, options, policy statuses and other choices, files, and flow codes read from \
      the catalog (--catalog on the line, else $POLICYFLOW_CATALOG or the current directory). Install: \
      bash: policyflow completions bash > /usr/share/bash-completion/completions/policyflow; \
      zsh: policyflow completions zsh > \"${fpath[1]}/_policyflow\"; \
      fish: policyflow completions fish > ~/.config/fish/completions/policyflow.fish.
      """,
    arguments: [Positional(name: "shell", help: "bash, zsh or fish.", isOptional: true)],
    options: [
      CommonOptions.catalog,
      .flag("--list-flows", "Print the catalog's flow codes, one a line (the scripts call this)."),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    if invocation.flag("--list-flows") {
      // Completion must stay quiet: a catalog that does not load offers nothing.
      let catalog = CatalogLoader.load(directory: CommonOptions.catalogDirectory(invocation)).catalog
      for code in catalog?.flows.keys.sorted() ?? [] { Terminal.out(code) }
      return 0
    }
    guard let shell = invocation.positionals.first else {
      throw UsageError(
        message: "Missing expected argument '<shell>': bash, zsh or fish.", commandPath: invocation.commandPath)
    }
    guard let script = CompletionScript.script(for: shell, root: PolicyFlowCommand.root) else {
      throw UsageError(
        message: "Invalid value '\(shell)' for '<shell>': expected bash, zsh or fish."
          + Suggestion.didYouMean(shell, among: CompletionScript.shells),
        commandPath: invocation.commandPath)
    }
    Terminal.write(script, to: 1)
    return 0
  }
}
