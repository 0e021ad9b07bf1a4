import PolicyFlowCore

extension AuditChain {
  /// The history rows one write transaction wrote or removed, by table (positions in ``tables``).
  struct Writes {
    /// Rows read back when the transaction ends, by table.
    var written: [Set<Int64>] = Array(repeating: [], count: AuditChain.tables.count)
    /// Rows hashed from the values the transaction inserted, by table: their gid and hash.
    var inserted: [[Int64: (gid: String, hash: String)]] = Array(repeating: [:], count: AuditChain.tables.count)
    var removed: [String: [Entry]] = [:]
    /// Heads known without a lookup: read before the transaction began (a worker reads its
    /// batch's beside the commit before), or made in it (a new policy's). Used as they are unless
    /// another transaction has appended to the chain since.
    var knownHeads: [String: Head] = [:]
    /// Rows the transaction will insert, hashed before it began (a worker's, beside the commit).
    var prehashed = Prehashed()

    var isEmpty: Bool { removed.isEmpty && written.allSatisfy(\.isEmpty) && inserted.allSatisfy(\.isEmpty) }
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

  /// Notes that the current transaction inserted the row `key` of the history table `table` (of the
  /// policy `gid`) with the hash `hash`, computed from the values it inserted: the row need not be
  /// read back. A row also noted by ``wrote(_:keys:)`` (changed after it was inserted) is read back.
  func inserted(_ table: Int, key: Int64, gid: String, hash: String) {
    auditWrites.inserted[table][key] = (gid, hash)
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

  /// The chain of each of `gids` (the id of the policy's first row) and its last link's number and
  /// hash (0 and ``genesis`` for a chain with none yet), for a link appended to it.
  ///
  /// On PostgreSQL the chains' rows are locked too, in id order, until the transaction ends: two
  /// transactions appending to one chain at once (a worker's commit, READ COMMITTED, and an
  /// operator's repeated submit of the same policy) would both take the next number, so the later
  /// waits for the earlier to commit, then reads the head it left (at READ COMMITTED, a worker's
  /// commit, the next statement reads what was committed before it started; a SERIALIZABLE
  /// transaction reads its snapshot, and its clash with the link the other appended is run again,
  /// in ``appendLinks(_:_:at:known:)``). A row lock is kept in the row, not in
  /// the server's shared lock table, so a transaction may chain any number of policies. The rows
  /// are found and locked by `policyflow_lock_chains`, which sees every row: row-level security
  /// may hide a policy's first version (in a data access group it has since left) from the
  /// person whose change is being chained.
  static func heads(_ db: any DatabaseConnection, gids: [String]) throws -> [String: Head] {
    guard !gids.isEmpty else { return [:] }
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    let chains = try db.query(
      db.dialect == .postgres
        ? "SELECT chain_gid, chain_id FROM policyflow_lock_chains(CAST(? AS jsonb))"
        : chainRows(where: db.dialect.isOneOfStrings("gid", jsonArray: "?")),
      [list]
    ) { (gid: try $0.string(at: 0), chain: try $0.int64(at: 1)) }
    var last: [Int64: (seq: Int, link: String)] = [:]
    // On PostgreSQL through a function that sees every link of the chain: one row-level security
    // hides from this login would put the numbers out of step (schema 19).
    try db.forEachRow(
      db.dialect == .postgres
        ? "SELECT head_chain, head_seq, head_link FROM policyflow_chain_heads(CAST(? AS jsonb))"
        : """
        SELECT a.chain, a.seq, a.link FROM audit_link a
        WHERE \(db.dialect.isOneOfIntegers("a.chain", jsonArray: "?"))
          AND a.seq = (SELECT max(m.seq) FROM audit_link m WHERE m.chain = a.chain)
        """, [PolicyStore.idList(chains.map(\.chain))]
    ) { row in
      last[try row.int64(at: 0)] = (try row.int(at: 1), try row.string(at: 2))
    }
    var heads: [String: Head] = [:]
    for (gid, chain) in chains {
      let head = last[chain] ?? (0, genesis)
      heads[gid] = Head(chain: chain, seq: head.seq, link: head.link)
    }
    return heads
  }

  /// Where the next link of a chain goes.
  struct Head: Sendable {
    /// The id of the policy's first row, which the chain's links are kept under.
    var chain: Int64
    var seq: Int
    var link: String
  }

  /// Appends one link per policy to the chains: the rows `writes` names as they are now (a row
  /// that no longer exists and was not removed on purpose is left out) and the rows removed.
  static func append(_ db: any DatabaseConnection, _ writes: Writes, at time: StoreTime) throws {
    guard !writes.isEmpty else { return }
    var entries = writes.removed
    for (table, rows) in writes.inserted.enumerated() {
      for (key, row) in rows where !writes.written[table].contains(key) {
        entries[row.gid, default: []].append(Entry(table: table, key: key, hash: row.hash))
      }
    }
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
    try appendLinks(db, entries, at: time.iso8601, known: writes.knownHeads)
  }

  /// Appends a link with `entries` to the chain of each gid, after its head.
  ///
  /// `known` are heads found without a lookup in this transaction (``Writes/knownHeads``), and
  /// so perhaps no longer the last: another transaction may have appended to the chain since. Such a link is not written (its
  /// number is taken: `audit_link_chain` is unique) and is made again after the head read now.
  static func appendLinks(
    _ db: any DatabaseConnection, _ entries: [String: [Entry]], at: String, known: [String: Head] = [:]
  ) throws {
    guard !entries.isEmpty else { return }
    if db.dialect == .postgres {
      // A seal waits for appending transactions to commit and holds new ones off (it takes this
      // lock exclusively); appenders share it.
      try db.execute("SELECT pg_advisory_xact_lock_shared(?)", [.integer(sealLock)])
    }
    let prefetched = known.filter { entries[$0.key] != nil }
    let heads = prefetched.merging(try self.heads(db, gids: entries.keys.filter { prefetched[$0] == nil })) { $1 }
    let rows = try linkRows(entries, heads: heads, at: at)
    guard !prefetched.isEmpty else {
      try insertLinks(db, rows)
      return
    }
    var appended = Set<Int64>()
    try db.insertRows(
      rows, into: "audit_link", columns: linkColumns, onConflict: "ON CONFLICT (chain, seq) DO NOTHING",
      returning: ["chain"]
    ) { appended.insert(try $0.int64(at: 0)) }
    let stale = entries.filter { gid, _ in heads[gid].map { !appended.contains($0.chain) } ?? false }
    try appendLinks(db, stale, at: at)
  }

  /// The columns of `audit_link` a link is written to, in the order of ``linkRows(_:heads:at:)``.
  private static let linkColumns = ["chain", "gid", "seq", "at", "entries", "link"]

  /// The rows of the links with `entries`, each after its gid's head.
  private static func linkRows(_ entries: [String: [Entry]], heads: [String: Head], at: String) throws
    -> [[DatabaseValue]]
  {
    var rows: [[DatabaseValue]] = []
    rows.reserveCapacity(entries.count)
    for (gid, listed) in entries {
      guard let head = heads[gid] else {
        throw StoreError(.damaged, "History was written for the policy with gid \(gid), which has no row.")
      }
      let next = nextLink(previous: head.link, gid: gid, seq: head.seq + 1, at: at, entries: listed)
      rows.append([
        .integer(head.chain), .text(gid), .integer(Int64(head.seq + 1)), .text(at), .text(next.entries),
        .text(next.link),
      ])
    }
    return rows
  }

  /// Inserts links made after heads read in this transaction.
  private static func insertLinks(_ db: any DatabaseConnection, _ rows: [[DatabaseValue]]) throws {
    do {
      try db.insertRows(rows, into: "audit_link", columns: linkColumns)
    } catch let failure as PostgresError
      where failure.sqlState == "23505" && failure.message.contains("audit_link_chain")
    {
      // A SERIALIZABLE transaction (a person's) reads the heads in the snapshot its first statement
      // took: a worker that appended to the chain since, having only locked the chain's row, left
      // it a head that is no longer the last. It lost to a concurrent transaction: run it again.
      throw PostgresError(
        sqlState: "40001", message: "a chain this transaction appends to was appended to since it began",
        sql: failure.sql)
    }
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

  /// Chains history written before the chain existed (schema 15; 14 had the chain by gid): each
  /// policy without a chain gets a first link listing every history row it has.
  static func chainExistingHistory(_ db: any DatabaseConnection) throws {
    let gids = try db.query(
      """
      SELECT f.gid FROM (\(chainRows())) f
      WHERE NOT EXISTS (SELECT 1 FROM audit_link a WHERE a.chain = f.chain) ORDER BY f.gid
      """
    ) { try $0.string(at: 0) }
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

extension AuditChain {
  /// The gid and number of a policy version, for history rows that do not hold them.
  struct Owner: Sendable {
    var gid: String
    var version: Int
  }

  /// How the rows one insert writes into a history table get their hashes, without reading them
  /// back when the transaction ends: a commit of a batch writes thousands.
  enum Inserting {
    /// The insert returns the covered columns (all the table's own) with each row's id: each row
    /// is hashed from what the database stored.
    case returned(table: Int, columns: [String], gid: Int)
    /// Hashed from the values inserted, by policy row: the insert returns each row's `policy_id`
    /// with its id (one row per policy version).
    case byPolicyRow([Int64: (gid: String, hash: String)])
    /// Keyed by policy version (the key is in the rows): hashed from the values inserted.
    case keyedByPolicy([Int64: (gid: String, hash: String)])
    /// Read back when the transaction ends: the rows' keys when the rows hold them (else the ids
    /// the insert returns).
    case readBack([Int64])

    init(
      _ table: Int, columns: [String], rows: [[DatabaseValue]], policies: [Int64: Owner], digests: [Int64: String]
    ) {
      let spec = AuditChain.tables[table]
      let own = spec.columns.map { $0.hasPrefix("t.") ? String($0.dropFirst(2)) : nil }
      if spec.key == "id", spec.digested.isEmpty, own.allSatisfy({ $0 != nil }),
        let gid = spec.columns.firstIndex(of: "t.gid")
      {
        self = .returned(table: table, columns: own.compactMap { $0 }, gid: gid)
        return
      }
      let policyColumn = columns.firstIndex(of: "policy_id")
      let policyIDs = rows.compactMap { row -> Int64? in
        guard let policyColumn, case .integer(let id) = row[policyColumn] else { return nil }
        return id
      }
      guard let layout = InsertLayout(table, columns: columns), policyIDs.count == rows.count,
        Set(policyIDs).count == rows.count, policyIDs.allSatisfy({ policies[$0] != nil })
      else {
        self = .readBack(spec.key == "policy_id" ? policyIDs : [])
        return
      }
      var hashes: [Int64: (gid: String, hash: String)] = [:]
      for (row, policyID) in zip(rows, policyIDs) {
        guard let owner = policies[policyID] else { continue }
        hashes[policyID] = (owner.gid, layout.hash(row, owner: owner, digest: digests[policyID]))
      }
      self = spec.key == "policy_id" ? .keyedByPolicy(hashes) : .byPolicyRow(hashes)
    }

    /// The columns the insert returns for the chain, after the ones it returns anyway.
    var returning: [String] {
      switch self {
      case .returned(_, let columns, _): columns
      case .byPolicyRow: ["policy_id"]
      case .keyedByPolicy, .readBack: []
      }
    }

    /// The gid and hash of an inserted row whose chain columns start at `offset`; nil when the
    /// row is read back.
    func hash(_ row: any DatabaseRow, from offset: Int) throws -> (gid: String, hash: String)? {
      switch self {
      case .returned(let table, let columns, let gid):
        let spec = AuditChain.tables[table]
        return (
          try row.string(at: offset + gid),
          AuditChain.rowHash(spec, (0..<columns.count).lazy.map { row.value(at: offset + $0) })
        )
      case .byPolicyRow(let hashes):
        return hashes[try row.int64(at: offset)]
      case .keyedByPolicy, .readBack:
        return nil
      }
    }
  }
}
