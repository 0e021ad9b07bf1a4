import PolicyFlowCore

/// Loading the catalog for commands that run policies through it.
enum CatalogCommand {
  /// The loaded catalog; on errors, prints every finding and fails with exit 65.
  static func load(_ directory: String) throws -> Catalog {
    try catalog(of: CatalogLoader.load(directory: directory), in: directory)
  }

  /// The catalog `result` loaded from `directory`; else its findings printed, and the failure.
  static func catalog(of result: CatalogLoadResult, in directory: String) throws -> Catalog {
    guard let catalog = result.catalog else {
      for finding in result.findings { Terminal.error(finding.description) }
      let errors = result.findings.errors.count
      throw CommandFailure(
        message: "the catalog in \(directory) has \(errors) error\(errors == 1 ? "" : "s"); "
          + "run 'policyflow flows check --catalog \(directory)' after fixing them.",
        exitCode: ExitCode.invalidInput, details: ["findings": .array(result.findings.map(FindingOutput.json))])
    }
    return catalog
  }
}
