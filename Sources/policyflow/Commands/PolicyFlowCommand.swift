/// The command tree of `policyflow`.
enum PolicyFlowCommand {
  static let version = "0.1.0"

  static let root = Command(
    name: "policyflow",
    abstract: "A process-flow rules engine for insurance policies.",
    discussion: """
      Flows and rules are JSON files in a catalog directory (flows/ and rules/). Policies run through \
      their flow; rules attach messages and pend reasons; every outcome can be explained.
      """,
    options: [
      .flag("--version", "Show the version."),
      .flag("--verbose", "With any command: on a store failure, also print the SQL statement that failed."),
    ],
    subcommands: [
      Command(
        name: "flows", abstract: "Check and draw the catalog of process flows and rules.",
        subcommands: [FlowsCheck.command, FlowsDraw.command]),
      Command(
        name: "policies", abstract: "Import, inspect, change, explain and dry-run policies.",
        subcommands: [
          PoliciesImport.command, PoliciesList.list, PoliciesList.show, PoliciesSubmit.command, PoliciesChange.edit,
          PoliciesChange.revert, PoliciesChange.cancel, PoliciesDecline.command, PoliciesExplain.command,
          PoliciesHistory.command, PoliciesValidate.command, PoliciesReplay.command,
        ]),
      TestCommand.command,
      Command(
        name: "catalog", abstract: "Compare catalogs, and publish the one every worker runs.",
        subcommands: [
          CatalogDiffCommand.command, CatalogPublishCommand.publish, CatalogPublishCommand.list,
          CatalogPublishCommand.activate,
        ]),
      Pends.command,
      Users.command,
      Command(
        name: "logic", abstract: "Evaluate JsonLogic expressions.",
        subcommands: [LogicEval.command]),
      Init.command,
      StoreCopyCommand.command,
      AuditCommand.command,
      WorkerCommand.command,
      QueueCommand.command,
      Demo.command,
      Completions.command,
      ManPages.command,
    ])
}

/// Options several commands share.
enum CommonOptions {
  static let catalog = Option.value(
    "--catalog", "dir", "The catalog directory, holding flows/ and rules/.",
    default: "$POLICYFLOW_CATALOG, else the current directory")
  static let json = Option.flag("--json", "Print JSON for scripts instead of text.")

  static func catalogDirectory(_ invocation: Invocation) -> String {
    invocation.value("--catalog") ?? Terminal.environment("POLICYFLOW_CATALOG") ?? "."
  }
}
