import PolicyFlowCore
import Synchronization

/// Reads what a batch being computed needs of the policies' chains, on the computing thread, from
/// a connection of its own:
///
/// - What each chain last recorded of the policy's document: a document changed behind the
///   engine's back is not run (``Worker/compute(_:claimedAt:cycle:at:watch:chain:)``), since its
///   outcome would be decided on it and its derived fields would chain it as the engine's.
/// - On SQLite, the chains' heads: the commit then appends to them without looking them up on the
///   committing thread, which is the worker's busiest (the `worker` bench: the lookup was some
///   7 µs of the 14 µs a policy the chain cost that thread, while the computing thread was idle
///   more than half the time). A head another transaction appends to after the read is found out
///   at the commit (``AuditChain/appendLinks(_:_:at:known:)``). On PostgreSQL the commit locks
///   the chains it appends to as it reads their heads, so it reads them itself.
///
/// The connection lives as long as the worker. A batch left computing when the worker stops on an
/// error may still read through it; the lock keeps that to one reader at a time.
final class ChainReader: Sendable {
  private let connection: Mutex<any DatabaseConnection>

  /// What was read for a batch; empty when nothing could be read (the commit then reads the heads
  /// itself, and no document is checked).
  struct Read: Sendable {
    var heads: [String: AuditChain.Head] = [:]
    /// The hash the last link listing it gave each policy row's document (`policy_data` row).
    var documents: [Int64: String] = [:]
  }

  /// Opens a second connection to the database of `db` (``DatabaseConnection/connectingReader()``);
  /// nil when it cannot.
  init?(connectingAgainTo db: any DatabaseConnection) {
    guard let connection = try? db.connectingReader() else { return nil }
    self.connection = Mutex(connection)
  }

  /// The heads and recorded documents of the chains of `gids`, as committed now: one statement
  /// reads every link of the chains, and only the entries of documents are parsed.
  func read(_ gids: [String]) -> Read {
    connection.withLock { db in
      if let read = try? db.transaction(.read, { try Self.read(db, gids) }) { return read }
      // A connection the server closed (a restart, a terminated backend) is opened again, once a
      // batch; a batch that cannot be read is committed without the reads, as before them.
      guard let fresh = try? db.connectingReader() else { return Read() }
      db = fresh
      return (try? db.transaction(.read) { try Self.read(db, gids) }) ?? Read()
    }
  }

  private static func read(_ db: any DatabaseConnection, _ gids: [String]) throws -> Read {
    var read = Read()
    var listed: [Int64: Int] = [:]
    let prefix = Array("policy_data ".utf8)
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    try db.forEachRow(
      """
      SELECT f.gid, f.chain, a.seq, a.link, a.entries
      FROM (\(AuditChain.chainRows(where: db.dialect.isOneOfStrings("gid", jsonArray: "?")))) f
      LEFT JOIN audit_link a ON a.chain = f.chain
      """, [list]
    ) { row in
      let (gid, chain) = (try row.string(at: 0), try row.int64(at: 1))
      guard let seq = try row.optionalInt(at: 2) else {
        read.heads[gid] = AuditChain.Head(chain: chain, seq: 0, link: AuditChain.genesis)
        return
      }
      if seq > read.heads[gid]?.seq ?? -1 {
        read.heads[gid] = AuditChain.Head(chain: chain, seq: seq, link: try row.string(at: 3))
      }
      for line in try row.string(at: 4).utf8.split(separator: AuditChain.newline)
      where line.starts(with: prefix) {
        guard let entry = AuditChain.Entry(line: line), seq > listed[entry.key] ?? 0 else { continue }
        listed[entry.key] = seq
        read.documents[entry.key] = entry.hash
      }
    }
    if db.dialect != .sqlite { read.heads = [:] }
    return read
  }
}
