import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies edit`, `revert` and `cancel` (`decline` has a file of its own).
enum PoliciesChange {
  static let edit = Command(
    name: "edit",
    abstract: "Change a policy's data (Approved or Canceled policies get a new version in Edit).",
    discussion: """
      --set PATH=JSON_VALUE sets one field (dotted path; the value is JSON, so quote strings: \
      --set 'policyholder.country="NL"'). --data FILE replaces the whole document \
      ('-' reads it from standard input). A Pended policy returns \
      to Edit and its open pend reasons are withdrawn (kept in pend history).
      """,
    arguments: [Positional(name: "code", help: "The policy code.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .repeating("--set", "path=json", "Set the field at a dotted path to a JSON value."),
      .value("--data", "file", "A JSON file with the whole new document ('-': standard input)."),
      CommonOptions.json,
    ],
    run: runEdit)

  static let revert = Command(
    name: "revert",
    abstract: "Remove the edit version of a policy and make the previous version current again.",
    arguments: [Positional(name: "code", help: "The policy code.")],
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog, CommonOptions.json],
    run: runRevert)

  static let cancel = Command(
    name: "cancel",
    abstract: "Cancel a policy as of a date, reversing what is in force and settling the cover used.",
    discussion: """
      The date is the first day no longer covered; a date after the cover's end is refused, and one on \
      or before its start cancels from inception. The results in force are reversed; when \
      calculateOnCancellation applies (the policy's own, else its flow's), the flow's lines are computed \
      again for the cover up to the date and stored as the settlement. 'policies show' lists every result.
      """,
    arguments: [Positional(name: "code", help: "The policy code.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--date", "yyyy-mm-dd", "The effective date of the cancellation.", required: true),
      .value(
        "--reason", "text", "Why it is canceled, for the history (an auditor asks who canceled and why).",
        required: true),
      CommonOptions.json,
    ],
    run: runCancel)

  static func runEdit(_ invocation: Invocation) throws -> Int32 {
    let sets = invocation.all("--set")
    let dataFile = invocation.value("--data")
    guard sets.isEmpty != (dataFile == nil) else {
      throw UsageError(
        message: "Give either --set PATH=JSON_VALUE (one or more) or --data FILE.", commandPath: invocation.commandPath)
    }
    var changes: [(path: String, value: JSON)] = []
    var paths: Set<String> = []
    for assignment in sets {
      guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
        throw UsageError(
          message:
            "Invalid value \(Excerpt.name(assignment)) for '--set <path=json>': expected PATH=JSON_VALUE, e.g. maxUsers=25 or 'brand=\"acme\"'.",
          commandPath: invocation.commandPath)
      }
      let path = String(assignment[..<equals])
      let text = String(assignment[assignment.index(after: equals)...])
      // As an import refuses a member given twice: one of the two values would be lost unseen, as
      // would a field set inside another set whole (`policyholder` and `policyholder.name`).
      guard paths.insert(path).inserted else {
        throw UsageError(
          message: "'\(path)' is set twice; give each path one --set.", commandPath: invocation.commandPath)
      }
      if let other = paths.first(where: { $0.hasPrefix(path + ".") || path.hasPrefix($0 + ".") }) {
        throw UsageError(
          message: "'\(path)' and '\(other)' overlap: one would overwrite the other; set the outer one whole, or "
            + "only the fields inside it.", commandPath: invocation.commandPath)
      }
      // Read as an import reads a policy: a number beyond 64 bits or a name given twice would be
      // stored as something else than what was typed.
      do {
        changes.append((path, try JSON.parsingStrictly(text)))
      } catch  where error.isValidJSON {
        throw UsageError(
          message: "The value for '\(path)' is refused: \(error.message).", commandPath: invocation.commandPath)
      } catch {
        throw UsageError(
          message: "The value for '\(path)' is not JSON (\(error.message)); quote strings, e.g. \(path)='\"\(text)\"'.",
          commandPath: invocation.commandPath)
      }
    }
    let replacement = try dataFile.map(PolicyFiles.document)
    let store = try StoreOptions.open(invocation)
    let code = invocation.positionals[0]
    let result = try StoreCommand.run {
      try store.edit(
        code, changes: changes, replacement: replacement?.data, origin: replacement?.origin,
        fieldOrigin: replacement?.fieldOrigin ?? { _ in nil }, actor: StoreOptions.actor(invocation))
    }
    if invocation.flag("--json") {
      printJSON(
        code, status: result.status.rawValue, version: result.version,
        [
          "changed": .bool(result.isChanged), "newVersion": .bool(result.isNewVersion),
          "withdrawnPendReasons": .int(result.withdrawnPendReasons),
        ])
      return 0
    }
    guard result.isChanged else {
      Terminal.out(
        "\(code): nothing changed: the edit gives every field the value it has; the policy stays "
          + "\(result.status.rawValue), version \(result.version).")
      return 0
    }
    var line = "\(code): Edit, version \(result.version)" + (result.isNewVersion ? " (new version)" : "")
    if result.withdrawnPendReasons > 0 { line += "; \(result.withdrawnPendReasons) open pend reason(s) withdrawn" }
    Terminal.out(line + ".")
    return 0
  }

  static func runRevert(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    let code = invocation.positionals[0]
    let restored = try StoreCommand.run { try store.revert(code, actor: StoreOptions.actor(invocation)) }
    if invocation.flag("--json") {
      printJSON(code, status: restored.policy.status.rawValue, version: restored.policy.version)
      return 0
    }
    Terminal.out("\(code): version \(restored.policy.version) is current again (\(restored.policy.status.rawValue)).")
    return 0
  }

  static func runCancel(_ invocation: Invocation) throws -> Int32 {
    let date = invocation.value("--date")!
    guard date.count == 10, let time = Timestamp(iso8601: date) else {
      throw UsageError(
        message:
          "Invalid value \(Excerpt.name(date)) for '--date <yyyy-mm-dd>': expected a calendar date such as 2026-04-01.",
        commandPath: invocation.commandPath)
    }
    _ = time
    let reason = invocation.value("--reason") ?? ""
    let store = try StoreOptions.open(invocation)
    let code = invocation.positionals[0]
    let outcome = try StoreCommand.run {
      try store.cancel(
        code, effectiveDate: date, reason: reason, actor: StoreOptions.actor(invocation))
    }
    let record = outcome.record
    if invocation.flag("--json") {
      printJSON(
        code, status: outcome.policy.policy.status.rawValue, version: outcome.policy.policy.version,
        [
          "cancellation": record.json, "currency": outcome.currency.map(JSON.string) ?? .null,
          "reversed": .int(outcome.reversedTotal), "settlement": outcome.settlement?.json ?? .null,
          "balance": .int(outcome.balance), "termsVersion": outcome.termsVersion.map(JSON.int) ?? .null,
        ])
      return 0
    }
    var text = "\(code): Canceled as of \(date) (version \(outcome.policy.policy.version))"
    if record.fromInception { text += ", from inception" }
    text += "."
    if let currency = outcome.currency {
      func money(_ amount: Int) -> String { "\(MinorUnits.format(amount, currency: currency)) \(currency)" }
      text += " Reversed the \(money(outcome.reversedTotal)) in force."
      if let settlement = outcome.settlement {
        text += " Settlement for the cover used: \(money(settlement.total))."
      } else {
        text +=
          " No settlement: calculateOnCancellation is false"
          + (record.calculationSetBy == "policy" ? " on the policy." : " in its flow.")
      }
      text +=
        outcome.balance <= 0
        ? " Refund: \(money(-outcome.balance))." : " Amount owed: \(money(outcome.balance))."
    }
    // An edit never approved is canceled with the rest, but what was in force is another
    // version's: its data and flow are what was settled, whatever the edit says.
    if let terms = outcome.termsVersion, terms != outcome.policy.policy.version {
      text +=
        " Canceled on the terms of version \(terms), the one in force (its data and flow decided the above): the "
        + "changes of version \(outcome.policy.policy.version) were never approved."
    }
    Terminal.out(text)
    return 0
  }

  /// The policy a change left current, for scripts: its code, status and version, and what
  /// else the change says.
  static func printJSON(_ code: String, status: String, version: Int, _ extra: JSON = [:]) {
    var object: JSON = ["code": .string(code), "status": .string(status), "version": .int(version)]
    for (name, value) in extra.objectValue ?? JSONObject() { object.set(path: name, to: value) }
    Terminal.out(object.serialized(pretty: true))
  }
}
