import PolicyFlowStore

/// `policyflow init`: create or upgrade the store.
enum Init {
  static let command = Command(
    name: "init",
    abstract: "Create or upgrade the store and record the first administrator.",
    discussion: """
      Running it again is harmless: it applies only migrations the store does not have yet. The first \
      administrator of a new store names themselves with --admin; after that only an administrator may add \
      another (--as).
      """,
    options: [
      StoreOptions.db, StoreOptions.actor,
      .value("--admin", "user", "Record this user as an administrator."),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    // The administrator's name is checked before the store is made: a refused init leaves no file.
    if let admin = invocation.value("--admin") {
      guard !admin.isEmpty else {
        throw UsageError(
          message: "The value of '--admin <user>' must not be empty.", commandPath: invocation.commandPath)
      }
      try StoreCommand.run { try PolicyStore.checkUserName(admin) }
    }
    let store = try StoreOptions.open(invocation, create: true)
    let missing = try StoreCommand.run { try store.grantRoles() }
    if !missing.isEmpty {
      let creates = missing.map {
        "CREATE ROLE \($0) NOLOGIN\($0 == "policyflow_admin" ? " IN ROLE policyflow_operator" : "");"
      }
      Terminal.error(
        "Note: the roles \(missing.joined(separator: ", ")) do not exist, and this login may not create them, so "
          + "no other login can use this store yet. A database administrator runs:\n  "
          + creates.joined(separator: "\n  ")
          + "\nthen run 'policyflow init' again as the store's owner: it gives the roles their rights.")
    }
    if let admin = invocation.value("--admin") {
      try StoreCommand.run { try store.ensureAdministrator(admin, by: StoreOptions.actor(invocation)) }
    }
    let admin = invocation.value("--admin").map { "; administrator: \($0)" } ?? ""
    Terminal.out("Store \(store.path) is ready (schema version \(try store.schemaVersion))\(admin).")
    return 0
  }
}
