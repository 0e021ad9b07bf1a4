import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies import`: bring policies into the store as version 1 in Edit.
enum PoliciesImport {
  static let command = Command(
    name: "import",
    abstract: "Import policies from .json (one policy or an array) or .jsonl files.",
    discussion: """
      Every bad document is reported as FILE:LINE:COLUMN: error: FIELD: SENTENCE, and then nothing is \
      imported. Imported policies start in Edit as version 1 with a new gid; --submit queues them for a worker.
      """,
    arguments: [Positional(name: "file", help: "A .json or .jsonl file.", isRepeating: true)],
    options: [
      StoreOptions.db, StoreOptions.actor,
      .flag("--submit", "Submit the imported policies for processing."),
      .value("--source", "source", "How they entered: integration or manual.", default: "integration"),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let sourceText = invocation.value("--source") ?? "integration"
    guard let source = PolicySource(rawValue: sourceText) else {
      throw UsageError(
        message: "Invalid value '\(sourceText)' for '--source <source>': expected integration or manual.",
        commandPath: invocation.commandPath)
    }
    var documents: [JSON] = []
    var findings: [Finding] = []
    for file in invocation.positionals {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        throw CommandFailure(message: "Cannot read '\(file)': it is missing, unreadable or not UTF-8 text.")
      }
      let parsed = PolicyImport.parse(text, file: file)
      documents += parsed.documents.map(\.data)
      findings += parsed.findings
    }
    guard findings.isEmpty else {
      for finding in findings { Terminal.error(finding.description) }
      Terminal.error("Error: \(findings.count) bad document\(findings.count == 1 ? "" : "s"); nothing was imported.")
      return ExitCode.invalidInput
    }
    let store = try StoreOptions.open(invocation)
    let submit = invocation.flag("--submit")
    do {
      let count = try store.createPolicies(
        documents, source: source, actor: StoreOptions.actor(invocation), submit: submit)
      Terminal.out(
        "Imported \(count) polic\(count == 1 ? "y" : "ies")\(submit ? (count == 1 ? " and submitted it" : " and submitted them") : "")."
      )
      return 0
    } catch let error as StoreError {
      throw CommandFailure(message: "\(error.message) Nothing was imported.", exitCode: StoreFailure.exitCode(error))
    }
  }
}

/// Exit codes for store refusals.
enum StoreFailure {
  static func exitCode(_ error: StoreError) -> Int32 {
    switch error.kind {
    case .invalidInput, .alreadyExists: ExitCode.invalidInput
    case .notPermitted: 77
    case .notFound, .refused: 1
    }
  }
}
