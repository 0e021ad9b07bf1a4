import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies import`: bring policies into the store as version 1 in Edit.
enum PoliciesImport {
  static let command = Command(
    name: "import",
    abstract: "Import policies from .json (one policy or an array), .jsonl or .csv files.",
    discussion: """
      Every bad record is reported as FILE:LINE: FIELD: SENTENCE, and then nothing is imported. \
      CSV: a header row names fields by dotted path (policyholder.country, enrollments.0.role); canonical \
      integers become numbers, other cells stay text, empty cells are absent; a header ending in :json \
      reads JSON cells, :string keeps digits as text. Imported policies start in Edit as version 1 with a new gid; --submit queues them for a worker.
      """,
    arguments: [Positional(name: "file", help: "A .json, .jsonl or .csv file.", isRepeating: true)],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
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
    let store = try StoreOptions.open(invocation)
    let documents = try ImportFiles.read(invocation.positionals, showProgress: true, store: store)
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

/// A progress bar on stderr for reading a large file (over 5 MB), drawn only when stderr is a
/// terminal so that logs and pipes stay clean.
final class ProgressBar {
  private let label: String
  private var shown = -1

  /// Nil when no bar should be drawn.
  init?(label: String, size: Int) {
    guard size > 5_000_000, isatty(2) == 1 else { return nil }
    self.label = label
  }

  /// Redraws the bar at `fraction` (0…1) when the percentage changed.
  func show(_ fraction: Double) {
    let percent = Int((min(max(fraction, 0), 1) * 100).rounded(.down))
    guard percent != shown else { return }
    shown = percent
    let filled = percent * 30 / 100
    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: 30 - filled)
    Terminal.write("\rReading \(label) [\(bar)] \(percent)%", to: 2)
  }

  /// Clears the bar's line.
  func finish() {
    Terminal.write("\r\u{1B}[2K", to: 2)
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

/// Reading import files for commands: every bad row printed as `FILE:LINE: field: sentence`,
/// then one failure (exit 65), so nothing is imported from a file with a bad row.
enum ImportFiles {
  /// With `store`, a code the store already has is a bad row too.
  static func read(_ files: [String], showProgress: Bool, store: PolicyStore? = nil) throws -> [PolicyImport.Document] {
    var results: [PolicyImport.Result] = []
    for file in files {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        throw CommandFailure(message: "Cannot read '\(file)': it is missing, unreadable or not UTF-8 text.")
      }
      let bar = showProgress ? ProgressBar(label: file, size: text.utf8.count) : nil
      results.append(PolicyImport.parse(text, file: file, progress: bar.map { bar in { bar.show($0) } }))
      bar?.finish()
    }
    let parsed = PolicyImport.combine(results)
    var findings = parsed.rowFindings
    if let store {
      let existing = try store.existingCodes(among: parsed.documents.compactMap { $0.data[path: "code"]?.stringValue })
      for document in parsed.documents {
        guard let code = document.data[path: "code"]?.stringValue, existing.contains(code) else { continue }
        findings.append(
          ImportFinding(
            file: document.file, line: document.line, field: "code",
            sentence: "'\(code)' already exists in the store; edit it instead of importing it again"))
      }
    }
    guard findings.isEmpty else {
      for finding in findings { Terminal.error(finding.description) }
      let records = Set(findings.map { "\($0.file):\($0.line)" }).count
      throw CommandFailure(
        message:
          "\(findings.count) problem\(findings.count == 1 ? "" : "s") in \(records) record\(records == 1 ? "" : "s"); "
          + "nothing was imported.", exitCode: ExitCode.invalidInput)
    }
    return parsed.documents
  }
}
