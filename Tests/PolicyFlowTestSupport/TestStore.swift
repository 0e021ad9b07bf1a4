public import PolicyFlowStore

/// The engines a store test runs on: each behaviour both stores share is written once and run on
/// both, `@Test(arguments: TestStore.all)`.
public enum TestStore: String, Sendable, CustomStringConvertible, CaseIterable {
  case sqlite
  case postgres

  /// SQLite, and PostgreSQL when the tests' own server could be started (the reason it could not
  /// is printed once on stderr; CI fails when it was).
  public static var all: [TestStore] { ThrowawayPostgres.shared == nil ? [.sqlite] : [.sqlite, .postgres] }

  public var description: String { rawValue }

  /// Where a new, empty store of this kind goes: a file in `directory`, or a fresh database on
  /// the tests' own server.
  public func newLocation(in directory: String, file: String = "policyflow.sqlite") throws -> String {
    switch self {
    case .sqlite: return directory + "/" + file
    case .postgres:
      guard let server = ThrowawayPostgres.shared else {
        preconditionFailure("TestStore.postgres is listed only when the tests' server is running")
      }
      return try server.newDatabase()
    }
  }

  /// A connection to the store at `location` (a file or a URI), for reading it behind the
  /// engine's back.
  public static func connect(_ location: String) throws -> any DatabaseConnection {
    PostgresURI.isPostgres(location) ? try PostgresConnection(uri: location) : try SQLiteConnection(path: location)
  }
}
