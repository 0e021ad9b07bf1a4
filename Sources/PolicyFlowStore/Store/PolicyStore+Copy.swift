import PolicyFlowCore

/// Copying a whole store into an empty one: from the SQLite file to a PostgreSQL server when a team
/// outgrows one machine, and back.
extension PolicyStore {
  /// The store's tables in the order a copy writes them (every row refers only to rows of the
  /// tables before it, or, for `calculation`, to rows of its own with a smaller id), each with its
  /// key. A table of the schema missing here stops a copy before it writes anything.
  static let tablesInCopyOrder: [(name: String, key: String)] = [
    ("app_user", "name"), ("catalog_snapshot", "hash"), ("catalog_publication", "id"), ("policy", "id"),
    ("policy_data", "policy_id"),
    ("status_history", "id"), ("cycle", "id"), ("pend_history", "id"), ("calculation", "id"),
    ("cancellation", "id"), ("activity", "id"), ("pend_claim", "policy_id"),
    ("audit_link", "id"), ("audit_seal", "id"), ("audit_seal_head", "id"),
  ]

  /// Tables a copy leaves behind: the heartbeats of the workers running on this store, which are
  /// not the copy's (`queue` on the copy listed them as live, and a copy of the copy warned of
  /// them as running on it; SRE trial).
  static let tablesNotCopied: Set<String> = ["worker_heartbeat"]

  /// How far a copy has come, for a progress bar.
  public struct CopyProgress: Sendable {
    public var table: String
    public var copied: Int
    public var total: Int
    /// Rows of every table, and rows copied so far of every table.
    public var allRows: Int
    public var allCopied: Int
  }

  /// What a copy moved and verified: per table, its rows and the checksum both stores agree on.
  public struct CopyReport: Sendable {
    public struct Table: Sendable {
      public var name: String
      public var rows: Int
      /// SHA-256 based, over every row's values, independent of the order rows are read in.
      public var checksum: String
    }

    public var tables: [Table]
  }

  /// Copies every row of this store into `target`, which must be empty, in one transaction on
  /// the target, reading this store in one consistent snapshot; then reads the target back and
  /// compares each table's row count and checksum before committing. Any difference, or any
  /// failure, rolls the target back to empty.
  ///
  /// Only an administrator of this store may copy it: the copy holds every policy.
  public func copy(to target: PolicyStore, by actor: String, progress: (CopyProgress) -> Void = { _ in }) throws
    -> CopyReport
  {
    try requireMayCopy(by: actor)
    guard target.path != path else {
      throw StoreError(.invalidInput, "The source and the target are the same store (\(path)); nothing was copied.")
    }
    try requireSameTables(as: target)
    return try db.transaction(.read) {
      try target.db.transaction(.write) {
        try target.requireEmpty()
        var counts: [String: Int] = [:]
        for (table, _) in Self.tablesInCopyOrder {
          counts[table] = try db.queryOne("SELECT count(*) FROM \(table)") { try $0.int(at: 0) } ?? 0
        }
        var state = CopyProgress(table: "", copied: 0, total: 0, allRows: counts.values.reduce(0, +), allCopied: 0)
        var report = CopyReport(tables: [])
        for (table, key) in Self.tablesInCopyOrder {
          state.table = table
          state.copied = 0
          state.total = counts[table] ?? 0
          progress(state)
          let columns = try self.columns(of: table)
          var checksum = RowChecksum()
          var pending: [[DatabaseValue]] = []
          try forEachPage(of: table, key: key, columns: columns) { row in
            checksum.add(row)
            pending.append(row)
            if pending.count == Self.rowsPerInsert(columns.count) {
              try target.db.insertRows(pending, into: table, columns: columns)
              state.copied += pending.count
              state.allCopied += pending.count
              pending.removeAll(keepingCapacity: true)
              progress(state)
            }
          }
          try target.db.insertRows(pending, into: table, columns: columns)
          state.copied += pending.count
          state.allCopied += pending.count
          progress(state)
          if key == "id" { try target.setIssuedID(of: table, to: try highestIssuedID(of: table)) }
          var copied = RowChecksum()
          try target.forEachPage(of: table, key: key, columns: columns) { copied.add($0) }
          guard copied == checksum else {
            throw StoreError(
              .damaged,
              "The copy of table \(table) does not match its source (\(copied.rows) rows against \(checksum.rows), "
                + "checksums \(copied.hex) and \(checksum.hex)); nothing was copied.")
          }
          report.tables.append(.init(name: table, rows: checksum.rows, checksum: checksum.hex))
        }
        return report
      }
    }
  }

  /// Refuses `actor` the copy unless an administrator of this store: the copy holds every policy.
  public func requireMayCopy(by actor: String) throws {
    try requireAdministrator(try knownUser(actor), toDo: "copy the store")
  }

  /// Refuses a copy between stores whose tables are not those the copy knows.
  private func requireSameTables(as target: PolicyStore) throws {
    let known = Set(Self.tablesInCopyOrder.map(\.name))
    for store in [self, target] {
      let tables = Set(try store.db.query(store.db.dialect.tableNamesQuery) { try $0.string(at: 0) })
        .subtracting(["schema_migrations"]).subtracting(Self.tablesNotCopied)
      guard tables == known else {
        let unknown = tables.subtracting(known).sorted().joined(separator: ", ")
        let missing = known.subtracting(tables).sorted().joined(separator: ", ")
        throw StoreError(
          .damaged,
          "The store at \(store.path) does not have the tables a copy expects (unknown: \(unknown.isEmpty ? "none" : unknown); "
            + "missing: \(missing.isEmpty ? "none" : missing)); nothing was copied.")
      }
    }
  }

  /// Refuses a target that holds any row: a copy never merges into, or overwrites, a store.
  private func requireEmpty() throws {
    for (table, _) in Self.tablesInCopyOrder {
      if try db.queryOne("SELECT 1 FROM \(table) LIMIT 1", row: { _ in true }) == true {
        throw StoreError(
          .refused,
          "The target store at \(path) is not empty (its table \(table) has rows); a copy writes only into an "
            + "empty store. Point --to at a new file or an empty database; nothing was copied.")
      }
    }
  }

  /// Whether the store holds any policy.
  public func holdsPolicies() throws -> Bool {
    try db.queryOne("SELECT 1 FROM policy LIMIT 1", row: { _ in true }) ?? false
  }

  private func columns(of table: String) throws -> [String] {
    try db.query(db.dialect.columnNamesQuery, [.text(table)]) { try $0.string(at: 0) }
  }

  /// Calls `body` with every row of `table` in key order, a page at a time: a PostgreSQL result
  /// is held whole in memory, and a table may hold millions of documents.
  private func forEachPage(
    of table: String, key: String, columns: [String], _ body: ([DatabaseValue]) throws -> Void
  ) throws {
    let list = columns.joined(separator: ", ")
    guard let keyIndex = columns.firstIndex(of: key) else {
      throw StoreError(.damaged, "The table \(table) of the store at \(path) has no column \(key).")
    }
    var last: DatabaseValue?
    while true {
      var read = 0
      let sql =
        last == nil
        ? "SELECT \(list) FROM \(table) ORDER BY \(key) LIMIT 2000"
        : "SELECT \(list) FROM \(table) WHERE \(key) > ? ORDER BY \(key) LIMIT 2000"
      try db.forEachRow(sql, last.map { [$0] } ?? []) { row in
        let values = (0..<columns.count).map { row.value(at: $0) }
        last = values[keyIndex]
        read += 1
        try body(values)
      }
      if read < 2000 { return }
    }
  }

  /// The highest id `table` has handed out: its highest row, or above when rows were deleted
  /// from a table whose ids are never reused.
  private func highestIssuedID(of table: String) throws -> Int64 {
    let highestRow = try db.queryOne("SELECT coalesce(max(id), 0) FROM \(table)") { try $0.int64(at: 0) } ?? 0
    let issued: Int64?
    switch db.dialect {
    case .sqlite:
      issued = try db.queryOne("SELECT seq FROM sqlite_sequence WHERE name = ?", [.text(table)]) {
        try $0.int64(at: 0)
      }
    case .postgres:
      guard let sequence = try postgresSequence(of: table) else { return highestRow }
      // The function needs only USAGE of the sequence, which an administrator's login has; reading
      // the sequence as a table needs SELECT, which only the store's owner has. NULL: never used.
      issued =
        try db.queryOne("SELECT pg_sequence_last_value(CAST(? AS regclass))", [.text(sequence)]) {
          try $0.optionalInt64(at: 0)
        } ?? nil
    }
    return max(highestRow, issued ?? 0)
  }

  /// Makes the next id `table` hands out follow `issued`.
  private func setIssuedID(of table: String, to issued: Int64) throws {
    guard issued > 0 else { return }
    switch db.dialect {
    case .sqlite:
      // Only tables declared AUTOINCREMENT keep a sequence; the others take max(id) + 1 anyway.
      let autoincrement =
        try db.queryOne(
          "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? AND sql LIKE '%AUTOINCREMENT%'",
          [.text(table)], row: { _ in true }) ?? false
      guard autoincrement else { return }
      if try db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", [.integer(issued), .text(table)]) == 0 {
        try db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [.text(table), .integer(issued)])
      }
    case .postgres:
      guard let sequence = try postgresSequence(of: table) else { return }
      try db.execute("SELECT setval(CAST(? AS regclass), ?)", [.text(sequence), .integer(issued)])
    }
  }

  private func postgresSequence(of table: String) throws -> String? {
    try db.queryOne("SELECT pg_get_serial_sequence(?, 'id')", [.text(table)]) { try $0.optionalString(at: 0) } ?? nil
  }
}

/// A checksum over a table's rows that does not depend on the order they are read in (the two
/// engines may sort text keys differently): the sum, modulo 2²⁵⁶, of each row's SHA-256.
struct RowChecksum: Equatable {
  private(set) var rows = 0
  private var sum: [UInt64] = [0, 0, 0, 0]

  mutating func add(_ values: [DatabaseValue]) {
    var hash = SHA256()
    for value in values {
      switch value {
      case .null: hash.update("N")
      case .integer(let integer): hash.update("I\(integer);")
      case .real(let real): hash.update("R\(real.bitPattern);")
      case .text(let text): hash.update("T\(text.utf8.count):\(text)")
      case .blob(let bytes):
        hash.update("B\(bytes.count):")
        hash.update(bytes)
      }
    }
    let digest = hash.finalize()
    var carry: UInt64 = 0
    for limb in 0..<4 {
      var word: UInt64 = 0
      for byte in digest[(limb * 8)..<(limb * 8 + 8)] { word = word << 8 | UInt64(byte) }
      let (partial, overflow1) = sum[limb].addingReportingOverflow(word)
      let (total, overflow2) = partial.addingReportingOverflow(carry)
      sum[limb] = total
      carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
    }
    rows += 1
  }

  var hex: String {
    sum.reversed().map { word in
      let digits = String(word, radix: 16)
      return String(repeating: "0", count: 16 - digits.count) + digits
    }.joined()
  }
}
