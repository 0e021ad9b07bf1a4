import Foundation
import PolicyFlowCore

/// `policyflow policies validate`: a dry run of one processing cycle; nothing is saved.
enum PoliciesValidate {
  static let command = Command(
    name: "validate",
    abstract: "Dry-run a processing cycle on policy files and show the outcome; nothing is saved.",
    discussion: """
      Prints the status each policy would reach, every message and pend reason with the rule that \
      attached it, and the values the rule's condition read. A directory stands for every .json file in it.
      """,
    options: [
      .repeating("--file", "path", "A policy JSON file, or a directory of them.", required: true),
      CommonOptions.catalog,
      .value("--at", "time", "The reference time, ISO 8601 (2026-11-22 or 2026-11-22T09:00:00+01:00).", default: "now"),
      CommonOptions.json,
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let time = try referenceTime(invocation.value("--at"))
    let catalog = try CatalogCommand.load(CommonOptions.catalogDirectory(invocation))
    let files = try PolicyFiles.expand(invocation.all("--file"))
    let cycle = ProcessingCycle(catalog: catalog)
    var reports: [JSON] = []
    var failed = false
    for file in files {
      let data: JSON
      do {
        data = try PolicyFiles.read(file)
      } catch let finding as FindingError {
        Terminal.error(finding.finding.description)
        failed = true
        continue
      }
      let outcome = cycle.run(data, at: time)
      if invocation.flag("--json") {
        var report = OutcomeOutput.json(outcome)
        if files.count > 1 { report.set(path: "file", to: .string(file)) }
        reports.append(report)
      } else {
        Terminal.out(OutcomeOutput.text(outcome, file: file, code: data[path: "code"]?.stringValue))
      }
    }
    if invocation.flag("--json") {
      Terminal.out((files.count == 1 ? reports.first ?? .null : .array(reports)).serialized(pretty: true))
    }
    return failed ? ExitCode.invalidInput : 0
  }

  static func referenceTime(_ text: String?) throws -> Timestamp {
    guard let text else { return Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
    guard let time = Timestamp(iso8601: text) else {
      throw UsageError(
        message: "Invalid value '\(text)' for '--at <time>': expected an ISO 8601 date (2026-11-22) or date-time "
          + "with an offset (2026-11-22T09:00:00+01:00).",
        commandPath: ["policyflow", "policies", "validate"])
    }
    return time
  }
}
