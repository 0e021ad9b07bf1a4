import PolicyFlowCore
import Synchronization

/// Reads the chain heads of a batch being computed, on the computing thread, from a connection of
/// its own: the commit that follows then appends to them without looking them up on the
/// committing thread, which is the worker's busiest (the `worker` bench: the lookup was some 7 µs
/// of the 14 µs a policy the chain cost that thread, while the computing thread was idle more
/// than half the time).
///
/// SQLite only: its readers do not wait for its writer. A head another transaction appends to
/// after the read is found out at the commit (``AuditChain/appendLinks(_:_:at:known:)``). On
/// PostgreSQL the commit locks the chains it appends to as it reads their heads, so it reads them
/// itself.
///
/// The connection lives as long as the worker. A batch left computing when the worker stops on an
/// error may still read through it; the lock keeps that to one reader at a time.
final class ChainHeadReader: Sendable {
  private let connection: Mutex<SQLiteConnection>

  /// Opens a second connection to the SQLite store at `path` (already created and migrated by the
  /// worker's own); nil when it cannot, and the commit then reads the heads itself. A reader that
  /// would wait for a lock gives up at once: the commit can do without what it reads.
  init?(sqliteStoreAt path: String) {
    guard
      let connection = try? SQLiteConnection(
        path: path, configuration: .init(busyTimeout: .milliseconds(50), synchronous: .normal))
    else { return nil }
    self.connection = Mutex(connection)
  }

  /// The heads of the chains of `gids` as committed now; none when they cannot be read (the
  /// commit reads them).
  func heads(of gids: [String]) -> [String: AuditChain.Head] {
    connection.withLock { db in
      (try? db.transaction(.read) { try AuditChain.heads(db, gids: gids) }) ?? [:]
    }
  }
}
