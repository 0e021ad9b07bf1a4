import Foundation
import PolicyFlowCore

/// `policyflow policies validate`: a dry run of one processing cycle; nothing is saved.
enum PoliciesValidate {
  static let command = Command(
    name: "validate",
    abstract: "Dry-run a processing cycle on policy files and show the outcome; nothing is saved.",
    discussion: """
      Prints the status each policy would reach, every message and pend reason with the rule that \
      attached it, and the values the rule's condition read. Files are read as 'policies import' reads them \
      (.json with one policy or an array, .jsonl, .csv) with the same field checks; a directory stands for \
      its .json, .jsonl and .csv files. With --json: an array with one object per policy (also for one), \
      each carrying its "file" and "line".
      """,
    arguments: [
      Positional(name: "path", help: "More policy files or directories.", isRepeating: true, isOptional: true)
    ],
    options: [
      .repeating("--file", "path", "A policy file, or a directory of them."),
      CommonOptions.catalog,
      .value("--at", "time", "The reference time, ISO 8601 (2026-11-22 or 2026-11-22T09:00:00+01:00).", default: "now"),
      CommonOptions.json,
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let paths = invocation.all("--file") + invocation.positionals
    guard !paths.isEmpty else {
      throw UsageError(message: "Missing expected argument '--file <path>'.", commandPath: invocation.commandPath)
    }
    let time = try referenceTime(invocation.value("--at"), commandPath: invocation.commandPath)
    let catalog = try CatalogCommand.load(CommonOptions.catalogDirectory(invocation))
    let files = try PolicyFiles.expand(paths)
    let parsed = PolicyImport.combine(try files.map { PolicyImport.parse(try PolicyFiles.readText($0), file: $0) })
    for finding in parsed.rowFindings { Terminal.error(finding.description) }
    let cycle = ProcessingCycle(catalog: catalog)
    let several = parsed.documents.count + parsed.rowFindings.count > 1
    var reports: [JSON] = []
    for document in parsed.documents {
      // Parsed here for a .jsonl record, which import checks without building: read it once.
      let data = document.data
      let outcome = cycle.run(data, at: time)
      let label = several && !document.file.hasSuffix(".json") ? "\(document.file):\(document.line)" : document.file
      if invocation.flag("--json") {
        var report = outcome.json
        // Every object that names a step has its name as `stepName` too, as the stored outcomes'
        // readers (show, history) give it; `step` stays the name, as the cycle wrote it.
        for list in ["messages", "pendReasons"] {
          guard let items = report[path: list]?.arrayValue else { continue }
          report.set(
            path: list,
            to: .array(
              items.map { item in
                var item = item
                item.set(path: "stepName", to: item[path: "step"] ?? .null)
                return item
              }))
        }
        // The text output names the policy; so does the JSON.
        if let code = data[path: "code"] { report.set(path: "code", to: code) }
        report.set(path: "file", to: .string(document.file))
        report.set(path: "line", to: .int(document.line))
        reports.append(report)
      } else {
        Terminal.out(OutcomeOutput.text(outcome, file: label, code: data[path: "code"]?.stringValue))
      }
    }
    // Records that share a line (a .json array on one line) are told apart by their column.
    // A record is where it starts: its findings may name the lines of its fields further down.
    let refused = Dictionary(grouping: parsed.rowFindings) {
      Position(file: $0.file, line: $0.recordLine ?? $0.line, column: $0.column)
    }
    if invocation.flag("--json") {
      // One entry per record, in file order, however many the files hold: a record that cannot be
      // run carries its findings instead of an outcome, so a script that reads only stdout still
      // sees it (the findings are on stderr as well), with its code when it could be read.
      let invalid = refused.map {
        (
          $0.key,
          [
            "file": .string($0.key.file), "line": .int($0.key.line), "column": $0.key.column.map { .int($0) } ?? .null,
            "code": $0.value.lazy.compactMap(\.code).first.map { .string($0) } ?? .null, "status": .null,
            "findings": .array($0.value.map(\.json)),
          ] as JSON
        )
      }
      let ran = zip(parsed.documents, reports).map { document, report in
        var report = report
        report.set(path: "column", to: document.column.map { .int($0) } ?? .null)
        return (Position(file: document.file, line: document.line, column: document.column), report)
      }
      let fileOrder = Dictionary(files.enumerated().map { ($1, $0) }) { first, _ in first }
      let entries = (ran + invalid).sorted {
        (fileOrder[$0.0.file] ?? 0, $0.0.line, $0.0.column ?? 0) < (
          fileOrder[$1.0.file] ?? 0, $1.0.line, $1.0.column ?? 0
        )
      }.map(\.1)
      Terminal.out(JSON.array(entries).serialized(pretty: true))
    }
    guard refused.isEmpty else {
      // A CSV header's problem is the file's, not a record's (an empty file has no record).
      let headers = Set(parsed.rowFindings.filter { $0.isHeader }.map(\.file)).sorted()
      let count = Set(parsed.rowFindings.filter { !$0.isHeader }.map(\.record)).count
      var parts: [String] = []
      if count > 0 { parts.append(count == 1 ? "1 record could not be run" : "\(count) records could not be run") }
      if !headers.isEmpty { parts.append("the header of \(headers.joined(separator: ", ")) is not usable") }
      let said = parts.joined(separator: " and ")
      Terminal.error(
        "Error: \(said.prefix(1).uppercased() + said.dropFirst()) (above); fix \(count + headers.count == 1 ? "it" : "them") and validate again."
      )
      return ExitCode.invalidInput
    }
    return 0
  }

  /// The reference time `--at` gives (now when absent); a usage error of `commandPath` else.
  static func referenceTime(_ text: String?, commandPath: [String]) throws
    -> Timestamp
  {
    guard let text else { return Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
    guard let time = Timestamp(iso8601: text) else {
      throw UsageError(
        message:
          "Invalid value \(Excerpt.name(text)) for '--at <time>': expected an ISO 8601 date (2026-11-22) or date-time "
          + "with an offset (2026-11-22T09:00:00+01:00).",
        commandPath: commandPath)
    }
    return time
  }
}

/// Where a record stands in the files validated.
private struct Position: Hashable {
  var file: String
  var line: Int
  var column: Int?
}
