import PolicyFlowCore

/// `policyflow catalog diff`: what changed between two catalog directories.
enum CatalogDiffCommand {
  static let command = Command(
    name: "diff",
    abstract: "List the flows, steps, rules, messages and pend reasons added, removed or changed.",
    discussion: """
      Compares two catalog directories definition by definition (as canonical JSON: key order and \
      layout are no change) and prints one line per difference, FILE:LINE:COLUMN: added|removed|changed \
      KIND NAME, with the members that changed (condition, text, rules…); the location is in --to, or in \
      --from for a removed definition. Then 'N added, N removed, N changed' on a line of its own. Both \
      catalogs must be valid (exit 65 otherwise); exit 0 whether or not they differ.
      """,
    options: [
      .value("--from", "dir", "The catalog as it was (a directory holding flows/ and rules/).", required: true),
      .value("--to", "dir", "The catalog as it would be.", required: true),
      CommonOptions.json,
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let fromDirectory = invocation.value("--from")!
    let toDirectory = invocation.value("--to")!
    let old = try CatalogCommand.load(fromDirectory)
    let new = try CatalogCommand.load(toDirectory)
    let diff = CatalogDiff(from: old, in: fromDirectory, to: new, in: toDirectory)
    if invocation.flag("--json") {
      let report: JSON = [
        "from": ["directory": .string(fromDirectory), "hash": .string(old.hash)],
        "to": ["directory": .string(toDirectory), "hash": .string(new.hash)],
        "changes": .array(diff.changes.map(\.json)),
      ]
      Terminal.out(report.serialized(pretty: true))
    } else {
      for change in diff.changes { Terminal.out(change.description) }
      Terminal.out(diff.summary)
    }
    return 0
  }
}
