import PolicyFlowStore

/// `policyflow policies submit`: queue policies for a worker.
enum PoliciesSubmit {
  static let command = Command(
    name: "submit",
    abstract: "Submit policies for processing: they become In Process and are queued for a worker.",
    discussion: "A policy already In Process is recorded as \"already submitted\" and not queued twice.",
    arguments: [Positional(name: "code", help: "Policy codes.", isRepeating: true)],
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    let actor = StoreOptions.actor(invocation)
    var failed: Int32 = 0
    for code in invocation.positionals {
      do {
        switch try store.submit(code, actor: actor) {
        case .queued: Terminal.out("\(code): In Process, queued for a worker.")
        case .alreadySubmitted: Terminal.out("\(code): already submitted; recorded, not queued again.")
        }
      } catch let error as StoreError {
        Terminal.error("Error: \(error.message)")
        failed = StoreFailure.exitCode(error)
      }
    }
    return failed
  }
}
