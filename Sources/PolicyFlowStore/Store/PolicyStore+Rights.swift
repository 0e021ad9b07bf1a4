import PolicyFlowCore

extension PolicyStore {
  /// The user acting, who must be known to the store to change anything.
  public func knownUser(_ name: String) throws -> User {
    try requireActing(as: name)
    guard let user = try user(name) else {
      let hasUsers = try db.queryOne("SELECT 1 FROM app_user LIMIT 1", row: { _ in true }) ?? false
      let hint =
        hasUsers
        ? "an administrator adds users with 'policyflow users add \(name) --roles ROLE,…'"
        : "this store has no users yet; record the first administrator with 'policyflow init --admin \(name)'"
      throw StoreError(
        .notPermitted, "User '\(name)' is not known to this store, so it may not change anything; \(hint).")
    }
    return user
  }

  /// On PostgreSQL, refuses to act as `name` unless it is the connected login's user, or that
  /// login is an administrator's (or owns the store): there, who acts is who the server
  /// authenticated, not who `--as` says. Nothing is refused on SQLite.
  public func requireActing(as name: String) throws {
    guard let login = databaseLogin, name != login, !loginOwnsStore else { return }
    if try user(login)?.isAdmin == true { return }
    throw StoreError(
      .notPermitted,
      "You are connected to this store as database login '\(login)', so you act as user '\(login)'; acting as "
        + "'\(name)' (--as, POLICYFLOW_USER) needs an administrator's login.")
  }

  /// The user `name` reading the store (nil when the store does not know the name), refused
  /// like ``requireActing(as:)`` when it is not who the server says is connected.
  func readingUser(_ name: String) throws -> User? {
    try requireActing(as: name)
    return try user(name)
  }

  /// Whether `user` may see and change a policy of `accessGroup` (nil when reading as an
  /// unknown user, who sees only policies without a group).
  public static func mayAccess(_ user: User?, accessGroup: String?) -> Bool {
    guard let accessGroup else { return true }
    guard let user else { return false }
    return user.isAdmin || user.groups.contains(accessGroup)
  }

  /// Refuses unless `user` holds the policy's data access group (or is an administrator).
  func requireAccess(_ user: User, to stored: StoredPolicy) throws {
    try requireAccess(user, toPolicy: stored.policy.code, accessGroup: stored.accessGroup)
  }

  /// Refuses unless `user` may access the policy `code` in `accessGroup`.
  func requireAccess(_ user: User, toPolicy code: String, accessGroup: String?) throws {
    guard PolicyStore.mayAccess(user, accessGroup: accessGroup) else {
      throw StoreError(
        .notPermitted,
        "User '\(user.name)' may not access policy \(code): it belongs to data access group "
          + "'\(accessGroup ?? "")', which the user does not hold.")
    }
  }

  /// Refuses unless `user` is an administrator.
  func requireAdministrator(_ user: User, toDo action: String) throws {
    guard user.isAdmin else {
      throw StoreError(.notPermitted, "User '\(user.name)' may not \(action): only administrators may.")
    }
  }

  /// The current version of `code` for a user who may change it.
  func currentPolicy(_ code: String, for user: User) throws -> StoredPolicy {
    guard let stored = try currentPolicy(code) else { throw StoreError(.notFound, "No policy with code '\(code)'.") }
    try requireAccess(user, to: stored)
    return stored
  }
}
