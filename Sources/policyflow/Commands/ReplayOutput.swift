import PolicyFlowCore

/// How `policies replay` shows its report: tables for people, one object for scripts.
enum ReplayOutput {
  /// The rows of the matrix: each recorded outcome, then versions never processed.
  static let recordedRows: [ReplayOutcome?] = ReplayOutcome.allCases + [nil]

  static func name(_ outcome: ReplayOutcome?) -> String { outcome?.rawValue ?? "none" }

  /// The rules on any outcome, recorded or new, by code.
  static func rules(_ report: ReplayReport) -> [String] {
    Set(report.recordedFires.keys).union(report.newFires.keys).sorted()
  }

  /// The summary line, the matrix, the rules, and the first `limit` changed policies.
  static func print(_ report: ReplayReport, catalog: String, at: Timestamp, limit: Int) {
    let changed = report.changed
    Terminal.out(
      "Replayed \(report.replayed) \(report.replayed == 1 ? "policy" : "policies") with the catalog in \(catalog) "
        + "at \(at.iso8601): \(changed) would change outcome.")
    Terminal.out("")
    let news = ReplayOutcome.allCases
    Table.print(
      ["RECORDED → NEW"] + news.map(\.rawValue) + ["total"],
      recordedRows.map { recorded in
        let counts = news.map { report.count(from: recorded, to: $0) }
        return [name(recorded)] + counts.map(String.init) + [String(counts.reduce(0, +))]
      }, empty: "")
    Terminal.out("")
    Table.print(
      ["RULE", "NOW", "WOULD"],
      rules(report).map { [$0, String(report.recordedFires[$0] ?? 0), String(report.newFires[$0] ?? 0)] },
      empty: "No rule is on any outcome, recorded or new.")
    printFailures(report)
    printPremiums(report, limit: limit)
    guard changed > 0 else { return }
    Terminal.out("")
    Table.print(
      ["POLICY", "VERSION", "STATUS", "RECORDED", "NEW", "FLOW"],
      report.changes.prefix(limit).map {
        [$0.code, String($0.version), $0.status, $0.recorded.rawValue, $0.new.rawValue, $0.flow ?? "-"]
      }, empty: "")
    if changed > limit {
      Terminal.out("(the first \(limit) of \(changed) by code; --limit N shows more, --json lists all)")
    }
  }

  /// The candidate's rules that cannot be evaluated on some versions: each sends them to Edit
  /// with a fatal RULE_ERROR, which reads in the tables above as the rule firing.
  static func printFailures(_ report: ReplayReport) {
    guard !report.newFailures.isEmpty else { return }
    Terminal.out("")
    Terminal.out("Rules of the candidate that fail (a fatal RULE_ERROR or CALCULATION_ERROR sends the policy to Edit):")
    for (rule, failure) in report.newFailures.sorted(by: { $0.key < $1.key }) {
      let count = failure.versions
      Terminal.out(
        "  \(rule) on \(count) \(count == 1 ? "policy" : "policies"), first \(failure.code) version "
          + "\(failure.version): \(failure.text)")
    }
  }

  /// The approved policies the candidate would price differently: how many, the difference per
  /// currency, and the first `limit`.
  static func printPremiums(_ report: ReplayReport, limit: Int) {
    guard report.premiumChanged > 0 else { return }
    let count = report.premiumChanged
    let sums = report.premiumDifference.sorted { $0.key < $1.key }.map { signed($0.value, $0.key) }
    Terminal.out("")
    Terminal.out(
      "\(count) approved \(count == 1 ? "policy" : "policies") would be priced differently"
        + (sums.isEmpty ? "" : " (in total \(sums.joined(separator: ", ")))") + ":")
    Table.print(
      ["POLICY", "VERSION", "PREMIUM NOW", "WOULD BE", "DIFFERENCE", "LINES"],
      report.premiumChanges.prefix(limit).map { change -> [String] in
        let now = MinorUnits.format(change.recorded, currency: change.recordedCurrency)
        let then = MinorUnits.format(change.new, currency: change.currency)
        let difference = change.difference.map { signed($0, change.currency) } ?? "(currency changed)"
        return [
          change.code, String(change.version), "\(now) \(change.recordedCurrency)", "\(then) \(change.currency)",
          difference, change.lines.joined(separator: ", "),
        ]
      }, empty: "")
    if count > limit { Terminal.out("(the first \(limit) of \(count) by code; --json lists all)") }
  }

  /// `+12.50 EUR`, `-3 JPY`.
  static func signed(_ amount: Int, _ currency: String) -> String {
    (amount > 0 ? "+" : "") + MinorUnits.format(amount, currency: currency) + " \(currency)"
  }

  /// `replayed`, `changed`, `matrix` (recorded → new → count, `none` for never processed),
  /// `rules` (each with `now` and `would`), `ruleErrors` (each rule of the candidate that fails,
  /// on how many versions, the first and its error), `changes` (every one, each with its
  /// `failingRules`) and `unreadable`.
  static func json(_ report: ReplayReport) -> JSON {
    var matrix = JSONObject()
    for recorded in recordedRows {
      var row = JSONObject()
      for new in ReplayOutcome.allCases { row[new.rawValue] = .int(report.count(from: recorded, to: new)) }
      matrix[name(recorded)] = .object(row)
    }
    let rules = rules(report).map { rule -> JSON in
      ["rule": .string(rule), "now": .int(report.recordedFires[rule] ?? 0), "would": .int(report.newFires[rule] ?? 0)]
    }
    var difference = JSONObject()
    for (currency, amount) in report.premiumDifference.sorted(by: { $0.key < $1.key }) {
      difference[currency] = .int(amount)
    }
    let changes = report.changes.map { change -> JSON in
      [
        "code": .string(change.code), "version": .int(change.version), "status": .string(change.status),
        "recorded": .string(change.recorded.rawValue), "new": .string(change.new.rawValue),
        "flow": change.flow.map(JSON.string) ?? .null,
        "recordedRules": .array(change.recordedRules.map(JSON.string)),
        "newRules": .array(change.newRules.map(JSON.string)),
        "failingRules": .array(change.failingRules.map(JSON.string)),
      ]
    }
    return [
      "replayed": .int(report.replayed), "changed": .int(report.changed), "matrix": .object(matrix),
      "rules": .array(rules),
      "ruleErrors": .array(
        report.newFailures.sorted(by: { $0.key < $1.key }).map { rule, failure in
          [
            "rule": .string(rule), "would": .int(failure.versions), "code": .string(failure.code),
            "version": .int(failure.version), "error": .string(failure.text),
          ] as JSON
        }),
      "changes": .array(changes),
      "premiumChanged": .int(report.premiumChanged),
      "premiumDifference": .object(difference),
      "premiumChanges": .array(
        report.premiumChanges.map {
          [
            "code": .string($0.code), "version": .int($0.version), "recordedCurrency": .string($0.recordedCurrency),
            "currency": .string($0.currency), "recorded": .int($0.recorded), "new": .int($0.new),
            "difference": $0.difference.map(JSON.int) ?? .null, "lines": .array($0.lines.map(JSON.string)),
          ] as JSON
        }),
      "unreadable": .array(
        report.unreadable.map { ["code": .string($0.code), "version": .int($0.version), "error": .string($0.error)] }),
    ]
  }
}
