import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies list` and `policies show`.
enum PoliciesList {
  static let list = Command(
    name: "list",
    abstract: "List current policy versions, optionally of one status or flow.",
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--status", "status", "Edit, \"In Process\", Pended, Approved or Canceled."),
      .value("--flow", "flow", "A flow code."), CommonOptions.json,
    ],
    run: runList)

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

  static func runList(_ invocation: Invocation) throws -> Int32 {
    let status = invocation.value("--status")
    if let status, PolicyStatus(rawValue: status) == nil {
      let names = PolicyStatus.allCases.map(\.rawValue)
      throw UsageError(
        message:
          "Invalid value \(Excerpt.name(status)) for '--status <status>'.\(Suggestion.didYouMean(status, among: names)) "
          + "Expected one of: \(names.joined(separator: ", ")).", commandPath: invocation.commandPath)
    }
    let store = try StoreOptions.open(invocation)
    let policies = try store.policySummaries(
      status: status, flow: invocation.value("--flow"), readBy: StoreOptions.reader(invocation, of: store))
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
      policies.map { [$0.code, String($0.version), $0.status, $0.flow ?? "-"] }, empty: "No policies.")
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
      "  gid \(policy.gid), source \(policy.source.rawValue), flow \(details.processFlow ?? "-")"
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
      lines.append("\nPend history:")
      for p in details.pendHistory {
        var line = "  \(text(p, "pendedAt"))  \(text(p, "reason")) in \(text(p, "step"))"
        if let by = p[path: "resolvedBy"]?.stringValue {
          line += "; resolved by \(by) at \(text(p, "resolvedAt")): \(text(p, "note"))"
        } else if let at = p[path: "withdrawnAt"]?.stringValue {
          line += "; withdrawn at \(at)"
        } else {
          line += "; open"
        }
        lines.append(line)
      }
    }
    if !details.calculations.isEmpty {
      lines.append("\nCalculations:")
      for stored in details.calculations {
        let result = stored.result
        lines.append(
          "  \(stored.at)  \(result.kind.rawValue)  total \(MinorUnits.format(result.total)) \(result.currency)")
        for line in result.lines {
          lines.append(
            "    " + line.code.padding(24) + " " + MinorUnits.format(line.amount).leftPadded(14) + "  "
              + line.description)
        }
      }
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

/// Left-aligned columns for human output.
enum Table {
  static func print(_ header: [String], _ rows: [[String]], empty: String) {
    guard !rows.isEmpty else {
      Terminal.out(empty)
      return
    }
    let widths = header.indices.map { column in max(header[column].count, rows.map { $0[column].count }.max() ?? 0) }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { $1.padding(widths[$0]) }.joined(separator: "  ").trimmingTrailingSpaces()
    }
    Terminal.out(([line(header)] + rows.map(line)).joined(separator: "\n"))
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
