import PolicyFlowCore

extension PolicyStore {
  /// A person who may act on policies.
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

  /// Records `name` as an administrator, creating the user when missing. Harmless to repeat.
  public func ensureAdministrator(_ name: String) throws {
    try db.transaction {
      try db.execute(
        """
        INSERT INTO app_user (name, is_admin, created_at) VALUES (?, 1, ?)
        ON CONFLICT (name) DO UPDATE SET is_admin = 1
        """, [.text(name), .text(clock().iso8601)])
    }
  }

  public func user(_ name: String) throws -> User? {
    try db.queryOne("SELECT name, roles, groups, is_admin FROM app_user WHERE name = ?", [.text(name)]) { row in
      func list(_ index: Int) throws -> [String] {
        (try JSON(parsing: row.string(at: index)).arrayValue ?? []).compactMap(\.stringValue)
      }
      return User(name: row.string(at: 0), roles: try list(1), groups: try list(2), isAdmin: row.int(at: 3) != 0)
    }
  }
}
