/// One numbered step of the schema: SQL or Swift code run once, in its own transaction.
///
/// A migration must not open or close transactions itself, and must never change once released:
/// databases in the field record that they ran it.
public struct Migration: Sendable {
  /// The schema version the database reaches once this migration ran; 1 for the first.
  public let version: Int

  /// A short description recorded next to the version, such as "create the activity queue".
  public let name: String

  /// Whether the migration rebuilds tables that other tables reference (create a new table,
  /// copy, drop the old one, rename), which SQLite allows only with foreign keys off (PostgreSQL stores never need it): dropping a
  /// referenced table with them on deletes every row that refers to it (`ON DELETE CASCADE`).
  /// The migrator turns them off around the migration's transaction and checks every reference
  /// before it commits.
  public let rebuildsReferencedTables: Bool

  let apply: @Sendable (any DatabaseConnection) throws -> Void

  /// A migration that runs an SQL script of one or more statements.
  public init(version: Int, name: String, rebuildsReferencedTables: Bool = false, sql: String) {
    self.init(version: version, name: name, rebuildsReferencedTables: rebuildsReferencedTables) { connection in
      try connection.executeScript(sql)
    }
  }

  /// A migration that runs Swift code, for changes SQL alone cannot express (such as rewriting
  /// stored JSON).
  public init(
    version: Int, name: String, rebuildsReferencedTables: Bool = false,
    apply: @escaping @Sendable (any DatabaseConnection) throws -> Void
  ) {
    self.version = version
    self.name = name
    self.rebuildsReferencedTables = rebuildsReferencedTables
    self.apply = apply
  }
}
