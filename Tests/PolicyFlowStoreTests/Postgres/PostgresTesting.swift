import Dispatch
import Foundation
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

/// Runs `body(0)`, `body(1)`… each on a thread of its own, all at once, and waits for them: for
/// tests whose transactions must overlap, which a thread pool may run one after the other.
func onSeparateThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
  let group = DispatchGroup()
  for index in 0..<count {
    group.enter()
    Thread {
      body(index)
      group.leave()
    }.start()
  }
  group.wait()
}
