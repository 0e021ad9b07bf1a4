import PolicyFlowCore

/// `policyflow flows check`: load and validate the whole catalog, report every finding.
enum FlowsCheck {
  static let command = Command(
    name: "check",
    abstract: "Validate every flow and rule file and report all problems at once.",
    discussion: """
      Each problem is printed as FILE:LINE:COLUMN: error: SENTENCE on stderr. Unused definitions are \
      warnings. A valid catalog is then tried on sample policies (--sample, else the catalog's \
      examples/policies): every condition, message value, derived field and limit of authority of the rules \
      that apply to a sample is evaluated on it, as a cycle evaluates it (an operand of and, or and if that \
      the sample's data does not reach is not evaluated: only samples that reach it try it), and a \
      warning names each one that fails (a policy like it would get a fatal RULE_ERROR) or whose answer \
      rests on JsonLogic that changed with the community semantics (an empty object is false, null == 0, \
      a computed operand spread as arguments), where the cycle itself refuses a sample (a derived value \
      the engine refuses; a premium line that fails on a sample it approved or pended), and each rule, limit \
      of authority or premium line that reads a path none of the samples has (most likely misspelt: it reads as \
      null on every policy, and a limit then holds for any sum). A rule \
      that reads a field its flow derives only later, a field derived from its own value (it compounds on every \
      cycle), two rules that derive from each other and a has_message test of a message only a later rule \
      attaches are warned without samples. Exit status: 0 when the catalog is valid \
      (warnings allowed), 65 when it has errors.
      """,
    options: [
      CommonOptions.catalog,
      .repeating("--sample", "path", "A sample policy file, or a directory of them."),
      CommonOptions.json,
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let directory = CommonOptions.catalogDirectory(invocation)
    var result = CatalogLoader.load(directory: directory)
    var samples: Int?
    var unsampled: [String] = []
    if let catalog = result.catalog {
      let tried = try sampleFindings(
        catalog, in: directory, samples: invocation.all("--sample"), commandPath: invocation.commandPath)
      result.findings += tried.findings
      samples = tried.samples
      unsampled = tried.unsampledFlows
    }
    let errors = result.findings.errors.count
    let warnings = result.findings.warnings.count
    if invocation.flag("--json") {
      var report: JSON = [
        "valid": .bool(result.catalog != nil),
        "errors": .int(errors),
        "warnings": .int(warnings),
        "findings": .array(result.findings.map(FindingOutput.json)),
        "samples": samples.map(JSON.int) ?? .null,
        "unsampledFlows": .array(unsampled.map(JSON.string)),
      ]
      if let catalog = result.catalog {
        report.set(path: "hash", to: .string(catalog.hash))
        report.set(path: "flows", to: .array(catalog.flows.keys.sorted().map { .string($0) }))
      }
      Terminal.out(report.serialized(pretty: true))
    } else {
      for finding in result.findings { Terminal.error(finding.description) }
      if samples == 0 {
        Terminal.error(noSamplesNote(directory, samples: invocation.all("--sample")))
      } else if !unsampled.isEmpty {
        // A new product's flow that no sample reaches passed every check on samples unseen.
        Terminal.error(
          "Note: no sample runs the flow\(unsampled.count == 1 ? "" : "s") \(unsampled.joined(separator: ", ")): "
            + "\(unsampled.count == 1 ? "its" : "their") rules, limits of authority and premium lines were tried on "
            + "none; add a sample policy of \(unsampled.count == 1 ? "it" : "each") (--sample FILE).")
      }
      if let catalog = result.catalog {
        let rules = catalog.validationRules.count + catalog.pendRules.count
        Terminal.out(
          "Catalog \(directory) is valid: \(catalog.flows.count) flows, \(rules) rules, "
            + "\(catalog.messages.count) messages, \(catalog.pendReasons.count) pend reasons"
            + (warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "") + ".")
        Terminal.out("Catalog hash: \(catalog.hash)")
      } else {
        Terminal.error(
          "Error: the catalog in \(directory) has \(errors) error\(errors == 1 ? "" : "s")"
            + (warnings > 0 ? " and \(warnings) warning\(warnings == 1 ? "" : "s")" : "") + ".")
      }
    }
    return result.catalog == nil ? ExitCode.invalidInput : 0
  }
}

extension FlowsCheck {
  /// What trying a valid catalog on sample policies finds (`samples`, else the catalog's
  /// `examples/policies`): the checks `flows check` runs after loading, and `catalog publish` too.
  /// How many samples were tried comes with them: with none, a rule that fails on every policy
  /// passes, and the caller says so.
  /// The active flows none of the samples runs come with them too (rule author trial).
  static func sampleFindings(_ catalog: Catalog, in directory: String, samples paths: [String], commandPath: [String])
    throws -> (findings: [Finding], samples: Int, unsampledFlows: [String])
  {
    let (samples, unread) = try CompatibilitySamples.load(paths, catalog: directory)
    let time = try PoliciesValidate.referenceTime(nil, commandPath: commandPath)
    let findings =
      unread + CatalogCompatibility.findings(for: catalog, samples: samples, at: time)
      + CatalogUnreadPaths.findings(for: catalog, samples: samples, at: time)
    return (findings, samples.count, CatalogCompatibility.unsampledFlows(of: catalog, samples: samples))
  }

  /// What a check without samples did not do, for stderr: `samples` are the `--sample` paths given
  /// (which held none), else the catalog's examples were looked for.
  static func noSamplesNote(_ directory: String, samples: [String] = []) -> String {
    let looked =
      samples.isEmpty
      ? "none in \(CatalogLoader.displayPath(directory, "examples/policies")), no --sample"
      : "the --sample files hold none"
    return "Note: no sample policy was tried (\(looked)): a rule that fails on every policy, or reads a misspelt "
      + "path, is not found without them."
  }
}

/// Findings as scripts read them.
enum FindingOutput {
  static func json(_ finding: Finding) -> JSON {
    [
      "file": .string(finding.file), "line": .int(finding.location.line), "column": .int(finding.location.column),
      "severity": .string(finding.severity.rawValue), "message": .string(finding.message),
    ]
  }
}

/// Exit codes beyond 0, 1 and 64 (sysexits.h).
enum ExitCode {
  /// Input data was invalid: a broken catalog, a malformed policy file.
  static let invalidInput: Int32 = 65
  /// The user lacks a right: a role, a data access group, administrator.
  static let notPermitted: Int32 = 77
}
