import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies explain`: why a policy is where it is.
enum PoliciesExplain {
  static let command = Command(
    name: "explain",
    abstract:
      "Explain a policy's status: each message and pend reason with its rule, step, catalog and the values it read, "
      + "and each line of the premium with the values it read.",
    discussion: """
      The explanation comes from the last processing cycle as it was recorded, with the rules of the \
      catalog snapshot that produced it (not today's files).
      """,
    arguments: [Positional(name: "code", help: "The policy code.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--version", "n", "A version other than the current one."),
      CommonOptions.json,
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let version = invocation.value("--version").flatMap(Int.init)
    let store = try StoreOptions.open(invocation)
    let code = invocation.positionals[0]
    let details = try StoreCommand.run {
      try store.details(code, version: version, readBy: StoreOptions.actor(invocation))
    }
    let policy = details.stored.policy
    guard var cycle = details.lastCycle else {
      let why = "\(code) version \(policy.version) is \(policy.status.rawValue) and has never been processed"
      if invocation.flag("--json") {
        Terminal.out(
          ([
            "code": .string(code), "version": .int(policy.version), "status": .string(policy.status.rawValue),
            "cycle": .null,
          ] as JSON)
          .serialized(pretty: true))
      } else {
        // What would run its flow, from where it stands: only a policy in Edit may be submitted.
        let next =
          switch policy.status {
          case .edit: "; submit it to run its flow."
          case .inProcess: "; it is queued: a worker runs its flow ('policyflow worker')."
          case .canceled: "; it was canceled before any flow ran, and no flow will run on it."
          case .pended, .approved: "."
          }
        Terminal.out(why + next)
      }
      return 0
    }
    let hash = cycle[path: "catalogHash"]?.stringValue ?? ""
    let catalog = try store.snapshotCatalog(hash)
    // Today's catalog only tells whether the rules changed since; the explanation never uses it.
    let todays = try TodaysCatalog.of(store, invocation)
    let current = todays.hash
    cycle = CycleOutcome.restoringConditions(in: cycle, from: catalog)
    for key in ["messages", "pendReasons"] {
      let items = (cycle[path: key]?.arrayValue ?? []).map { item -> JSON in
        var item = item
        let rule = item[path: "rule"]?.stringValue ?? ""
        let description = catalog?.validationRules[rule]?.description ?? catalog?.pendRules[rule]?.description
        item.set(path: "ruleDescription", to: description.map(JSON.string) ?? .null)
        return item
      }
      cycle.set(path: key, to: .array(items))
    }
    let premium = Self.premium(of: cycle, data: policy.data, catalog: catalog)
    // What happened to the version after that cycle: its status-history rows after the last one
    // the worker wrote (a cancellation with its date and reason, an edit, a decline).
    let lastProcessed = details.statusHistory.lastIndex { $0[path: "event"]?.stringValue == "processed" }
    let since = lastProcessed.map { Array(details.statusHistory[($0 + 1)...]) } ?? []
    if invocation.flag("--json") {
      var report: JSON = [
        "code": .string(code), "version": .int(policy.version), "status": .string(policy.status.rawValue),
        "since": .array(since),
      ]
      report.set(path: "snapshotAvailable", to: .bool(catalog != nil))
      report.set(path: "currentCatalogDiffers", to: current.map { .bool($0 != hash) } ?? .null)
      report.set(path: "cycle", to: cycle)
      report.set(path: "premium", to: premium.map(Self.json) ?? .null)
      Terminal.out(report.serialized(pretty: true))
      return 0
    }
    let stepsRun = (cycle[path: "stepsRun"]?.arrayValue ?? []).map(MessageTextDisplay.plain)
    var lines = [
      "\(code) version \(policy.version) is \(policy.status.rawValue).",
      "Last cycle at \(text(cycle, "at")) reached \(text(cycle, "status")) "
        + (cycle[path: "flow"]?.stringValue.map { "in flow \($0) " } ?? "before any flow ran ")
        + (stepsRun.isEmpty ? "(no step ran)." : "(steps run: \(stepsRun.joined(separator: ", ")))."),
      "Catalog \(hash)" + (catalog == nil ? " (snapshot missing from the store)" : " (snapshot in the store)") + ".",
    ]
    if current == nil {
      lines.append(
        "(The catalog in \(CommonOptions.catalogDirectory(invocation)) does not load, so it was not compared; "
          + "'policyflow flows check' says why.)")
    }
    if let current, current != hash {
      lines.append(
        "\(todays.name) has changed since (\(current)); this explains the rules as they were."
      )
    }
    if !since.isEmpty {
      lines.append("Since then:")
      for row in since {
        let note = row[path: "note"]?.stringValue.map { ": \($0)" } ?? ""
        lines.append(
          "  \(text(row, "at"))  \(text(row, "event")) → \(text(row, "status")) by \(text(row, "actor"))\(note)")
      }
      if details.cancellation != nil, policy.status == .canceled {
        lines.append("  (the settlement of the cancellation: policyflow policies show \(code))")
      }
    } else if policy.status.rawValue != text(cycle, "status") {
      lines.append("Since then the policy moved on; its status history says how (policyflow policies show \(code)).")
    }
    for (key, title) in [("messages", "Messages"), ("pendReasons", "Pend reasons")] {
      let items = cycle[path: key]?.arrayValue ?? []
      guard !items.isEmpty else { continue }
      lines.append("\n\(title):")
      for item in items {
        let head =
          key == "messages"
          ? "\(text(item, "severity").uppercased()) \(text(item, "code")): \(text(item, "text"))"
          : "\(text(item, "code")): \(text(item, "description"))"
        lines.append("  \(head)")
        if key == "pendReasons",
          let state = Self.pendState(
            of: text(item, "code"),
            in: details.pendHistory.filter { $0[path: "version"] == .int(policy.version) })
        {
          lines.append("    \(state)")
        }
        lines.append(
          "    rule \(text(item, "rule"))" + (item[path: "ruleDescription"]?.stringValue.map { " — \($0)" } ?? ""))
        // A message of the flow's choice (FLOW_NOT_CHOSEN) comes from no step.
        if item[path: "step"]?.stringValue != nil {
          lines.append(
            "    step \(text(item, "stepDisplayName")) (\(text(item, "step")), sequence \(text(item, "stepSequence")))")
        }
        if let condition = item[path: "condition"], condition != .null {
          lines.append("    condition \(condition.serialized())")
        }
        for read in item[path: "reads"]?.arrayValue ?? [] {
          let value = read[path: "value"].map { $0.serialized() } ?? "(missing)"
          lines.append("    read \(text(read, "path")) = \(value)")
        }
      }
    }
    if (cycle[path: "messages"]?.arrayValue ?? []).isEmpty && (cycle[path: "pendReasons"]?.arrayValue ?? []).isEmpty {
      lines.append("\nNo rule attached a message or pend reason: every step passed.")
    }
    if let premium { lines += Self.text(premium, recorded: cycle[path: "calculation"] ?? .null) }
    Terminal.out(lines.joined(separator: "\n"))
    return 0
  }

  static func text(_ object: JSON, _ key: String) -> String { PoliciesList.text(object, key) }

  /// What became of the pend reason `code` the last cycle attached, by its latest pend-history
  /// row: resolved (by whom, when), withdrawn (an edit or a cancellation), or nil while open.
  static func pendState(of code: String, in history: [JSON]) -> String? {
    guard let row = history.last(where: { $0[path: "reason"]?.stringValue == code }) else { return nil }
    if let by = row[path: "resolvedBy"]?.stringValue {
      let note = row[path: "note"]?.stringValue.map { ": \($0)" } ?? ""
      return "resolved by \(by) at \(text(row, "resolvedAt"))\(note)"
    }
    if let at = row[path: "withdrawnAt"]?.stringValue {
      return "withdrawn at \(at)" + (row[path: "withdrawnBy"]?.stringValue.map { " by \($0)" } ?? "")
    }
    return nil
  }
}
