import PolicyFlowCore

/// Changing history that was changed behind the engine's back would hide that change: the new
/// link lists each row as the engine finds it, and `audit verify` checks a row against the last
/// link that lists it. So before the engine changes or removes a row it already chained, it checks
/// the row still holds what its chain last recorded, and refuses the whole change otherwise.
extension PolicyStore {
  /// Refuses (the transaction is rolled back) when a row of the history table `table` among
  /// `keys` no longer matches the last link that lists it. Rows this transaction wrote already are
  /// not checked again: their last link does not hold their change yet.
  func requireUnchanged(_ table: String, keys: some Collection<Int64>) throws {
    guard let index = AuditChain.tableIndex(table) else { preconditionFailure("\(table) is not a history table") }
    let keys = keys.filter { !auditWrites.written[index].contains($0) && auditWrites.inserted[index][$0] == nil }
    guard !keys.isEmpty else { return }
    let rows = try AuditChain.rawRows(
      db, table: index, where: db.dialect.isOneOfIntegers("t.\(AuditChain.tables[index].key)", jsonArray: "?"),
      [Self.idList(keys.sorted())])
    guard !rows.isEmpty else { return }
    let listed = AuditChain.lastListed(
      try AuditChain.storedLinks(db, of: Array(Set(rows.map(\.gid))), locking: true))
    for row in rows {
      // A row no link lists was written behind the engine's back too: chaining it now (a revert
      // lists the rows it moves) would pass it off as the engine's, and as this person's doing.
      let recorded = listed[AuditChain.RowKey(gid: row.gid, table: index, key: row.key)]
      if let expected = recorded?.hash, row.entry.hash == expected { continue }
      let code = try db.queryOne("SELECT code FROM policy WHERE gid = ?", [.text(row.gid)]) { try $0.string(at: 0) }
      let what =
        switch recorded {
        case nil: "is in no link of its chain"
        case let recorded? where recorded.hash == nil: "exists though link \(recorded.seq) of its chain removed it"
        case let recorded?: "no longer holds what link \(recorded.seq) of its chain recorded"
        }
      throw StoreError(
        .damaged,
        "The history of policy \(code ?? row.gid) was changed behind the engine's back: its \(table) row \(row.key) "
          + "\(what), and changing the row now would hide that. Nothing was changed. An administrator's 'policyflow "
          + "audit verify \(code ?? "")' names what differs; restore the row (from a backup) before changing the "
          + "policy again.")
    }
  }
}

extension AuditChain {
  /// A history row of a policy: its gid, table (position in ``tables``) and key.
  struct RowKey: Hashable {
    var gid: String
    var table: Int
    var key: Int64
  }

  /// The last listing of each row the links of each gid list: the link's number and the row's
  /// hash then (nil when that link removed it). A link written for another gid vouches for
  /// nothing of this one; lines that are not entries are left to `audit verify`. With `only`,
  /// only the rows of those tables (positions in ``tables``): the other lines are not parsed.
  static func lastListed(_ links: [String: [StoredLink]], of only: [Int]? = nil) -> [RowKey: (seq: Int, hash: String?)]
  {
    let prefixes = only?.map { Array((tables[$0].name + " ").utf8) }
    var listed: [RowKey: (seq: Int, hash: String?)] = [:]
    for (gid, chain) in links {
      for link in chain.sorted(by: { $0.seq < $1.seq }) where link.gid == gid {
        for line in link.entries.utf8.split(separator: newline) {
          if let prefixes, !prefixes.contains(where: { line.starts(with: $0) }) { continue }
          guard let entry = Entry(line: line) else { continue }
          listed[RowKey(gid: gid, table: entry.table, key: entry.key)] = (link.seq, entry.hash)
        }
      }
    }
    return listed
  }
}
