import PolicyFlowCore

/// Claims: which activities a worker takes next, under a new lease.
extension PolicyStore {
  /// Claims up to `limit` activities that are queued and due, or whose lease expired, under a
  /// new lease, and parses their policies (see ``claimUnparsed(owner:limit:leaseMilliseconds:)``
  /// and ``UnparsedClaim/parsed()``). Claiming counts an attempt.
  public func claim(owner: String, limit: Int, leaseMilliseconds: Int64) throws -> ClaimedBatch {
    try claimUnparsed(owner: owner, limit: limit, leaseMilliseconds: leaseMilliseconds).parsed()
  }

  /// Claims like ``claim(owner:limit:leaseMilliseconds:)`` but leaves the policies' documents as
  /// text, to be parsed by ``UnparsedClaim/parsed()``, which needs no store: after the
  /// claiming transaction, so that the write lock other workers wait for is not held while JSON
  /// is parsed, and on any thread.
  public func claimUnparsed(owner: String, limit: Int, leaseMilliseconds: Int64) throws -> UnparsedClaim {
    let now = clock()
    let lease = Lease(owner: owner, token: UUIDv4.random(), expires: now.adding(milliseconds: leaseMilliseconds))
    // Committed without waiting for the disk: a claim lost to a power cut leaves its work queued,
    // as if it had not been made, and the commit of its outcomes syncs the log with the claim
    // in it. Waiting for the disk here too cost a batch about as much as its claim.
    let read = try db.transaction(synchronous: .normal) { () throws -> [UnparsedClaim.Activity] in
      // The lowest ids among due queued work and expired leases, taken as the lowest of each
      // kind first. Queued work is read in id order through the index of queued activities:
      // it stops after `limit` rows and never steps over parked or in-flight activities.
      // Expired leases are read by expiry from the index of leased activities, so only the
      // expired ones are read. Both indexes are named: SQLite would rather read the whole
      // table in id order than sort, and one OR over both kinds made it collect and sort
      // every queued row on each claim.
      let rows = try db.query(
        """
        UPDATE activity SET state = 'leased', lease_owner = ?1, lease_token = ?2, lease_expires_ms = ?3,
          attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM (
            SELECT id FROM activity INDEXED BY activity_queued
            WHERE state = 'queued' AND available_ms <= ?4 ORDER BY id LIMIT ?5)
          UNION ALL
          SELECT id FROM (
            SELECT id FROM activity INDEXED BY activity_leased
            WHERE state = 'leased' AND lease_expires_ms <= ?4 ORDER BY id LIMIT ?5)
          ORDER BY id LIMIT ?5)
        RETURNING id, policy_id, attempts
        """,
        [
          .text(owner), .text(lease.token), .integer(lease.expires.milliseconds), .integer(now.milliseconds),
          .integer(Int64(limit)),
        ]
      ) { (id: $0.int64(at: 0), policyID: $0.int64(at: 1), attempts: $0.int(at: 2)) }
      return try claimedActivities(rows.sorted { $0.id < $1.id })
    }
    return UnparsedClaim(lease: lease, activities: read)
  }

  /// The policies of claimed activities with the resolutions their cycles need: two reads for
  /// the whole batch (the ids passed as one JSON array), where three statements per policy
  /// were a third of a worker's time.
  private func claimedActivities(_ rows: [(id: Int64, policyID: Int64, attempts: Int)]) throws
    -> [UnparsedClaim.Activity]
  {
    guard !rows.isEmpty else { return [] }
    let ids = SQLiteValue.text(JSON.array(rows.map { .int(Int($0.policyID)) }).serialized())
    var policies: [Int64: StoredPolicy.Unparsed] = [:]
    for policy in try db.query(
      "\(StoredPolicy.select) WHERE id IN (SELECT value FROM json_each(?))", [ids],
      row: { StoredPolicy.Unparsed(row: $0) })
    {
      policies[policy.id] = policy
    }
    // Reasons resolved on any version of each policy (by gid), and those resolved on this very
    // version since its data last changed; read from the index of resolved reasons alone.
    var resolved: [Int64: Set<String>] = [:]
    var resolvedSinceEdit: [Int64: Set<String>] = [:]
    for (policyID, reason, sinceEdit) in try db.query(
      """
      SELECT p.id, h.reason, h.policy_id = p.id AND h.resolved_at >= p.data_changed_at
      FROM policy p JOIN pend_history h INDEXED BY pend_history_resolved
        ON h.gid = p.gid AND h.resolved_at IS NOT NULL
      WHERE p.id IN (SELECT value FROM json_each(?))
      """, [ids], row: { ($0.int64(at: 0), $0.string(at: 1), $0.int(at: 2) != 0) })
    {
      resolved[policyID, default: []].insert(reason)
      if sinceEdit { resolvedSinceEdit[policyID, default: []].insert(reason) }
    }
    return rows.map { row in
      guard let policy = policies[row.policyID] else {
        preconditionFailure("activity \(row.id) points at a missing policy despite the foreign key")
      }
      return UnparsedClaim.Activity(
        activityID: row.id, attempts: row.attempts, policy: policy,
        resolvedReasons: resolved[policy.id] ?? [],
        resolvedSinceEdit: resolvedSinceEdit[policy.id] ?? [])
    }
  }
}
