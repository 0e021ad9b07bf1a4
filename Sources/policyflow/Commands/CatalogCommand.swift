import PolicyFlowCore

/// Loading the catalog for commands that run policies through it.
enum CatalogCommand {
  /// The loaded catalog; on errors, prints every finding and fails with exit 65.
  static func load(_ directory: String) throws -> Catalog {
    let result = CatalogLoader.load(directory: directory)
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
