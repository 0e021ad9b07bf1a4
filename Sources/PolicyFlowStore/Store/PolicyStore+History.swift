public import PolicyFlowCore

extension PolicyStore {
  /// Every processing cycle and status change of a policy, all versions, oldest first, for
  /// `policies history`: `{"code", "gid", "statusHistory": [...], "cycles": [...]}`. A cycle has
  /// its version, time, status, worker, catalog hash and flow, its messages and the pend
  /// reasons it attached with what became of each.
  ///
  /// The versions written in a data access group the reader does not hold (before the policy
  /// moved to one of theirs) are left out, on both stores, and counted in `hiddenVersions`: on
  /// PostgreSQL row-level security hid them without a word, while SQLite showed them.
  public func history(_ code: String, readBy reader: String? = nil) throws -> JSON {
    let stored = try readablePolicy(code, version: nil, readBy: reader)
    let gid = stored.policy.gid
    let (visible, arguments) = try visibleVersions(of: gid, readBy: reader)
    let statusRows = try db.query(
      """
      SELECT version, event, status, at, actor, note FROM status_history
      WHERE policy_id IN (\(visible)) ORDER BY id
      """, arguments
    ) { row -> JSON in
      func text(_ index: Int) throws -> JSON { try row.optionalString(at: index).map(JSON.string) ?? .null }
      return try [
        "version": row.isNull(at: 0) ? .null : .int(try row.int(at: 0)), "event": text(1), "status": text(2),
        "at": text(3), "actor": text(4), "note": text(5),
      ]
    }
    var reasonsByCycle: [Int64: [JSON]] = [:]
    for (cycle, reason) in try db.query(
      """
      SELECT cycle_id, reason, description, step_display_name, resolved_by, resolved_at, withdrawn_at, note,
        \(Self.withdrawal("actor")), \(Self.withdrawal("event")), step, rule, pended_at
      FROM pend_history ph WHERE ph.policy_id IN (\(visible)) AND cycle_id IS NOT NULL ORDER BY id
      """, arguments,
      row: { row -> (Int64, JSON) in
        func text(_ index: Int) throws -> JSON { try row.optionalString(at: index).map(JSON.string) ?? .null }
        return (
          try row.int64(at: 0),
          try [
            "code": text(1), "description": text(2), "step": text(3), "resolvedBy": text(4), "resolvedAt": text(5),
            "withdrawnAt": text(6), "note": text(7), "withdrawnBy": text(8), "withdrawnByEvent": text(9),
            "stepName": text(10), "stepDisplayName": text(3), "rule": text(11), "pendedAt": text(12),
          ]
        )
      })
    {
      reasonsByCycle[cycle, default: []].append(reason)
    }
    let cycles = try db.query(
      """
      SELECT c.id, c.version, c.at, c.status, c.worker, c.catalog_hash, c.flow, c.outcome
      FROM cycle c WHERE c.policy_id IN (\(visible)) ORDER BY c.id
      """, arguments
    ) { row -> JSON in
      [
        "version": .int(try row.int(at: 1)), "at": .string(try row.string(at: 2)),
        "status": .string(try row.string(at: 3)),
        "actor": .string(try row.string(at: 4)), "catalogHash": .string(try row.string(at: 5)),
        "flow": row.isNull(at: 6) ? .null : .string(try row.string(at: 6)),
        "messages": .array(Self.currentMessages(try JSON(parsing: try row.string(at: 7)))),
        "pendReasons": .array(reasonsByCycle[try row.int64(at: 0)] ?? []),
      ]
    }
    return [
      "code": .string(code), "gid": .string(gid), "statusHistory": .array(statusRows), "cycles": .array(cycles),
      "hiddenVersions": .int(try hiddenVersions(of: stored, readBy: reader)),
    ]
  }

  /// The policy rows (versions) of `gid` that `reader` may see, as SQL selecting their ids, with
  /// its arguments: those in no group or in one of the reader's, or all for an administrator or
  /// no reader; on PostgreSQL also only those row-level security shows the login.
  func visibleVersions(of gid: String, readBy reader: String?) throws -> (sql: String, arguments: [DatabaseValue]) {
    let (admin, groups) =
      try reader.map { Self.visibilityArguments(try user($0)) } ?? (.integer(1), .text("[]"))
    return (
      "SELECT p.id FROM policy p WHERE p.gid = ?1 AND \(visibleToUser(admin: "?2", groups: "?3"))",
      [.text(gid), admin, groups]
    )
  }

  /// How many versions of `stored`'s policy `reader` may not see (``visibleVersions(of:readBy:)``):
  /// a policy's versions are numbered from 1 with no gap (a revert removes the latest).
  func hiddenVersions(of stored: StoredPolicy, readBy reader: String?) throws -> Int {
    let (visible, arguments) = try visibleVersions(of: stored.policy.gid, readBy: reader)
    let seen = try db.queryOne("SELECT count(*) FROM (\(visible)) v", arguments) { try $0.int(at: 0) } ?? 0
    return max(0, stored.policy.version - seen)
  }

  /// SQL for a column (`actor`, `event`) of the status change that withdrew the pend reason `ph`:
  /// the one its version recorded at the same time, in the same transaction (an edit or a
  /// decline); NULL for a reason not withdrawn.
  static func withdrawal(_ column: String) -> String {
    """
    (SELECT s.\(column) FROM status_history s WHERE s.policy_id = ph.policy_id AND s.at = ph.withdrawn_at
     ORDER BY s.id LIMIT 1)
    """
  }
}
