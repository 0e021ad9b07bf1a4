import PolicyFlowCore

extension AuditChain {
  /// The history rows one write transaction wrote or removed, by table (positions in ``tables``).
  struct Writes {
    var written: [Set<Int64>] = Array(repeating: [], count: AuditChain.tables.count)
    var removed: [String: [Entry]] = [:]

    var isEmpty: Bool { removed.isEmpty && written.allSatisfy(\.isEmpty) }
  }
}

/// Chaining what a write transaction wrote: every write transaction of the store goes through
/// ``writing(_:durability:_:)``, and every statement that writes a history row names the row
/// (``wrote(_:keys:)``), so the transaction's last statements append one link per policy it
/// wrote history of, in the same transaction as the rows.
extension PolicyStore {
  /// Runs `body` in a write transaction (of `kind`) and chains the history rows it wrote before the
  /// transaction commits. A retried transaction starts its list again.
  @discardableResult
  func writing<T>(
    _ kind: TransactionKind = .write, durability: CommitDurability = .standard, _ body: () throws -> T
  ) throws -> T {
    try db.transaction(kind, durability: durability) {
      auditWrites = AuditChain.Writes()
      defer { auditWrites = AuditChain.Writes() }
      let value = try body()
      try AuditChain.append(db, auditWrites, at: clock())
      return value
    }
  }

  /// Notes that the current transaction inserted or changed rows of the history table `table`.
  func wrote(_ table: String, keys: some Sequence<Int64>) {
    guard let index = AuditChain.tableIndex(table) else { preconditionFailure("\(table) is not a history table") }
    auditWrites.written[index].formUnion(keys)
  }

  /// Notes that the current transaction removes rows of `table` (of the policy `gid`) on purpose:
  /// a revert removes the edit version's document.
  func removed(from table: String, keys: [Int64], gid: String) {
    guard let index = AuditChain.tableIndex(table) else { preconditionFailure("\(table) is not a history table") }
    auditWrites.removed[gid, default: []] += keys.map { AuditChain.Entry(table: index, key: $0, hash: nil) }
  }
}

extension AuditChain {
  /// A history row read the way the chain covers it, not yet hashed.
  struct RawRow: Sendable {
    var table: Int
    var key: Int64
    var gid: String
    var values: [DatabaseValue]

    var entry: Entry { Entry(table: table, key: key, hash: AuditChain.rowHash(AuditChain.tables[table], values)) }
  }

  /// Reads the rows of history table `table` whose `condition` (SQL over `t` and `p`) holds.
  static func rawRows(
    _ db: any DatabaseConnection, table: Int, where condition: String, _ arguments: [DatabaseValue]
  ) throws -> [RawRow] {
    let spec = tables[table]
    return try db.query(select(spec) + " WHERE " + condition, arguments) { row in
      RawRow(
        table: table, key: try row.int64(at: 0), gid: try row.string(at: 1),
        values: (0..<spec.columns.count).map { row.value(at: $0 + 2) })
    }
  }

  /// The last link of each chain of `gids` that has one: its sequence number and hash.
  static func heads(_ db: any DatabaseConnection, gids: [String]) throws -> [String: (seq: Int, link: String)] {
    var heads: [String: (seq: Int, link: String)] = [:]
    guard !gids.isEmpty else { return heads }
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    try db.forEachRow(
      """
      SELECT a.gid, a.seq, a.link FROM audit_link a
      JOIN (SELECT gid, max(seq) AS seq FROM audit_link WHERE \(db.dialect.isOneOfStrings("gid", jsonArray: "?"))
        GROUP BY gid) h ON h.gid = a.gid AND h.seq = a.seq
      """, [list]
    ) { row in
      heads[try row.string(at: 0)] = (try row.int(at: 1), try row.string(at: 2))
    }
    return heads
  }

  /// Appends one link per policy to the chains: the rows `writes` names as they are now (a row
  /// that no longer exists and was not removed on purpose is left out) and the rows removed.
  static func append(_ db: any DatabaseConnection, _ writes: Writes, at time: StoreTime) throws {
    guard !writes.isEmpty else { return }
    var entries = writes.removed
    entries.reserveCapacity(writes.written.map(\.count).max() ?? 0)
    for (table, keys) in writes.written.enumerated() where !keys.isEmpty {
      let spec = tables[table]
      // Hashed as read: a batch's rows are not kept.
      try db.forEachRow(
        select(spec) + " WHERE " + db.dialect.isOneOfIntegers("t.\(spec.key)", jsonArray: "?"),
        [PolicyStore.idList(keys.sorted())]
      ) { row in
        let hash = rowHash(spec, (0..<spec.columns.count).lazy.map { row.value(at: $0 + 2) })
        entries[try row.string(at: 1), default: []].append(Entry(table: table, key: try row.int64(at: 0), hash: hash))
      }
    }
    try appendLinks(db, entries, at: time.iso8601)
  }

  /// Appends a link with `entries` to the chain of each gid, after its head.
  static func appendLinks(_ db: any DatabaseConnection, _ entries: [String: [Entry]], at: String) throws {
    guard !entries.isEmpty else { return }
    // In no particular order: PostgreSQL's locks below are taken in gid order by the statement.
    let gids = Array(entries.keys)
    if db.dialect == .postgres {
      // A seal waits for appending transactions to commit and holds new ones off (it takes this
      // lock exclusively); appenders share it.
      try db.execute("SELECT pg_advisory_xact_lock_shared(?)", [.integer(sealLock)])
      // Two transactions appending to one chain at once (a worker's commit, READ COMMITTED, and an
      // operator's repeated submit of the same policy) would both take the next number: the later
      // waits here for the earlier to commit, then reads the head it left.
      try db.execute(
        """
        SELECT count(pg_advisory_xact_lock(hashtextextended(value, 0)))
        FROM (SELECT value FROM jsonb_array_elements_text(CAST(? AS jsonb)) ORDER BY value) chains
        """, [.text(JSON.array(gids.map { .string($0) }).serialized())])
    }
    let heads = try heads(db, gids: gids)
    var rows: [[DatabaseValue]] = []
    rows.reserveCapacity(gids.count)
    for (gid, listed) in entries {
      let head = heads[gid] ?? (0, genesis)
      let next = nextLink(previous: head.link, gid: gid, seq: head.seq + 1, at: at, entries: listed)
      rows.append([.text(gid), .integer(Int64(head.seq + 1)), .text(at), .text(next.entries), .text(next.link)])
    }
    try db.insertRows(rows, into: "audit_link", columns: ["gid", "seq", "at", "entries", "link"])
  }

  /// The advisory lock (PostgreSQL) a seal holds exclusively and link appenders share.
  static let sealLock: Int64 = 0x506F_6C41_7564_6974  // "PolAudit"

  /// Rows per read of history by gid: a few thousand rows each.
  static let gidsPerRead = 500

  /// Reads every history row of the policies `gids`, by gid.
  static func rawRows(_ db: any DatabaseConnection, gids: [String]) throws -> [String: [RawRow]] {
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    var rows: [String: [RawRow]] = [:]
    for table in tables.indices {
      for row in try rawRows(db, table: table, where: db.dialect.isOneOfStrings("p.gid", jsonArray: "?"), [list]) {
        rows[row.gid, default: []].append(row)
      }
    }
    return rows
  }

  /// Chains history written before the chain existed (schema 14): each policy gets a first link
  /// listing every history row it has.
  static func chainExistingHistory(_ db: any DatabaseConnection) throws {
    let gids = try db.query("SELECT DISTINCT gid FROM policy ORDER BY gid") { try $0.string(at: 0) }
    let at = StoreTime.now().iso8601
    var start = 0
    while start < gids.count {
      let part = Array(gids[start..<min(start + gidsPerRead, gids.count)])
      start += part.count
      let rows = try rawRows(db, gids: part)
      try appendLinks(db, rows.mapValues { $0.map(\.entry) }, at: at)
    }
  }
}
