import PolicyFlowCore

/// Writing many rows in few statements: a batch of policies is a few statements, not a few per
/// policy, which on PostgreSQL is the difference between one round trip and thousands.
extension PolicyStore {
  /// Rows per INSERT: a few hundred values each, well under either engine's parameter limit.
  static func rowsPerInsert(_ columns: Int) -> Int { max(1, min(100, 800 / max(columns, 1))) }

  /// Inserts `rows` like ``DatabaseConnection/insertRows(_:into:columns:onConflict:returning:_:)``;
  /// rows of a history table are chained when the transaction ends, hashed beforehand
  /// (``AuditChain/Prehashed``) or from the values inserted where those give every column the
  /// chain covers (``AuditChain/Inserting``), else read back (``wrote(_:keys:)``). `returningIDsBy` names a column to read back from each inserted
  /// row (with `id`), e.g. `policy_id`: the ids are returned by that column's value, since neither
  /// engine promises the order of `RETURNING` rows.
  ///
  /// `onConflict` follows the VALUES (`ON CONFLICT (key) DO UPDATE SET …`), for upserts; an
  /// upsert of a history table sets what it covers to the values inserted. `policies` gives the
  /// gid and version of each row's policy version (by `policy_id`), for the history tables whose
  /// rows do not hold them; `digests` the SHA-256 (hex) of each row's document column (by
  /// `policy_id`), when the caller computed it beforehand.
  @discardableResult
  func insertRows(
    _ rows: [[DatabaseValue]], into table: String, columns: [String], onConflict: String = "",
    returningIDsBy key: String? = nil, policies: [Int64: AuditChain.Owner] = [:], digests: [Int64: String] = [:]
  ) throws -> [DatabaseValue: Int64] {
    var ids: [DatabaseValue: Int64] = [:]
    guard let audited = AuditChain.tableIndex(table) else {
      try db.insertRows(
        rows, into: table, columns: columns, onConflict: onConflict, returning: key.map { ["id", $0] } ?? []
      ) { row in ids[row.value(at: 1)] = try row.int64(at: 0) }
      return ids
    }
    precondition(!onConflict.contains("DO NOTHING"), "an insert into \(table) that may keep the row it meets")
    let chaining: AuditChain.Inserting
    if let hashes = auditWrites.prehashed.take(audited, columns: columns, rows: rows) {
      chaining = AuditChain.tables[audited].key == "id" ? .byPolicyRow(hashes) : .keyedByPolicy(hashes)
    } else {
      chaining = AuditChain.Inserting(audited, columns: columns, rows: rows, policies: policies, digests: digests)
    }
    if case .keyedByPolicy(let hashes) = chaining {
      for (policyID, row) in hashes { inserted(audited, key: policyID, gid: row.gid, hash: row.hash) }
    }
    // A table keyed by policy version (`policy_data`) has no id of its own.
    let keyedByID = AuditChain.tables[audited].key == "id"
    let returning = key.map { ["id", $0] } ?? (keyedByID ? ["id"] : [])
    try db.insertRows(
      rows, into: table, columns: columns, onConflict: onConflict, returning: returning + chaining.returning
    ) { row in
      let id = try row.int64(at: 0)
      if key != nil { ids[row.value(at: 1)] = id }
      guard keyedByID else { return }
      if let hashed = try chaining.hash(row, from: returning.count) {
        inserted(audited, key: id, gid: hashed.gid, hash: hashed.hash)
      } else {
        wrote(table, keys: [id])
      }
    }
    if case .readBack(let policyIDs) = chaining { wrote(table, keys: policyIDs) }
    return ids
  }

  /// Appends one status-history row to each version; returns the new rows' ids in the same order.
  func recordStatuses(_ rows: [(version: VersionRow, row: StatusHistoryRow)], actor: String, at time: StoreTime)
    throws -> [Int64]
  {
    guard rows.count > 1 else {
      return try rows.map {
        try recordStatus(
          policyID: $0.version.id, gid: $0.version.gid, version: $0.version.version, $0.row, actor: actor, at: time)
      }
    }
    let ids = try insertRows(
      rows.map { version, row in Self.statusRow(version, row, actor: actor, at: time) }, into: "status_history",
      columns: Self.statusColumns, returningIDsBy: "policy_id")
    return try rows.map { version, _ in
      guard let id = ids[.integer(version.id)] else {
        throw StoreError(.damaged, "A status-history row of policy row \(version.id) was not written back.")
      }
      return id
    }
  }
}

extension DatabaseConnection {
  /// Inserts `rows` (each with a value per column of `columns`) into `table`, one statement per
  /// ``PolicyStore/rowsPerInsert(_:)`` rows, handing `returning` columns of each inserted row to
  /// `body`. Nothing is chained: this is for copies of whole tables and for the chain itself.
  func insertRows(
    _ rows: [[DatabaseValue]], into table: String, columns: [String], onConflict: String = "",
    returning: [String] = [], _ body: (any DatabaseRow) throws -> Void = { _ in }
  ) throws {
    let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    let chunk = PolicyStore.rowsPerInsert(columns.count)
    var start = 0
    while start < rows.count {
      let part = rows[start..<min(start + chunk, rows.count)]
      start += part.count
      let sql =
        "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        + Array(repeating: tuple, count: part.count).joined(separator: ", ")
        + (onConflict.isEmpty ? "" : " " + onConflict)
      if returning.isEmpty {
        try execute(sql, part.flatMap { $0 })
      } else {
        try forEachRow(sql + " RETURNING " + returning.joined(separator: ", "), part.flatMap { $0 }, body)
      }
    }
  }
}
