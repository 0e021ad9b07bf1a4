public import PolicyFlowCore

/// Everything the store knows about one policy version, for `policies show` and `explain`.
public struct PolicyDetails: Sendable {
  public var stored: StoredPolicy
  /// The flow of its last cycle, else the one it names.
  public var processFlow: String?
  /// The messages of its last cycle (code, severity, text, rule, step); a cycle replaces them.
  public var messages: [JSON]
  public var pendReasons: [JSON]
  public var statusHistory: [JSON]
  /// Every pend reason of the policy (all versions), each with its version.
  public var pendHistory: [JSON]
  /// Every calculation row of the policy (all versions): their sum is what is in force.
  public var calculations: [StoredCalculation]
  /// How this version was canceled or declined, if it was.
  public var cancellation: CancellationRecord?
  /// The last processing cycle: its outcome as computed (rules, catalog hash, the values each
  /// condition read), or nil when the version was never processed.
  public var lastCycle: JSON?

  /// The keys `policies show --json` promises.
  public var json: JSON {
    let policy = stored.policy
    return [
      "code": .string(policy.code), "version": .int(policy.version), "gid": .string(policy.gid),
      "status": .string(policy.status.rawValue), "source": .string(policy.source.rawValue),
      "processFlow": processFlow.map(JSON.string) ?? .null, "accessGroup": stored.accessGroup.map(JSON.string) ?? .null,
      "data": policy.data, "messages": .array(messages), "pendReasons": .array(pendReasons),
      "statusHistory": .array(statusHistory), "pendHistory": .array(pendHistory),
      "calculations": .array(calculations.map(\.json)),
      "cancellation": cancellation?.json ?? .null,
    ]
  }
}

extension PolicyStore {
  /// The details of `code` (the current version, or `version`), for a reader who may see it.
  public func details(_ code: String, version: Int? = nil, readBy reader: String? = nil) throws -> PolicyDetails {
    let stored = try readablePolicy(code, version: version, readBy: reader)
    let id = DatabaseValue.integer(stored.id)
    let lastCycle = try db.queryOne(
      "SELECT outcome, flow FROM cycle WHERE policy_id = ? AND version = ? ORDER BY id DESC LIMIT 1",
      [id, .integer(Int64(stored.policy.version))]
    ) { (outcome: try JSON(parsing: try $0.string(at: 0)), flow: try $0.optionalString(at: 1)) }
    return PolicyDetails(
      stored: stored, processFlow: lastCycle?.flow ?? stored.policy.processFlow,
      messages: Self.currentMessages(lastCycle?.outcome),
      pendReasons: try db.query(
        """
        SELECT reason, description, rule, step, pended_at, step_display_name FROM pend_history
        WHERE policy_id = ? AND is_open = 1 ORDER BY id
        """,
        [id]
      ) {
        [
          "code": .string(try $0.string(at: 0)), "description": .string(try $0.string(at: 1)),
          "rule": .string(try $0.string(at: 2)),
          "step": .string(try $0.string(at: 3)), "pendedAt": .string(try $0.string(at: 4)),
          "stepName": .string(try $0.string(at: 3)), "stepDisplayName": .string(try $0.string(at: 5)),
        ]
      },
      statusHistory: try db.query(
        "SELECT status, at, actor, note, version, event FROM status_history WHERE policy_id = ? ORDER BY id", [id]
      ) {
        var row: JSON = [
          "status": .string(try $0.string(at: 0)), "at": .string(try $0.string(at: 1)),
          "actor": .string(try $0.string(at: 2)),
          "version": $0.isNull(at: 4) ? .null : .int(try $0.int(at: 4)),
          "event": $0.isNull(at: 5) ? .null : .string(try $0.string(at: 5)),
        ]
        if !$0.isNull(at: 3) { row.set(path: "note", to: .string(try $0.string(at: 3))) }
        return row
      },
      pendHistory: try db.query(
        """
        SELECT reason, description, step_display_name, step_sequence, pended_at, resolved_by, resolved_at, note,
          withdrawn_at, version, status_history_id, resolved_version, \(Self.withdrawal("actor")), step,
          \(Self.withdrawal("event"))
        FROM pend_history ph WHERE gid = ? ORDER BY version, id
        """, [.text(stored.policy.gid)]
      ) { row in
        func text(_ index: Int) throws -> JSON { try row.optionalString(at: index).map(JSON.string) ?? .null }
        return try [
          "reason": text(0), "description": text(1), "step": text(2), "stepSequence": .int(try row.int(at: 3)),
          "pendedAt": text(4), "resolvedBy": text(5), "resolvedAt": text(6), "note": text(7), "withdrawnAt": text(8),
          "version": row.isNull(at: 9) ? .null : .int(try row.int(at: 9)),
          "statusHistoryRow": row.isNull(at: 10) ? .null : .int(try row.int(at: 10)),
          "resolvedOnVersion": row.isNull(at: 11) ? .null : .int(try row.int(at: 11)), "withdrawnBy": text(12),
          "stepName": text(13), "stepDisplayName": text(2), "withdrawnByEvent": text(14),
        ]
      },
      calculations: try calculations(gid: stored.policy.gid), cancellation: try cancellation(policyID: stored.id),
      lastCycle: lastCycle?.outcome)
  }

  /// The version of `code` (the current one, or `version`) when `reader` may see it.
  func readablePolicy(_ code: String, version: Int?, readBy reader: String?) throws -> StoredPolicy {
    let stored: StoredPolicy?
    if let version {
      stored = try db.queryOne(
        "\(StoredPolicy.select) WHERE code = ? AND version = ?",
        [.text(code), .integer(Int64(version))],
        row: { try StoredPolicy(row: $0) })
    } else {
      stored = try currentPolicy(code)
    }
    guard let stored else {
      throw StoreError(.notFound, "No policy with code '\(code)'" + (version.map { " and version \($0)" } ?? "") + ".")
    }
    let user: User? = try reader.map { try self.readingUser($0) } ?? nil
    guard PolicyStore.mayAccess(user, accessGroup: stored.accessGroup) else {
      let group = stored.accessGroup ?? ""
      guard user != nil || reader == nil else {
        // Most often the login name, acting because neither --as nor POLICYFLOW_USER was given.
        throw StoreError(
          .notPermitted,
          "'\(reader ?? "")' is not a user of this store, and policy \(code) belongs to data access group "
            + "'\(group)'; act as a user who holds that group (--as NAME or POLICYFLOW_USER).")
      }
      throw StoreError(
        .notPermitted, "User '\(reader ?? "")' may not see policy \(code): it belongs to data access group '\(group)'.")
    }
    return stored
  }

  /// The messages of a version's last cycle, which stay until its next cycle: each one's code,
  /// severity, text, rule and step, read from the stored outcome (the only place they are kept).
  static func currentMessages(_ lastOutcome: JSON?) -> [JSON] {
    (lastOutcome?[path: "messages"]?.arrayValue ?? []).map { message in
      [
        "code": message[path: "code"] ?? .null, "severity": message[path: "severity"] ?? .null,
        "text": message[path: "text"] ?? .null, "rule": message[path: "rule"] ?? .null,
        "step": message[path: "step"] ?? .null, "stepName": message[path: "step"] ?? .null,
        "stepDisplayName": message[path: "stepDisplayName"] ?? .null,
      ]
    }
  }
}
