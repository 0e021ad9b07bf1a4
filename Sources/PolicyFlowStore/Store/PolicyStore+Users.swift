import PolicyFlowCore

extension PolicyStore {
  /// A person who may act on policies: roles say which pends they may resolve, groups which
  /// policies they may see and change.
  public struct User: Sendable, Hashable {
    public var name: String
    public var roles: [String]
    public var groups: [String]
    public var isAdmin: Bool

    public init(name: String, roles: [String] = [], groups: [String] = [], isAdmin: Bool = false) {
      self.name = name
      self.roles = roles
      self.groups = groups
      self.isAdmin = isAdmin
    }
  }

  /// Records `name` as an administrator. The first administrator of a store may name
  /// themselves; after that only an administrator (`actor`) may add another. Harmless to repeat.
  public func ensureAdministrator(_ name: String, by actor: String? = nil) throws {
    try Self.checkUserName(name)
    try writing {
      if try user(name)?.isAdmin == true { return }
      let admins = try db.query("SELECT name FROM app_user WHERE is_admin = 1 ORDER BY name") { try $0.string(at: 0) }
      if let first = admins.first, !(try actor.flatMap { try user($0) }?.isAdmin ?? false) {
        // On PostgreSQL an administrator acts through their own login, so --as is not offered.
        let how =
          databaseLogin == nil
          ? "'policyflow users add \(name) --admin --as \(first)'"
          : "'policyflow users add \(name) --admin', run from an administrator's login"
        throw StoreError(
          .notPermitted,
          "This store already has administrators (\(admins.joined(separator: ", "))); only one of them may add "
            + "another: \(how).")
      }
      try db.execute(
        """
        INSERT INTO app_user (name, is_admin, created_at) VALUES (?, 1, ?)
        ON CONFLICT (name) DO UPDATE SET is_admin = 1
        """, [.text(name), .text(clock().iso8601)])
    }
  }

  /// Refuses a name no user may have: empty, or holding a space or comma (lists of users are
  /// written with commas; a name is also a login's).
  public static func checkUserName(_ name: String) throws {
    let allowed = name.unicodeScalars.allSatisfy { !$0.properties.isWhitespace && $0 != "," }
    guard !name.isEmpty, allowed else {
      throw StoreError(
        .invalidInput, "The user name '\(name)' is not valid: give a login name without spaces or commas.")
    }
  }

  public func user(_ name: String) throws -> User? {
    try db.queryOne(
      "SELECT name, roles, groups, is_admin FROM app_user WHERE name = ?", [.text(name)], row: PolicyStore.user)
  }

  public func users() throws -> [User] {
    try db.query("SELECT name, roles, groups, is_admin FROM app_user ORDER BY name", row: PolicyStore.user)
  }

  private static func user(_ row: any DatabaseRow) throws -> User {
    func list(_ index: Int) throws -> [String] {
      (try JSON(parsing: try row.string(at: index)).arrayValue ?? []).compactMap(\.stringValue)
    }
    return User(name: try row.string(at: 0), roles: try list(1), groups: try list(2), isAdmin: try row.int(at: 3) != 0)
  }

  /// Adds a user; only administrators may.
  public func addUser(_ user: User, by actor: String) throws {
    try writing {
      try requireAdministrator(try knownUser(actor), toDo: "add users")
      try Self.checkUserName(user.name)
      guard try self.user(user.name) == nil else {
        throw StoreError(
          .alreadyExists, "User '\(user.name)' already exists; 'policyflow users update' changes roles and groups.")
      }
      // Names that differ only in case would be one person under two names to maker-checker.
      let folded = try db.query("SELECT name FROM app_user WHERE lower(name) = lower(?)", [.text(user.name)]) {
        try $0.string(at: 0)
      }
      if let existing = folded.first {
        throw StoreError(
          .alreadyExists,
          "User '\(existing)' already exists, a name that differs from '\(user.name)' only in case; one person "
            + "with two names would check their own work. Use '\(existing)', or choose a name that differs in letters.")
      }
      try db.execute(
        "INSERT INTO app_user (name, roles, groups, is_admin, created_at) VALUES (?, ?, ?, ?, ?)",
        [
          .text(user.name), .text(JSON.array(user.roles.map(JSON.string)).serialized()),
          .text(JSON.array(user.groups.map(JSON.string)).serialized()), .integer(user.isAdmin ? 1 : 0),
          .text(clock().iso8601),
        ])
    }
  }

  /// Changes a user's roles, data access groups or administrator right (each only when given),
  /// and returns the user as now stored; only administrators may, and the last administrator
  /// stays one (refused). The name is the request's input: an unknown one is invalid input, like
  /// an existing one for ``addUser(_:by:)``. Pends already resolved stay resolved; the new rights
  /// count from now on.
  @discardableResult
  public func updateUser(
    _ name: String, roles: [String]? = nil, groups: [String]? = nil, isAdmin: Bool? = nil, by actor: String
  ) throws -> User {
    try writing {
      try requireAdministrator(try knownUser(actor), toDo: "change users")
      guard var user = try self.user(name) else {
        throw StoreError(.invalidInput, "No user '\(name)'; 'policyflow users add \(name)' adds one.")
      }
      if isAdmin == false, user.isAdmin,
        try db.queryOne("SELECT count(*) FROM app_user WHERE is_admin = 1", row: { try $0.int(at: 0) }) == 1
      {
        throw StoreError(.refused, "User '\(name)' is the last administrator; make another user one first.")
      }
      user.roles = roles ?? user.roles
      user.groups = groups ?? user.groups
      user.isAdmin = isAdmin ?? user.isAdmin
      try db.execute(
        "UPDATE app_user SET roles = ?, groups = ?, is_admin = ? WHERE name = ?",
        [
          .text(JSON.array(user.roles.map(JSON.string)).serialized()),
          .text(JSON.array(user.groups.map(JSON.string)).serialized()), .integer(user.isAdmin ? 1 : 0), .text(name),
        ])
      return user
    }
  }

  /// Removes a user; only administrators may, and the last administrator stays (refused, as
  /// ``updateUser(_:roles:groups:isAdmin:by:)`` refuses it). An unknown name is invalid input.
  public func removeUser(_ name: String, by actor: String) throws {
    try writing {
      try requireAdministrator(try knownUser(actor), toDo: "remove users")
      guard let user = try self.user(name) else {
        throw StoreError(.invalidInput, "No user '\(name)'; 'policyflow users list' names them.")
      }
      if user.isAdmin,
        try db.queryOne("SELECT count(*) FROM app_user WHERE is_admin = 1", row: { try $0.int(at: 0) }) == 1
      {
        throw StoreError(.refused, "User '\(name)' is the last administrator; add another administrator first.")
      }
      try db.execute("DELETE FROM app_user WHERE name = ?", [.text(name)])
    }
  }
}
