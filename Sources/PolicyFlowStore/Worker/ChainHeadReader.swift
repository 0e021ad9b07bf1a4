import PolicyFlowCore
import Synchronization

/// Reads the chain heads of a batch being computed, on the computing thread, from a connection of
/// its own: the commit that follows then appends to them without looking them up on the
/// committing thread, which is the worker's busiest (the `worker` bench: the lookup was some 7 µs
/// of the 14 µs a policy the chain cost that thread, while the computing thread was idle more
/// than half the time).
///
/// SQLite only: its readers do not wait for its writer. A head another transaction appends after
/// the read is found out at the commit (``AuditChain/appendLinks(_:_:at:known:)``). On PostgreSQL
/// the commit locks the chains it appends to as it reads their heads, so it reads them itself.
final class ChainHeadReader: Sendable {
  private let store: Mutex<PolicyStore>

  /// Opens a second connection to the SQLite store at `path`; nil when it cannot (the commit then
  /// reads the heads itself).
  init?(sqliteStoreAt path: String) {
    guard let store = try? PolicyStore(path: path, durability: .normal, create: false) else { return nil }
    self.store = Mutex(store)
  }

  /// The heads of the chains of `gids` as committed now; none when they cannot be read (the
  /// commit reads them).
  func heads(of gids: [String]) -> [String: AuditChain.Head] {
    store.withLock { store in
      (try? store.db.transaction(.read) { try AuditChain.heads(store.db, gids: gids) }) ?? [:]
    }
  }
}
