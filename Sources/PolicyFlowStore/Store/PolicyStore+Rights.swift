import PolicyFlowCore

extension PolicyStore {
  /// The user acting, who must be known to the store to change anything.
  public func knownUser(_ name: String) throws -> User {
    try requireActing(as: name)
    guard let user = try user(name) else {
      let hasUsers = try db.queryOne("SELECT 1 FROM app_user LIMIT 1", row: { _ in true }) ?? false
      // A name that differs from a user's only in case is that user mistyped: adding it is refused
      // (one person under two names to maker-checker), so it was advice that could not be taken.
      if let same = try db.queryOne(
        "SELECT name FROM app_user WHERE lower(name) = lower(?) LIMIT 1", [.text(name)], row: { try $0.string(at: 0) })
      {
        // A PostgreSQL login acts as itself (--as is an administrator's): it cannot take the advice.
        let advice =
          databaseLogin == name && !loginOwnsStore
          ? "the store's user is '\(same)', and this login '\(name)' acts as itself: the database administrator "
            + "renames the login to match (ALTER ROLE \"\(name)\" RENAME TO \"\(same)\")"
          : "did you mean '\(same)'? (names are compared exactly, and one that differs from a user's only in case "
            + "cannot be added)"
        throw StoreError(.notPermitted, "User '\(name)' is not known to this store; \(advice)")
      }
      // The name may be the login's, taken for want of --as: say how to name a user, for reading too.
      // On PostgreSQL a login acts as itself (--as is an administrator's), so that is not offered.
      let actsAsLogin = databaseLogin == name && !loginOwnsStore
      let hint =
        !hasUsers
        ? "this store has no users yet; record the first administrator with 'policyflow init --admin \(name)'"
        : actsAsLogin
          ? "an administrator adds this login's user with 'policyflow users add \(name) --roles ROLE,…'"
          : "act as a user it knows with --as NAME (or POLICYFLOW_USER), or an administrator adds this one with "
            + "'policyflow users add \(name) --roles ROLE,…'"
      throw StoreError(.notPermitted, "User '\(name)' is not known to this store; \(hint).")
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

  /// The SQL condition that the policy row `p` is visible to a user, as ``mayAccess(_:accessGroup:)``
  /// decides it in Swift: outside every group, or the user is an administrator (parameter
  /// `admin`, 1 or 0), or its group is one of theirs (parameter `groups`, a JSON array); the
  /// values for both from ``visibilityArguments(_:)``.
  func visibleToUser(admin: String, groups: String) -> String {
    "(p.access_group IS NULL OR \(admin) = 1 OR \(db.dialect.isOneOfStrings("p.access_group", jsonArray: groups)))"
  }

  /// The `admin` and `groups` values of ``visibleToUser(admin:groups:)`` for `user` (nil: a name
  /// the store does not know, who sees only policies outside groups).
  static func visibilityArguments(_ user: User?) -> (admin: DatabaseValue, groups: DatabaseValue) {
    (.integer(user?.isAdmin == true ? 1 : 0), .text(JSON.array((user?.groups ?? []).map(JSON.string)).serialized()))
  }

  /// The SQL of a policy row `p`'s flow: that of the last cycle of its version, else its own
  /// `processFlow` (what `policies list` shows and `--flow` selects by).
  static let policyFlow = """
    coalesce(
      (SELECT c.flow FROM cycle c WHERE c.policy_id = p.id AND c.version = p.version ORDER BY c.id DESC LIMIT 1),
      p.process_flow)
    """

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

  /// Refuses unless `user` holds the data access group of every version `stored` has had, for the
  /// acts that read the versions before it (a cancellation reverses the premium in force, which an
  /// earlier version holds; a revert or decline reads the previous version's status). On
  /// PostgreSQL the versions in groups the user does not hold are hidden from them: a cancellation
  /// reversed nothing, and a revert crashed (PostgreSQL team trial).
  func requireEveryVersion(_ user: User, of stored: StoredPolicy, toDo action: String) throws {
    guard !user.isAdmin else { return }
    let groups = try db.query(
      db.dialect == .postgres
        ? "SELECT g FROM policyflow_version_groups(?) g"
        : "SELECT DISTINCT access_group FROM policy WHERE gid = ? AND access_group IS NOT NULL",
      [.text(stored.policy.gid)]
    ) { try $0.string(at: 0) }
    if let missing = groups.sorted().first(where: { !user.groups.contains($0) }) {
      throw StoreError(
        .notPermitted,
        "User '\(user.name)' may not \(action) policy \(stored.policy.code): an earlier version of it is in data access "
          + "group '\(missing)', which the user does not hold; a user who holds every group it has been in, or an "
          + "administrator, may.")
    }
  }

  /// Refuses a connection whose login may not record outcomes: on PostgreSQL, an operator's login
  /// (schema 18's judgment of it, as the server would record it with a link). Its outcomes would
  /// read as forged in `audit verify`, where only workers (and logins that may act for anyone)
  /// record them. SQLite has no logins.
  public func requireWorkerLogin() throws {
    guard db.dialect == .postgres, let login = databaseLogin,
      let judged = try db.queryOne("SELECT policyflow_link_writer()", row: { try $0.string(at: 0) }),
      let writer = AuditChain.LinkWriter(recorded: judged), !writer.isTrusted, !writer.isWorker
    else { return }
    throw StoreError(
      .notPermitted,
      "The login \(login) is an operator's, not a worker's: outcomes it recorded would read as forged in "
        + "'policyflow audit verify' (only workers record outcomes). Run workers with a login granted "
        + "policyflow_worker, an administrator's, or the store owner's.")
  }
}
