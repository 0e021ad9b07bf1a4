import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// `policyflow users add|update|list|remove`.
enum Users {
  static let command = Command(
    name: "users", abstract: "Manage who may act on policies (administrators only).",
    subcommands: [add, update, list, remove])

  static let add = Command(
    name: "add",
    abstract: "Add a user with roles (which pends they may resolve) and data access groups.",
    arguments: [Positional(name: "name", help: "The user's login name.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--roles", "r1,r2", "Roles, comma-separated."),
      .value("--groups", "g1,g2", "Data access groups, comma-separated."),
      .flag("--admin", "Make the user an administrator."),
      CommonOptions.json,
    ],
    run: runAdd)

  static let update = Command(
    name: "update",
    abstract: "Change a user's roles, data access groups or administrator right.",
    discussion: """
      Each option given replaces what the user had (--roles and --groups take the whole new list; an empty \
      value clears it); what is not given stays. Pends already resolved stay resolved.
      """,
    arguments: [Positional(name: "name", help: "The user's login name.")],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--roles", "r1,r2", "The user's roles from now on, comma-separated."),
      .value("--groups", "g1,g2", "The user's data access groups from now on, comma-separated."),
      .flag("--admin", "Make the user an administrator."),
      .flag("--no-admin", "Take the administrator right away (not from the last administrator)."),
      CommonOptions.json,
    ],
    run: runUpdate)

  static let list = Command(
    name: "list", abstract: "List users, their roles and groups.",
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog, CommonOptions.json],
    run: runList)

  static let remove = Command(
    name: "remove", abstract: "Remove a user.", arguments: [Positional(name: "name", help: "The user's login name.")],
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog, CommonOptions.json], run: runRemove)

  /// A comma-separated list option, each name trimmed; nil when the option is not given, empty
  /// when its value is. A blank name within a list (`a,,b`, `a,`) is refused: it is a name left
  /// out, and the user would get fewer rights than typed without a word.
  private static func list(_ invocation: Invocation, _ name: String) throws -> [String]? {
    guard let value = invocation.value(name) else { return nil }
    guard !value.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
    let names = value.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard !names.contains(where: \.isEmpty) else {
      throw UsageError(
        message: "\(name) '\(value)' has a blank name in its list; give names separated by single commas "
          + "(or an empty value to clear the list).",
        commandPath: invocation.commandPath)
    }
    return names
  }

  static func runAdd(_ invocation: Invocation) throws -> Int32 {
    let user = PolicyStore.User(
      name: invocation.positionals[0], roles: try list(invocation, "--roles") ?? [],
      groups: try list(invocation, "--groups") ?? [], isAdmin: invocation.flag("--admin"))
    let store = try StoreOptions.open(invocation)
    try StoreCommand.run { try store.addUser(user, by: StoreOptions.actor(invocation)) }
    Terminal.out(invocation.flag("--json") ? json(user).serialized(pretty: true) : "Added user \(user.name).")
    warnAboutUnknownRoles(user.roles, catalog: CommonOptions.catalogDirectory(invocation))
    noteLoginSQL(for: user, in: store)
    return 0
  }

  /// On PostgreSQL the user acts through the login of the same name, which PolicyFlow does not
  /// create or grant: the SQL the database administrator still runs for it, on stderr (an
  /// unquoted CREATE ROLE Eve makes the login eve, which is not the user Eve).
  private static func noteLoginSQL(for user: PolicyStore.User, in store: PolicyStore) {
    if let sql = try? store.missingLoginSQL(for: user.name, isAdmin: user.isAdmin) {
      let state = sql.hasPrefix("CREATE") ? "does not exist yet" : "cannot act yet"
      let folded = (try? store.foldedLogin(of: user.name)).flatMap { $0 }.map {
        " (the login \($0) is another: PostgreSQL folds a name written without quotes to lower case)"
      }
      Terminal.error(
        "Note: \(user.name) acts through the database login of the same name, which \(state)\(folded ?? ""); the "
          + "database administrator runs: \(sql)")
    } else if !user.isAdmin, let sql = try? store.excessLoginSQL(for: user.name) {
      Terminal.error(
        "Note: \(user.name)'s database login still holds policyflow_admin, with which it may change the users (and "
          + "make itself an administrator again); the database administrator runs: \(sql)")
    }
  }

  static func runUpdate(_ invocation: Invocation) throws -> Int32 {
    let name = invocation.positionals[0]
    if invocation.flag("--admin") && invocation.flag("--no-admin") {
      throw UsageError(message: "Give '--admin' or '--no-admin', not both.", commandPath: invocation.commandPath)
    }
    let roles = try list(invocation, "--roles")
    let groups = try list(invocation, "--groups")
    let isAdmin: Bool? = invocation.flag("--admin") ? true : invocation.flag("--no-admin") ? false : nil
    guard roles != nil || groups != nil || isAdmin != nil else {
      throw UsageError(
        message: "Nothing to change: give '--roles', '--groups', '--admin' or '--no-admin'.",
        commandPath: invocation.commandPath)
    }
    let store = try StoreOptions.open(invocation)
    let user = try StoreCommand.run {
      try store.updateUser(name, roles: roles, groups: groups, isAdmin: isAdmin, by: StoreOptions.actor(invocation))
    }
    func shown(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ",") }
    if invocation.flag("--json") {
      Terminal.out(json(user).serialized(pretty: true))
    } else {
      Terminal.out(
        "Updated user \(user.name): roles \(shown(user.roles)); groups \(shown(user.groups))"
          + (user.isAdmin ? "; administrator." : "."))
    }
    if let roles { warnAboutUnknownRoles(roles, catalog: CommonOptions.catalogDirectory(invocation)) }
    // The login's grants follow the store's right only when the database administrator changes
    // them: said as `users add` says it (an update to administrator said nothing; PostgreSQL trial).
    if isAdmin != nil { noteLoginSQL(for: user, in: store) }
    return 0
  }

  static func runList(_ invocation: Invocation) throws -> Int32 {
    let users = try StoreOptions.open(invocation).users()
    if invocation.flag("--json") {
      Terminal.out(JSON.array(users.map(json)).serialized(pretty: true))
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
    Terminal.out(
      invocation.flag("--json")
        ? (["removed": .string(invocation.positionals[0])] as JSON).serialized(pretty: true)
        : "Removed user \(invocation.positionals[0]).")
    return 0
  }

  /// A user as `users list --json` shows it, and as `add` and `update --json` show the result.
  private static func json(_ user: PolicyStore.User) -> JSON {
    [
      "name": .string(user.name), "roles": .array(user.roles.map(JSON.string)),
      "groups": .array(user.groups.map(JSON.string)), "admin": .bool(user.isAdmin),
    ]
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
