import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies history`: every cycle and status change of a policy, all versions.
enum PoliciesHistory {
  static let command = Command(
    name: "history",
    abstract: "Show every processing cycle and status change of a policy, all versions, oldest first.",
    discussion: """
      Each cycle shows its version, time, outcome, the worker that ran it and the catalog hash it ran, \
      with its messages and the pend reasons it attached (and who resolved or withdrew them). \
      'policies explain' shows why the last cycle ended as it did. Versions written in a data access group \
      you do not hold (before the policy moved to one of yours) are left out, and stderr says how many \
      ('hiddenVersions' in --json).
      """,
    arguments: [Positional(name: "code", help: "The policy code.")],
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.json],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    let code = invocation.positionals[0]
    let history = try StoreCommand.run { try store.history(code, readBy: StoreOptions.actor(invocation)) }
    if let hidden = history[path: "hiddenVersions"]?.number.map(Int.init), hidden > 0 {
      Terminal.error(
        "Note: \(hidden) \(hidden == 1 ? "version" : "versions") of policy \(code) \(hidden == 1 ? "was" : "were") "
          + "written in a data access group you do not hold, and \(hidden == 1 ? "is" : "are") left out; an "
          + "administrator, or a user who holds every group it has been in, sees its whole history.")
    }
    if invocation.flag("--json") {
      Terminal.out(history.serialized(pretty: true))
      return 0
    }
    var cycles = history[path: "cycles"]?.arrayValue ?? []
    for row in history[path: "statusHistory"]?.arrayValue ?? [] {
      let version = row[path: "version"]?.serialized() ?? "?"
      let event = row[path: "event"]?.stringValue ?? "change"
      var line = "\(text(row, "at"))  v\(version)  \(event) → \(text(row, "status"))  by \(text(row, "actor"))"
      if let note = row[path: "note"]?.stringValue { line += "  (\(note))" }
      Terminal.out(line)
      guard event == "processed" || row[path: "event"] == .null,
        let index = cycles.firstIndex(where: {
          $0[path: "at"] == row[path: "at"] && $0[path: "version"] == row[path: "version"]
        })
      else { continue }
      let cycle = cycles.remove(at: index)
      Terminal.out("    catalog \(text(cycle, "catalogHash")), flow \(text(cycle, "flow"))")
      for message in cycle[path: "messages"]?.arrayValue ?? [] {
        Terminal.out("    message \(text(message, "code")) (\(text(message, "severity"))): \(text(message, "text"))")
      }
      for reason in cycle[path: "pendReasons"]?.arrayValue ?? [] {
        var fate = "open"
        if let by = reason[path: "resolvedBy"]?.stringValue {
          fate = "resolved by \(by) at \(text(reason, "resolvedAt"))"
        } else if let at = reason[path: "withdrawnAt"]?.stringValue {
          let by = reason[path: "withdrawnBy"]?.stringValue.map { " by \($0)" } ?? ""
          let event = reason[path: "withdrawnByEvent"]?.stringValue.map { " (\($0))" } ?? ""
          fate = "withdrawn\(by)\(event) at \(at)"
        }
        Terminal.out("    pend    \(text(reason, "code")) in \(text(reason, "step")): \(fate)")
      }
    }
    return 0
  }

  private static func text(_ object: JSON, _ key: String) -> String {
    object[path: key]?.stringValue ?? "-"
  }
}
