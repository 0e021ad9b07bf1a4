import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

extension Trait where Self == ConditionTrait {
  /// Runs a suite only when the tests' own PostgreSQL server could be started.
  static var needsPostgres: Self {
    .enabled(
      if: ThrowawayPostgres.shared != nil,
      "no PostgreSQL server could be started (install postgresql to run these tests; the reason is on stderr)")
  }
}

/// The URI of a fresh, empty database on the tests' own server.
func newPostgresDatabase() throws -> String {
  try #require(ThrowawayPostgres.shared).newDatabase()
}

/// A connection to a fresh, empty database on the tests' own server.
func newPostgresConnection() throws -> PostgresConnection {
  try PostgresConnection(uri: newPostgresDatabase())
}
