import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies submit`: queue policies for a worker.
enum PoliciesSubmit {
  static let command = Command(
    name: "submit",
    abstract: "Submit policies for processing: they become In Process and are queued for a worker.",
    discussion: """
      All the policies are submitted in one transaction, or none when one is refused. A policy already \
      In Process is recorded as "already submitted" and not queued twice.
      """,
    arguments: [Positional(name: "code", help: "Policy codes.", isRepeating: true)],
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog, CommonOptions.json],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    let codes = invocation.positionals
    let results = try StoreCommand.run { try store.submit(codes, actor: StoreOptions.actor(invocation)) }
    if invocation.flag("--json") {
      let entries = zip(codes, results).map { code, result -> JSON in
        ["code": .string(code), "result": .string(result == .queued ? "queued" : "alreadySubmitted")]
      }
      Terminal.out(JSON.array(entries).serialized(pretty: true))
      return 0
    }
    for (code, result) in zip(codes, results) {
      switch result {
      case .queued: Terminal.out("\(code): In Process, queued for a worker.")
      case .alreadySubmitted: Terminal.out("\(code): already submitted; recorded, not queued again.")
      }
    }
    return 0
  }
}
