import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies decline`: closes an application that will never be approved.
enum PoliciesDecline {
  static let command = Command(
    name: "decline",
    abstract: "Close an application (version 1 in Edit or Pended) as Canceled: a risk declined or withdrawn.",
    discussion: """
      Open pend reasons are withdrawn and kept in pend history; nothing was in force, so nothing is \\
      reversed. Declining needs the rights to resolve each open pend reason (role, authority and \\
      maker-checker of its step), or access to the policy when none is open. A policy that was approved \\
      once is canceled instead ('policies cancel').
      """,
    arguments: [Positional(name: "code", help: "The policy code.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--reason", "text", "Why the application is declined or withdrawn, for the history.", required: true),
      CommonOptions.json,
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let reason = invocation.value("--reason") ?? ""
    let store = try StoreOptions.open(invocation)
    let code = invocation.positionals[0]
    let record = try StoreCommand.run { try store.decline(code, reason: reason, actor: StoreOptions.actor(invocation)) }
    if invocation.flag("--json") {
      PoliciesChange.printJSON(code, status: "Canceled", version: record.version, ["cancellation": record.json])
      return 0
    }
    Terminal.out("\(code): declined (Canceled, version \(record.version)): \(reason).")
    return 0
  }
}
