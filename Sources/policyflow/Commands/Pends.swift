import PolicyFlowCore
import PolicyFlowStore

/// `policyflow pends list` and `pends resolve`.
enum Pends {
  static let command = Command(
    name: "pends", abstract: "List, resolve and work pend reasons.", subcommands: [list, resolve, PendsWork.command])

  static let list = Command(
    name: "list",
    abstract: "List open pend reasons, oldest first.",
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--reason", "code", "Only this pend reason."),
      .value("--step", "step", "Only pends attached in this step (name or display name)."),
      .value("--flow", "flow", "Only policies processed through this flow."),
      .value("--older-than", "duration", "Only pends older than this: 30m, 12h, 2d or 1w."),
      CommonOptions.json,
    ],
    run: runList)

  static let resolve = Command(
    name: "resolve",
    abstract: "Resolve pend reasons of a policy, within your rights; the last one resubmits it.",
    discussion: """
      You need a role of the step each reason was attached in, that step's authority over the policy, and \
      under maker-checker you may not be the one who last edited or submitted the policy. Exit 77 when a \
      right is missing; nothing changes then.
      """,
    arguments: [Positional(name: "code", help: "The policy code.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .repeating("--reason", "code", "A pend reason to resolve."),
      .flag("--all", "Resolve every open reason you may resolve."),
      .value("--note", "text", "Why it is resolved, kept in the pend history.", required: true),
      CommonOptions.json,
    ],
    run: runResolve)

  static func runList(_ invocation: Invocation) throws -> Int32 {
    var filter = PolicyStore.PendFilter(
      reason: invocation.value("--reason"), step: invocation.value("--step"), flow: invocation.value("--flow"))
    if let text = invocation.value("--older-than") {
      guard let milliseconds = DurationText.milliseconds(text) else {
        throw UsageError(
          message:
            "Invalid value \(Excerpt.name(text)) for '--older-than <duration>': expected a number and a unit, e.g. 30m, 12h, 2d or 1w.",
          commandPath: invocation.commandPath)
      }
      filter.olderThanMilliseconds = milliseconds
    }
    let store = try StoreOptions.open(invocation)
    let pends = try store.openPends(filter, readBy: StoreOptions.reader(invocation, of: store))
    if pends.isEmpty { warnAboutUnknownFilters(filter, catalog: CommonOptions.catalogDirectory(invocation)) }
    if invocation.flag("--json") {
      Terminal.out(
        JSON.array(
          pends.map {
            // `step` is the display name the table shows; `stepName` the step's name in `flow`.
            [
              "policy": .string($0.policy), "gid": $0.gid.map(JSON.string) ?? .null, "version": .int($0.version),
              "reason": .string($0.reason), "description": .string($0.description), "step": .string($0.step),
              "stepName": $0.stepName.map(JSON.string) ?? .null, "stepDisplayName": .string($0.step),
              "flow": $0.flow.map(JSON.string) ?? .null,
              "pendedAt": .string($0.pendedAt),
            ]
          }
        ).serialized(pretty: true))
      return 0
    }
    Table.print(
      ["POLICY", "VERSION", "REASON", "STEP", "PENDED AT", "DESCRIPTION"],
      pends.map { [$0.policy, String($0.version), $0.reason, $0.step, $0.pendedAt, $0.description] },
      empty: "No open pend reasons\(Self.selection(invocation)).")
    return 0
  }

  /// What a list was kept to, for its empty answer: "No open pend reasons." under a filter read
  /// as an empty queue (operator trial, `--older-than 2d` with younger ones open).
  private static func selection(_ invocation: Invocation) -> String {
    let parts = [
      invocation.value("--older-than").map { "older than \($0)" },
      invocation.value("--reason").map { "for reason \($0)" },
      invocation.value("--step").map { "in step \($0)" },
      invocation.value("--flow").map { "in flow \($0)" },
    ].compactMap { $0 }
    return parts.isEmpty ? "" : " " + parts.joined(separator: ", ")
  }

  /// An empty list for a filter the catalog does not know is usually a typo: said on stderr,
  /// with the nearest name. (Pends attached under an older catalog may still name it.)
  private static func warnAboutUnknownFilters(_ filter: PolicyStore.PendFilter, catalog directory: String) {
    guard let catalog = CatalogLoader.load(directory: directory).catalog else { return }
    let steps = catalog.flows.values.flatMap { $0.steps.flatMap { [$0.name, $0.displayName] } }
    let known: [(kind: String, value: String?, names: [String])] = [
      ("pend reason", filter.reason, catalog.pendReasons.keys.sorted()),
      ("step", filter.step, Array(Set(steps)).sorted()),
      ("flow", filter.flow, catalog.flows.keys.sorted()),
    ]
    for (kind, value, names) in known {
      guard let value, !names.contains(value) else { continue }
      Terminal.error(
        "Warning: the catalog in '\(directory)' has no \(kind) '\(value)'." + Suggestion.didYouMean(value, among: names)
      )
    }
  }

  static func runResolve(_ invocation: Invocation) throws -> Int32 {
    let reasons = invocation.all("--reason")
    let all = invocation.flag("--all")
    guard reasons.isEmpty == all else {
      throw UsageError(
        message: all
          ? "Give --reason CODE (one or more) or --all, not both: --all already resolves every open reason you may."
          : "Give --reason CODE (one or more), or --all for every open reason you may resolve.",
        commandPath: invocation.commandPath)
    }
    let note = invocation.value("--note")!
    guard !note.trimmingTrailingSpaces().isEmpty else {
      throw UsageError(message: "The --note must say why the pend is resolved.", commandPath: invocation.commandPath)
    }
    let store = try StoreOptions.open(invocation)
    let code = invocation.positionals[0]
    let result = try StoreCommand.run {
      try store.resolve(code, reasons: all ? nil : reasons, note: note, actor: StoreOptions.actor(invocation))
    }
    if invocation.flag("--json") {
      let report: JSON = [
        "code": .string(code), "resolved": .array(result.resolved.map(JSON.string)),
        "remaining": .array(result.remaining.map(JSON.string)), "resubmitted": .bool(result.resubmitted),
      ]
      Terminal.out(report.serialized(pretty: true))
      return 0
    }
    var line = "\(code): resolved \(result.resolved.joined(separator: ", "))"
    line +=
      result.resubmitted
      ? "; no pend reason remains, so the policy is In Process again and queued."
      : "; still Pended on \(result.remaining.joined(separator: ", "))."
    Terminal.out(line)
    return 0
  }
}

/// Durations such as `30m`, `12h`, `2d`, `1w`.
enum DurationText {
  static func milliseconds(_ text: String) -> Int64? {
    guard let unit = text.last, let number = Int64(text.dropLast()), number >= 0 else { return nil }
    let scale: Int64
    switch unit {
    case "s": scale = 1000
    case "m": scale = 60_000
    case "h": scale = 3_600_000
    case "d": scale = 86_400_000
    case "w": scale = 604_800_000
    default: return nil
    }
    return number * scale
  }
}
