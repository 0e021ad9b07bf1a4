import PolicyFlowCore
import PolicyFlowStore

/// `policyflow users add|list|remove`.
enum Users {
  static let command = Command(
    name: "users", abstract: "Manage who may act on policies (administrators only).", subcommands: [add, list, remove])

  static let add = Command(
    name: "add",
    abstract: "Add a user with roles (which pends they may resolve) and data access groups.",
    arguments: [Positional(name: "name", help: "The user's login name.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--roles", "r1,r2", "Roles, comma-separated."),
      .value("--groups", "g1,g2", "Data access groups, comma-separated."),
      .flag("--admin", "Make the user an administrator."),
    ],
    run: runAdd)

  static let list = Command(
    name: "list", abstract: "List users, their roles and groups.",
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog, CommonOptions.json],
    run: runList)

  static let remove = Command(
    name: "remove", abstract: "Remove a user.", arguments: [Positional(name: "name", help: "The user's login name.")],
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog], run: runRemove)

  static func runAdd(_ invocation: Invocation) throws -> Int32 {
    func split(_ name: String) -> [String] {
      (invocation.value(name) ?? "").split(separator: ",").map { String($0).trimmingTrailingSpaces() }.filter {
        !$0.isEmpty
      }
    }
    let user = PolicyStore.User(
      name: invocation.positionals[0], roles: split("--roles"), groups: split("--groups"),
      isAdmin: invocation.flag("--admin"))
    let store = try StoreOptions.open(invocation)
    try StoreCommand.run { try store.addUser(user, by: StoreOptions.actor(invocation)) }
    Terminal.out("Added user \(user.name).")
    warnAboutUnknownRoles(user.roles, catalog: CommonOptions.catalogDirectory(invocation))
    return 0
  }

  static func runList(_ invocation: Invocation) throws -> Int32 {
    let users = try StoreOptions.open(invocation).users()
    if invocation.flag("--json") {
      Terminal.out(
        JSON.array(
          users.map {
            [
              "name": .string($0.name), "roles": .array($0.roles.map(JSON.string)),
              "groups": .array($0.groups.map(JSON.string)), "admin": .bool($0.isAdmin),
            ]
          }
        ).serialized(pretty: true))
      return 0
    }
    Table.print(
      ["USER", "ADMIN", "ROLES", "GROUPS"],
      users.map {
        [$0.name, $0.isAdmin ? "yes" : "", $0.roles.joined(separator: ","), $0.groups.joined(separator: ",")]
      },
      empty: "No users; 'policyflow init --admin NAME' records the first administrator.")
    return 0
  }

  static func runRemove(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    try StoreCommand.run { try store.removeUser(invocation.positionals[0], by: StoreOptions.actor(invocation)) }
    Terminal.out("Removed user \(invocation.positionals[0]).")
    return 0
  }

  /// A role no step names is usually a typo; it is kept (a later flow may name it), with a warning.
  private static func warnAboutUnknownRoles(_ roles: [String], catalog directory: String) {
    guard let catalog = CatalogLoader.load(directory: directory).catalog else { return }
    let known = Set(catalog.flows.values.flatMap { $0.steps.flatMap(\.resolvers.roles) })
    for role in roles where !known.contains(role) {
      Terminal.error(
        "Warning: no step of the catalog in \(directory) names the role '\(role)'."
          + Suggestion.didYouMean(role, among: known.sorted()))
    }
  }
}
