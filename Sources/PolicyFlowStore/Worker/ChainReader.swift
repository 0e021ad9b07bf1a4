import PolicyFlowCore
import Synchronization

/// Reads what a batch being computed needs of the policies' chains, on the computing thread, from
/// a connection of its own:
///
/// - What each chain last recorded of the policy's document and of its results in force: a
///   policy whose document or results in force were changed behind the engine's back is not run
///   (``Worker/compute(_:claimedAt:cycle:at:watch:chain:clock:)``). Its outcome would be decided on
///   a forged document, and the commit would chain the forgery as the engine's: derived fields
///   rewrite the document, and an approval reverses the results in force.
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

  /// What was read for a batch.
  struct Read: Sendable {
    var heads: [String: AuditChain.Head] = [:]
    /// The hash the last link listing it gave each policy row's document (`policy_data` row).
    var documents: [AuditChain.RowKey: String] = [:]
    /// The gids whose results in force differ from what their chains recorded.
    var changedResults: Set<String> = []
    /// Why nothing could be read; the batch then runs unchecked, and the commit reads the heads.
    var failure: String?
  }

  /// Opens a second connection to the database of `db` (``DatabaseConnection/connectingReader()``);
  /// nil when it cannot.
  init?(connectingAgainTo db: any DatabaseConnection) {
    guard let connection = try? db.connectingReader() else { return nil }
    self.connection = Mutex(connection)
  }

  /// The heads, recorded documents and changed results of the chains of `gids`, as committed now.
  func read(_ gids: [String]) -> Read {
    #if DEBUG
      if Self.failsForTests { return Read(failure: "test fault: POLICYFLOW_TEST_CHAIN_READ_FAILS is set") }
    #endif
    return connection.withLock { db in
      do {
        return try db.transaction(.read) { try Self.read(db, gids) }
      } catch let error as any DatabaseFailure where error.isTransient {
        // A connection the server closed (a restart, a terminated backend) is opened again, once a
        // batch.
        do {
          db = try db.connectingReader()
          return try db.transaction(.read) { try Self.read(db, gids) }
        } catch {
          return Read(failure: "\(error)")
        }
      } catch {
        return Read(failure: "\(error)")
      }
    }
  }

  /// One statement reads every link of the chains (only the entries of documents and results are
  /// parsed), a second the results in force.
  private static func read(_ db: any DatabaseConnection, _ gids: [String]) throws -> Read {
    guard let documentTable = AuditChain.tableIndex("policy_data"),
      let resultTable = AuditChain.tableIndex("calculation")
    else { preconditionFailure("the chain covers documents and results") }
    var read = Read()
    var links: [String: [AuditChain.StoredLink]] = [:]
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    try db.forEachRow(
      """
      SELECT f.gid, f.chain, a.seq, a.link, a.entries, a.gid, a.id, a.at
      FROM (\(AuditChain.chainRows(where: db.dialect.isOneOfStrings("gid", jsonArray: "?")))) f
      LEFT JOIN audit_link a ON a.chain = f.chain
      """, [list]
    ) { row in
      let (gid, chain) = (try row.string(at: 0), try row.int64(at: 1))
      guard let seq = try row.optionalInt(at: 2) else {
        read.heads[gid] = AuditChain.Head(chain: chain, seq: 0, link: AuditChain.genesis)
        return
      }
      let link = AuditChain.StoredLink(
        id: try row.int64(at: 6), gid: try row.string(at: 5), seq: seq, at: try row.string(at: 7),
        entries: try row.string(at: 4), link: try row.string(at: 3))
      if seq > read.heads[gid]?.seq ?? -1 { read.heads[gid] = AuditChain.Head(chain: chain, seq: seq, link: link.link) }
      links[gid, default: []].append(link)
    }
    let listed = AuditChain.lastListed(links, of: [documentTable, resultTable])
    for (key, last) in listed where key.table == documentTable {
      if let hash = last.hash { read.documents[key] = hash }
    }
    let inForce = try AuditChain.rawRows(
      db, table: resultTable, where: db.dialect.isOneOfStrings("t.gid", jsonArray: "?") + " AND t.in_force = 1",
      [list])
    for row in inForce
    where listed[AuditChain.RowKey(gid: row.gid, table: resultTable, key: row.key)]?.hash != row.entry.hash {
      read.changedResults.insert(row.gid)
    }
    if db.dialect != .sqlite { read.heads = [:] }
    return read
  }
}
