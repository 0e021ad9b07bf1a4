import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies list` and `policies show`.
enum PoliciesList {
  static let list = Command(
    name: "list",
    abstract: "List current policy versions, optionally of some statuses or one flow.",
    discussion: """
      Policies are listed in code order. For a large store, --limit N lists a page of N; when more \
      follow, stderr says which --after CODE gives the next page (with --json too, whose output stays an \
      array: a page shorter than the limit is the last).
      """,
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .repeating("--status", "status", "Edit, \"In Process\", Pended, Approved or Canceled (repeat for several)."),
      .value("--flow", "flow", "A flow code."), limit,
      .value("--after", "code", "List only policies whose code sorts after this one (the last of the previous page)."),
      CommonOptions.json,
    ],
    run: runList)

  static let limit = Option.value("--limit", "n", "List at most n policies, a page.", default: "all")

  static let show = Command(
    name: "show",
    abstract: "Show a policy: data, status, messages, pend reasons, status and pend history, calculations.",
    arguments: [Positional(name: "code", help: "The policy code.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--version", "n", "A version other than the current one."),
      CommonOptions.json,
    ],
    run: runShow)

  /// The statuses `--status` names, each as the store writes it: given in any case (`approved`,
  /// `in process`), since a status is a name, not a code to type exactly.
  static func statuses(_ invocation: Invocation) throws -> [String] {
    try invocation.all("--status").map { status in
      let names = PolicyStatus.allCases.map(\.rawValue)
      guard let name = names.first(where: { $0.lowercased() == status.lowercased() }) else {
        throw UsageError(
          message:
            "Invalid value \(Excerpt.name(status)) for '--status <status>'.\(Suggestion.didYouMean(status, among: names)) "
            + "Expected one of: \(names.joined(separator: ", ")).", commandPath: invocation.commandPath)
      }
      return name
    }
  }

  static func runList(_ invocation: Invocation) throws -> Int32 {
    let statuses = try statuses(invocation)
    let limit = try invocation.positiveInteger(Self.limit)
    let store = try StoreOptions.open(invocation)
    // One more than the page, to know whether another page follows.
    var policies = try store.policySummaries(
      statuses: statuses, flow: invocation.value("--flow"), after: invocation.value("--after"),
      limit: limit.map { $0 < Int.max ? $0 + 1 : $0 }, readBy: StoreOptions.reader(invocation, of: store))
    var nextPage: String?
    if let limit, policies.count > limit {
      policies.removeLast(policies.count - limit)
      nextPage = "More policies follow: add --after \(policies[limit - 1].code) for the next page."
    }
    defer { if let nextPage { Terminal.error(nextPage) } }
    if policies.isEmpty {
      FlowFilterNote.noteIfUnknown(
        invocation.value("--flow"), catalog: try TodaysCatalog.of(store, invocation).catalog(in: store))
    }
    if invocation.flag("--json") {
      Terminal.out(
        JSON.array(
          policies.map {
            [
              "code": .string($0.code), "version": .int($0.version), "status": .string($0.status),
              "processFlow": $0.flow.map(JSON.string) ?? .null,
            ]
          }
        ).serialized(pretty: true))
      return 0
    }
    Table.print(
      ["POLICY", "VERSION", "STATUS", "FLOW"],
      policies.map { [$0.code, String($0.version), $0.status, $0.flow ?? "-"] }, empty: "No policies.",
      style: { column, cell in column == 2 ? TerminalStyle.of(status: cell) : nil })
    return 0
  }

  static func runShow(_ invocation: Invocation) throws -> Int32 {
    let version = try invocation.value("--version").map { text -> Int in
      guard let number = Int(text), number > 0 else {
        throw UsageError(
          message: "Invalid value \(Excerpt.name(text)) for '--version <n>': expected a whole number above zero.",
          commandPath: invocation.commandPath)
      }
      return number
    }
    let store = try StoreOptions.open(invocation)
    let details = try StoreCommand.run {
      try store.details(invocation.positionals[0], version: version, readBy: StoreOptions.actor(invocation))
    }
    if invocation.flag("--json") {
      Terminal.out(details.json.serialized(pretty: true))
      return 0
    }
    let policy = details.stored.policy
    var lines = [
      "\(policy.code) version \(policy.version) — \(policy.status.rawValue)"
        + (details.stored.isCurrent ? "" : " (not current)"),
      // A policy no cycle ran a flow for yet (never submitted, or no flow matched it) has none.
      "  gid \(policy.gid), source \(policy.source.rawValue), "
        + (details.processFlow.map { "flow \($0)" } ?? "no flow yet")
        + (details.stored.accessGroup.map { ", access group \($0)" } ?? ""),
    ]
    if !details.messages.isEmpty {
      lines.append("\nMessages:")
      for m in details.messages {
        lines.append(
          "  \(text(m, "severity").uppercased()) \(text(m, "code")): \(text(m, "text")) (rule \(text(m, "rule")))")
      }
    }
    if !details.pendReasons.isEmpty {
      lines.append("\nOpen pend reasons:")
      for p in details.pendReasons {
        lines.append(
          "  \(text(p, "code")): \(text(p, "description")) (rule \(text(p, "rule")), step \(text(p, "step")), since \(text(p, "pendedAt")))"
        )
      }
    }
    lines.append("\nStatus history:")
    for h in details.statusHistory {
      lines.append(
        "  \(text(h, "at"))  \(text(h, "status").padding(10))  \(text(h, "actor"))"
          + (h[path: "note"].map { "  (\(MessageTextDisplay.plain($0)))" } ?? ""))
    }
    if !details.pendHistory.isEmpty {
      lines.append("\nPend history (all versions):")
      for p in details.pendHistory {
        var line = "  v\(text(p, "version"))  \(text(p, "pendedAt"))  \(text(p, "reason")) in \(text(p, "step"))"
        if let by = p[path: "resolvedBy"]?.stringValue {
          line += "; resolved by \(by) at \(text(p, "resolvedAt")): \(text(p, "note"))"
        } else if let at = p[path: "withdrawnAt"]?.stringValue {
          // Said as `policies history` says it: who withdrew it, by which act.
          line +=
            "; withdrawn at \(at)" + (p[path: "withdrawnBy"]?.stringValue.map { " by \($0)" } ?? "")
            + (p[path: "withdrawnByEvent"]?.stringValue.map { " (\($0))" } ?? "")
        } else {
          line += "; open"
        }
        lines.append(line)
      }
    }
    if let cancellation = details.cancellation {
      lines.append("\nCancellation:")
      if let date = cancellation.effectiveDate {
        lines.append(
          "  as of \(date)" + (cancellation.fromInception ? " (from inception)" : "")
            + " by \(cancellation.actor) at \(cancellation.at)" + (cancellation.reason.map { ": \($0)" } ?? ""))
      } else {
        lines.append(
          "  declined by \(cancellation.actor) at \(cancellation.at)" + (cancellation.reason.map { ": \($0)" } ?? ""))
      }
      if let calculated = cancellation.calculated {
        lines.append(
          "  calculateOnCancellation \(calculated), from the \(cancellation.calculationSetBy ?? "flow")"
            + (cancellation.calculationSetBy == "policy" ? "'s own data" : "'s default"))
      }
    }
    if !details.calculations.isEmpty {
      lines.append("\nCalculations (all versions; the rows add up to what is in force):")
      for stored in details.calculations {
        let result = stored.result
        lines.append(
          "  \(stored.at)  v\(stored.version)  \(result.kind.rawValue)  total \(MinorUnits.format(result.total, currency: result.currency)) "
            + "\(result.currency)" + (stored.isInForce ? "  (in force)" : ""))
        for line in result.lines {
          lines.append(
            "    " + line.code.padding(24) + " "
              + MinorUnits.format(line.amount, currency: result.currency).leftPadded(14) + "  "
              + line.description)
        }
      }
    }
    if !details.calculations.isEmpty {
      let inForce = details.calculations.filter(\.isInForce).map {
        "\(MinorUnits.format($0.result.total, currency: $0.result.currency)) \($0.result.currency) (\($0.result.kind.rawValue) of version \($0.version))"
      }
      lines.append("  in force: " + (inForce.isEmpty ? "nothing" : inForce.joined(separator: ", ")))
    }
    lines.append("\nData:\n\(policy.data.serialized(pretty: true))")
    Terminal.out(lines.joined(separator: "\n"))
    return 0
  }

  static func text(_ object: JSON, _ key: String) -> String {
    object[path: key].map(MessageTextDisplay.plain) ?? ""
  }
}

/// Strings without quotes, other values as JSON.
enum MessageTextDisplay {
  static func plain(_ value: JSON) -> String {
    if case .string(let s) = value { return s }
    return value.serialized()
  }
}

extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }

  func trimmingTrailingSpaces() -> String {
    var result = self
    while result.hasSuffix(" ") { result.removeLast() }
    return result
  }
}

/// Running store operations from commands: store refusals become `Error: …` with their exit
/// code (77 not permitted, 65 invalid input, 1 otherwise).
enum StoreCommand {
  static func run<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as StoreError {
      throw CommandFailure(message: error.message, exitCode: StoreFailure.exitCode(error))
    }
  }
}
