import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies import`: bring policies into the store as version 1 in Edit.
enum PoliciesImport {
  static let command = Command(
    name: "import",
    abstract: "Import policies from .json (one policy or an array), .jsonl / .ndjson or .csv files.",
    discussion: """
      Every bad record is reported as FILE:LINE: FIELD: SENTENCE, and then nothing is imported. \
      CSV: a header row names fields by dotted path (policyholder.country, enrollments.0.role); canonical \
      integers become numbers, other cells stay text, empty cells are absent; a header ending in :json \
      reads JSON cells, :string keeps digits as text. Imported policies start in Edit as version 1 with a new gid; --submit queues them for a worker.
      """,
    arguments: [
      Positional(
        name: "file",
        help:
          "A .json, .jsonl, .ndjson or .csv file, a directory of them (its files in name order), or - for standard "
          + "input (a JSON array or object, JSON Lines or CSV, told by its text).",
        isRepeating: true)
    ],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .flag("--submit", "Submit the imported policies for processing."),
      .flag(
        "--skip-existing",
        "Leave out records whose code the store already has (their policies untouched; the codes are listed) "
          + "instead of refusing the import: a migration run again, a feed that repeats records."),
      .value(
        "--source", "source", "How records that carry no source entered: integration or manual (a record's own wins).",
        default: "integration"),
      CommonOptions.json,
      .flag("--quiet", "Print nothing but errors: no progress bar (shown on a terminal only), no summary line."),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let sourceText = invocation.value("--source") ?? "integration"
    guard let source = PolicySource(rawValue: sourceText) else {
      throw UsageError(
        message: "Invalid value \(Excerpt.name(sourceText)) for '--source <source>': expected integration or manual.",
        commandPath: invocation.commandPath)
    }
    let store = try StoreOptions.open(invocation)
    let submit = invocation.flag("--submit")
    let json = invocation.flag("--json")
    do {
      let files = try PolicyFiles.expand(invocation.positionals)
      var skipped: [(code: String, differs: Bool)] = []
      let count = try ImportFiles.importAll(
        files, into: store, source: source, actor: StoreOptions.actor(invocation), submit: submit,
        showProgress: !invocation.flag("--quiet"), refusalsAsJSON: json,
        skippingExisting: invocation.flag("--skip-existing") ? { skipped.append(($0, $1)) } : nil)
      // All or nothing: had any file a record, good or bad, the count would not be 0 here.
      if count == 0, skipped.isEmpty {
        let named = files.map { "'\($0)'" }.joined(separator: ", ")
        Terminal.error("Note: \(named) \(files.count == 1 ? "holds" : "hold") no policy records.")
      }
      let changed = skipped.filter(\.differs).map(\.code)
      if json {
        var summary: JSON = ["imported": .int(count), "submitted": .bool(submit && count > 0)]
        if invocation.flag("--skip-existing") {
          summary.set(path: "skipped", to: .int(skipped.count))
          summary.set(path: "skippedCodes", to: .array(skipped.map { .string($0.code) }))
          summary.set(path: "skippedChangedCodes", to: .array(changed.map(JSON.string)))
        }
        Terminal.out(summary.serialized(pretty: true))
      } else if !invocation.flag("--quiet") {
        let submitted = submit && count > 0 ? (count == 1 ? " and submitted it" : " and submitted them") : ""
        Terminal.out(
          "Imported \(count) polic\(count == 1 ? "y" : "ies")\(submitted)"
            + (skipped.isEmpty ? "." : "; left out \(skipped.count) the store already has (--skip-existing)."))
        if !skipped.isEmpty {
          Terminal.error("Note: left out, already in the store: \(Self.listed(skipped.map(\.code))).")
        }
      }
      if !changed.isEmpty {
        // Said even with --quiet: a feed's changes that were not applied are not a detail.
        Terminal.error(
          "Warning: \(changed.count) of the records left out give\(changed.count == 1 ? "s" : "") other values than the "
            + "policy in the store, which were not applied: \(Self.listed(changed)). 'policyflow policies edit CODE "
            + "--data FILE' applies a record to its policy.")
      }
      return 0
    } catch let error as StoreError {
      throw CommandFailure(message: "\(error.message) Nothing was imported.", exitCode: StoreFailure.exitCode(error))
    }
  }
}

extension PoliciesImport {
  /// The first ten codes, and how many more (--json lists every one).
  static func listed(_ codes: [String]) -> String {
    codes.prefix(10).joined(separator: ", ")
      + (codes.count > 10 ? " and \(codes.count - 10) more (--json lists every one)" : "")
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
    case .notPermitted: ExitCode.notPermitted
    case .notFound, .refused, .damaged: 1
    }
  }
}

/// Importing files for commands: every bad row printed as `FILE:LINE: field: sentence`, then one
/// failure (exit 65), and nothing imported from files with a bad row; records in data access
/// groups the user does not hold are named too (alone: exit 77).
enum ImportFiles {
  /// How many findings a refused import prints on stderr before it counts the rest.
  static let printedFindings = 100

  /// Reads `files` and creates their policies in `store`, all or none (see
  /// ``PolicyStore/importPolicies(_:source:actor:submit:progress:)``).
  static func importAll(
    _ files: [String], into store: PolicyStore, source: PolicySource, actor: String, submit: Bool,
    showProgress: Bool, refusalsAsJSON: Bool = false, skippingExisting: ((String, Bool) -> Void)? = nil
  ) throws -> Int {
    // A file that is not UTF-8 text is a finding like a bad row's, and the other files are still
    // checked: a migration mends every problem in one pass, not one run per bad byte.
    var texts: [(name: String, text: String)] = []
    var unreadable: [String: ImportFinding] = [:]
    for file in files {
      do {
        texts.append((file, try PolicyFiles.readText(file)))
      } catch let error as FindingError {
        let finding = error.finding
        unreadable[file] = ImportFinding(
          file: finding.file, line: finding.location.line, column: finding.location.column, field: "encoding",
          sentence: finding.message)
      }
    }
    var bars: [String: ProgressBar] = [:]
    if showProgress {
      for (name, text) in texts { bars[name] = ProgressBar(label: name, size: text.utf8.count) }
    }
    defer { for bar in bars.values { bar.finish() } }
    do {
      if !unreadable.isEmpty {
        let parsed = PolicyImport.combine(texts.map { PolicyImport.parse($0.text, file: $0.name) }).rowFindings
        throw ImportRefusal(
          findings: files.flatMap { file in unreadable[file].map { [$0] } ?? parsed.filter { $0.file == file } })
      }
      return try store.importPolicies(
        texts, source: source, actor: actor, submit: submit,
        progress: { name, fraction in bars[name]?.show(fraction) }, skippingExisting: skippingExisting)
    } catch let refusal as ImportAccessRefusal {
      if refusalsAsJSON { Terminal.out(report(findings: nil, outside: refusal).serialized(pretty: true)) }
      throw CommandFailure(message: refusal.message + "Nothing was imported.", exitCode: ExitCode.notPermitted)
    } catch let refusal as ImportRefusal {
      let access = refusal.outsideAccessGroups
      if refusalsAsJSON {
        // For scripts: every finding on stdout, the summary below on stderr as always.
        Terminal.out(report(findings: refusal.findings, outside: access).serialized(pretty: true))
      } else {
        // A re-run of a migration whose codes the store has already would print a line per
        // record: the first ones say what is wrong, the count the rest, --json every one.
        for finding in refusal.findings.prefix(Self.printedFindings) { Terminal.error(finding.description) }
        if refusal.findings.count > Self.printedFindings {
          let more = refusal.findings.count - Self.printedFindings
          Terminal.error("… and \(more) more problem\(more == 1 ? "" : "s") (--json lists every one)")
        }
        if let access { Terminal.error(access.message) }
      }
      // A CSV header's problem is the file's, not a record's (an empty file has no record), as is
      // its encoding.
      let inRecords = refusal.findings.filter { !$0.isHeader && $0.field != "encoding" }
      let headers = Set(refusal.findings.filter { $0.isHeader }.map(\.file)).sorted()
      let encodings = Set(refusal.findings.filter { $0.field == "encoding" }.map(\.file)).sorted()
      let records = Set(inRecords.map(\.record)).count
      var parts: [String] = []
      if !inRecords.isEmpty {
        let count = inRecords.count
        parts.append("\(count) problem\(count == 1 ? "" : "s") in \(records) record\(records == 1 ? "" : "s")")
      }
      if !headers.isEmpty { parts.append("the header of \(headers.joined(separator: ", ")) is not usable") }
      if !encodings.isEmpty {
        parts.append(
          "the file\(encodings.count == 1 ? "" : "s") \(encodings.joined(separator: ", ")) "
            + "\(encodings.count == 1 ? "is" : "are") not UTF-8 text")
      }
      if let access {
        let count = access.records.count
        parts.append("\(count) record\(count == 1 ? "" : "s") outside your data access groups")
      }
      let said = parts.joined(separator: " and ")
      throw CommandFailure(
        message: said.prefix(1).uppercased() + said.dropFirst() + "; nothing was imported.",
        exitCode: ExitCode.invalidInput)
    }
  }

  /// `--json` for a refused import: nothing imported, the findings, and the records outside
  /// the user's data access groups, each when there are any.
  private static func report(findings: [ImportFinding]?, outside access: ImportAccessRefusal?) -> JSON {
    var report: JSON = ["imported": 0]
    if let findings { report.set(path: "findings", to: .array(findings.map(\.json))) }
    if let access { report.set(path: "outsideAccessGroups", to: .array(access.records.map(\.json))) }
    return report
  }
}
