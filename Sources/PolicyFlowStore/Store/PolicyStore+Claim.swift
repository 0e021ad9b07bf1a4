import PolicyFlowCore

/// Claims: which activities a worker takes next, under a new lease.
///
/// Fresh work (queued and due) is taken in full batches in id order. Work that comes back
/// because the worker holding it stopped before committing (its lease expired: a crash, a kill,
/// a stall) is *returned work*, and is claimed apart: first, in a claim of its own, in groups half
/// the size each time it comes back. One policy that crashes every worker holding it (a rule that
/// overflows the stack, say) would otherwise take its whole batch down with it each time, until
/// every policy in the batch was parked; instead it is soon claimed alone, and once its worker
/// stops while holding it alone, the next claim parks it, and only it.
extension PolicyStore {
  /// Claims like ``claimUnparsed(owner:limit:leaseMilliseconds:holdingAnother:)`` and parses the
  /// policies (see ``UnparsedClaim/parsed()``). Claiming counts an attempt.
  public func claim(owner: String, limit: Int, leaseMilliseconds: Int64, holdingAnother: Bool = false) throws
    -> ClaimedBatch
  {
    try claimUnparsed(owner: owner, limit: limit, leaseMilliseconds: leaseMilliseconds, holdingAnother: holdingAnother)
      .parsed()
  }

  /// Claims up to `limit` activities under a new lease, leaving their policies' documents as text
  /// for ``UnparsedClaim/parsed()``, which needs no store: after the claiming transaction, so that
  /// the write lock other workers wait for is not held while JSON is parsed, and on any thread.
  /// Claiming counts an attempt.
  ///
  /// Returned work goes first. Its claim is ``UnparsedClaim/isApart``: it holds only returned
  /// work, at most `limit >> n` activities, `n` counting the times the first of them came back (the
  /// ones that came back most often go first), and the caller must hold nothing else until it has
  /// committed it, so that a crash is charged to what the crashed worker held. An activity whose
  /// lease held it alone when it expired is not handed out: the claim parks it as failed and
  /// lists it in ``UnparsedClaim/parked``.
  ///
  /// - Parameter holdingAnother: the caller holds another batch (it claims the next while one
  ///   computes). Such a claim takes fresh work only, and nothing at all while returned work
  ///   waits: a busy worker would otherwise keep it waiting for the whole queue.
  public func claimUnparsed(owner: String, limit: Int, leaseMilliseconds: Int64, holdingAnother: Bool = false)
    throws -> UnparsedClaim
  {
    let now = clock()
    let lease = Lease(owner: owner, token: UUIDv4.random(), expires: now.adding(milliseconds: leaseMilliseconds))
    // Committed without waiting for the disk: a claim lost to a power cut leaves its work queued,
    // as if it had not been made, and the commit of its outcomes syncs the log with the claim
    // in it. Waiting for the disk here too cost a batch about as much as its claim.
    // Rows are locked as they are taken, and rows another worker's claim holds are skipped: on
    // PostgreSQL workers claiming at once get different work instead of failing on each other.
    return try writing(.lockedRows, durability: .relaxed) { () throws -> UnparsedClaim in
      // Expired leases are read by expiry from the index of leased activities: only the
      // expired ones are read, and while nothing has stopped, none are.
      let returned = try db.query(
        """
        SELECT id, expired_leases, leased_alone FROM activity INDEXED BY activity_leased
        WHERE state = 'leased' AND lease_expires_ms <= ?1
        ORDER BY leased_alone DESC, expired_leases DESC, id LIMIT ?2 \(db.dialect.lockingSkipLocked)
        """, [.integer(now.milliseconds), .integer(Int64(holdingAnother ? 1 : limit))]
      ) { (id: try $0.int64(at: 0), expiredLeases: try $0.int(at: 1), leasedAlone: try $0.int(at: 2) != 0) }
      guard returned.isEmpty else {
        guard !holdingAnother else { return UnparsedClaim(lease: lease, activities: [], isApart: true) }
        return try claimReturned(returned, lease: lease, limit: limit, now: now)
      }
      // Queued work is read in id order through the index of queued activities: it stops after
      // `limit` rows and never steps over parked or in-flight activities (SQLite would rather
      // read the whole table in id order than sort, hence the named index). The batch is read
      // once, in a materialized WITH: as a subquery of the UPDATE, PostgreSQL's plan could run
      // it again for each row updated, each run skipping the rows a claim beside it had locked
      // and taking others, and one claim of 25 took 975.
      let rows = try db.query(
        """
        WITH batch AS MATERIALIZED (
          SELECT id FROM activity INDEXED BY activity_queued
          WHERE state = 'queued' AND available_ms <= ?4 ORDER BY id LIMIT ?5 \(db.dialect.lockingSkipLocked))
        UPDATE activity SET state = 'leased', lease_owner = ?1, lease_token = ?2, lease_expires_ms = ?3,
          attempts = attempts + 1
        WHERE id IN (SELECT id FROM batch)
        RETURNING id, policy_id, attempts, expired_leases
        """,
        [
          .text(owner), .text(lease.token), .integer(lease.expires.milliseconds), .integer(now.milliseconds),
          .integer(Int64(limit)),
        ],
        row: Self.claimedRow)
      return UnparsedClaim(lease: lease, activities: try claimedActivities(rows.sorted { $0.id < $1.id }))
    }
  }

  /// Claims returned work (`returned`, in the order it goes) apart, and parks what stopped a
  /// worker while it was that worker's only activity.
  private func claimReturned(
    _ returned: [(id: Int64, expiredLeases: Int, leasedAlone: Bool)], lease: Lease, limit: Int, now: StoreTime
  ) throws -> UnparsedClaim {
    var parked: [ParkedActivity] = []
    for culprit in returned where culprit.leasedAlone {
      let stops = culprit.expiredLeases + 1
      let error =
        "the worker processing it stopped \(stops) times before committing (it crashed, was killed or stalled past "
        + "its lease), the last time holding this policy alone: parked alone"
      try db.execute(
        """
        UPDATE activity SET state = 'failed', lease_owner = NULL, lease_token = NULL, lease_expires_ms = NULL,
          expired_leases = ?, leased_alone = 0, last_error = ?
        WHERE id = ?
        """, [.integer(Int64(stops)), .text(error), .integer(culprit.id)])
      let code = try db.queryOne(
        "SELECT p.code FROM activity a JOIN policy p ON p.id = a.policy_id WHERE a.id = ?", [.integer(culprit.id)]
      ) { try $0.string(at: 0) }
      parked.append(ParkedActivity(activityID: culprit.id, policy: code ?? "?", error: error))
    }
    let suspects = returned.filter { !$0.leasedAlone }
    // Half the batch for work back once, a quarter for twice…, one at a time at the end.
    let size = suspects.first.map { max(1, limit >> min($0.expiredLeases + 1, Int.bitWidth - 1)) } ?? 0
    let group: [JSON] = suspects.prefix(size).map { .int(Int($0.id)) }
    guard !group.isEmpty else { return UnparsedClaim(lease: lease, activities: [], isApart: true, parked: parked) }
    let rows = try db.query(
      """
      UPDATE activity SET lease_owner = ?1, lease_token = ?2, lease_expires_ms = ?3, attempts = attempts + 1,
        expired_leases = expired_leases + 1, leased_alone = ?4
      WHERE \(db.dialect.isOneOfIntegers("id", jsonArray: "?5")) AND state = 'leased' AND lease_expires_ms <= ?6
      RETURNING id, policy_id, attempts, expired_leases
      """,
      [
        .text(lease.owner), .text(lease.token), .integer(lease.expires.milliseconds),
        .integer(group.count == 1 ? 1 : 0), .text(JSON.array(group).serialized()), .integer(now.milliseconds),
      ],
      row: Self.claimedRow)
    return UnparsedClaim(
      lease: lease, activities: try claimedActivities(rows.sorted { $0.id < $1.id }), isApart: true, parked: parked)
  }

  private static func claimedRow(_ row: any DatabaseRow) throws -> ClaimedRow {
    ClaimedRow(
      id: try row.int64(at: 0), policyID: try row.int64(at: 1), attempts: try row.int(at: 2),
      expiredLeases: try row.int(at: 3))
  }

  /// An activity as a claim's UPDATE returns it.
  private struct ClaimedRow {
    var id: Int64
    var policyID: Int64
    var attempts: Int
    var expiredLeases: Int
  }

  /// The policies of claimed activities with the resolutions their cycles need: two reads for
  /// the whole batch (the ids passed as one JSON array), where three statements per policy
  /// were a third of a worker's time.
  private func claimedActivities(_ rows: [ClaimedRow]) throws -> [UnparsedClaim.Activity] {
    guard !rows.isEmpty else { return [] }
    let ids = DatabaseValue.text(JSON.array(rows.map { .int(Int($0.policyID)) }).serialized())
    var policies: [Int64: StoredPolicy.Unparsed] = [:]
    for policy in try db.query(
      "\(StoredPolicy.select) WHERE \(db.dialect.isOneOfIntegers("id", jsonArray: "?"))", [ids],
      row: { try StoredPolicy.Unparsed(row: $0) })
    {
      policies[policy.id] = policy
    }
    let resolutions = try resolutions(ofPolicies: ids)
    return rows.map { row in
      guard let policy = policies[row.policyID] else {
        preconditionFailure("activity \(row.id) points at a missing policy despite the foreign key")
      }
      return UnparsedClaim.Activity(
        activityID: row.id, attempts: row.attempts, expiredLeases: row.expiredLeases, policy: policy,
        resolvedReasons: resolutions.resolved[policy.id] ?? [],
        resolvedSinceEdit: resolutions.resolvedSinceEdit[policy.id] ?? [])
    }
  }

  /// The resolutions a cycle of each policy version in `ids` (a JSON array of policy row ids)
  /// is given: the reasons resolved on any version of the policy (by gid), and those resolved
  /// on this very version's data as it is now (resolutions before schema 7 recorded no data: for
  /// those, since the data last changed). Read from the index of resolved reasons alone; a
  /// policy with none is absent. The worker's claim and `policies replay` both read them here,
  /// so a replay gives each policy what its next cycle would get.
  func resolutions(ofPolicies ids: DatabaseValue) throws -> (
    resolved: [Int64: Set<String>], resolvedSinceEdit: [Int64: Set<String>]
  ) {
    var resolved: [Int64: Set<String>] = [:]
    var resolvedSinceEdit: [Int64: Set<String>] = [:]
    for (policyID, reason, sinceEdit) in try db.query(
      """
      SELECT p.id, h.reason,
        h.policy_id = p.id AND coalesce(h.resolved_data_at = p.data_changed_at, h.resolved_at >= p.data_changed_at)
      FROM policy p JOIN pend_history h INDEXED BY pend_history_resolved
        ON h.gid = p.gid AND h.resolved_at IS NOT NULL
      WHERE \(db.dialect.isOneOfIntegers("p.id", jsonArray: "?"))
      """, [ids], row: { (try $0.int64(at: 0), try $0.string(at: 1), try $0.int(at: 2) != 0) })
    {
      resolved[policyID, default: []].insert(reason)
      if sinceEdit { resolvedSinceEdit[policyID, default: []].insert(reason) }
    }
    return (resolved, resolvedSinceEdit)
  }
}
