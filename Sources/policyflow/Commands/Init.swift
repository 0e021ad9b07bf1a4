import PolicyFlowStore

/// `policyflow init`: create or upgrade the store.
enum Init {
  static let command = Command(
    name: "init",
    abstract: "Create or upgrade the store and record the first administrator.",
    discussion: "Running it again is harmless: it applies only migrations the store does not have yet.",
    options: [StoreOptions.db, .value("--admin", "user", "Record this user as an administrator.")],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    if let admin = invocation.value("--admin") {
      guard !admin.isEmpty else {
        throw UsageError(
          message: "The value of '--admin <user>' must not be empty.", commandPath: invocation.commandPath)
      }
      try store.ensureAdministrator(admin)
    }
    let admin = invocation.value("--admin").map { "; administrator: \($0)" } ?? ""
    Terminal.out("Store \(store.path) is ready (schema version \(try store.schemaVersion))\(admin).")
    return 0
  }
}
