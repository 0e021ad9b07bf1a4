import PolicyFlowCore

/// One claimed activity: the policy version to process and what the cycle needs beyond it.
public struct ClaimedActivity: Sendable {
  public var activityID: Int64
  /// How many times it has been claimed, this claim included.
  public var attempts: Int
  /// How many of those claims ended with the worker stopping before it committed (its lease
  /// expired): a crash, a kill or a stall. Attempts counted apart from the others.
  public var expiredLeases: Int
  public var policy: StoredPolicy
  /// Pend reasons resolved before on this policy, in any version.
  public var resolvedReasons: Set<String>
  /// Pend reasons resolved since the policy's data last changed.
  public var resolvedSinceEdit: Set<String>
}

/// A claimed activity whose stored policy cannot be read (its document no longer parses, the
/// store having been changed by hand): the worker parks it with ``error`` instead of processing it.
public struct UnreadableActivity: Sendable, Hashable {
  public var activityID: Int64
  public var policy: String
  public var error: String
}

/// What one claim took: the lease, the activities to process and any whose policy cannot be read.
public struct ClaimedBatch: Sendable {
  public var lease: Lease
  public var activities: [ClaimedActivity]
  public var unreadable: [UnreadableActivity]
  /// See ``UnparsedClaim/isApart``.
  public var isApart = false
  /// See ``UnparsedClaim/parked``.
  public var parked: [ParkedActivity] = []
}

/// An activity a claim parked as failed instead of handing it out: the worker processing it
/// stopped while it was the only activity that worker held.
public struct ParkedActivity: Sendable, Hashable {
  public var activityID: Int64
  public var policy: String
  public var error: String
}

/// A claim whose policies' documents are still text
/// (``PolicyStore/claimUnparsed(owner:limit:leaseMilliseconds:holdingAnother:)``).
public struct UnparsedClaim: Sendable {
  public var lease: Lease
  var activities: [Activity]
  /// The claim holds work that came back after its worker stopped before committing: the holder
  /// must hold nothing else until it has committed it, so that a crash is charged to it alone.
  public var isApart = false
  /// Activities the claim parked instead of handing out, for the caller to report.
  public var parked: [ParkedActivity] = []

  /// A claimed activity whose policy document is still text.
  struct Activity {
    var activityID: Int64
    var attempts: Int
    var expiredLeases: Int
    var policy: StoredPolicy.Unparsed
    var resolvedReasons: Set<String>
    var resolvedSinceEdit: Set<String>
  }

  /// How many activities were claimed.
  public var count: Int { activities.count }

  /// The claimed activities' ids, in claim order.
  public var activityIDs: [Int64] { activities.map(\.activityID) }

  /// Takes out the activities whose policy's document no longer hashes to what its chain last
  /// recorded, or whose results in force differ from theirs (``ChainReader/Read``; a policy the
  /// read knows nothing of is kept), and returns them as unreadable: they were changed behind the
  /// engine's back.
  mutating func removeChanged(_ read: ChainReader.Read) -> [UnreadableActivity] {
    guard !read.documents.isEmpty || !read.changedResults.isEmpty, let table = AuditChain.tableIndex("policy_data")
    else { return [] }
    var changed: [UnreadableActivity] = []
    activities.removeAll { entry in
      let policy = entry.policy
      let what: String
      if read.changedResults.contains(policy.gid) {
        what = "a calculation result in force no longer holds what its chain recorded"
      } else if let expected = read.documents[AuditChain.RowKey(gid: policy.gid, table: table, key: policy.id)],
        AuditChain.rowHash(
          AuditChain.tables[table], [.text(policy.gid), .integer(Int64(policy.version)), .text(policy.dataText)])
          != expected
      {
        what = "its document no longer holds what its chain recorded"
      } else {
        return false
      }
      changed.append(
        UnreadableActivity(
          activityID: entry.activityID, policy: policy.code,
          error: "\(what): it was changed behind the engine's back, and processing it would decide on it and chain "
            + "it as the engine's; an administrator's 'policyflow audit verify \(policy.code)' names what differs"))
      return true
    }
    return changed
  }

  /// The claim with its policies parsed. An activity whose document does not parse (the store
  /// was changed by hand) is returned as unreadable, for the caller to park, and the rest of
  /// the batch goes on. Reads no store, so it may run on any thread.
  public func parsed() -> ClaimedBatch {
    var batch = ClaimedBatch(lease: lease, activities: [], unreadable: [], isApart: isApart, parked: parked)
    batch.activities.reserveCapacity(activities.count)
    for entry in activities {
      do {
        batch.activities.append(
          ClaimedActivity(
            activityID: entry.activityID, attempts: entry.attempts, expiredLeases: entry.expiredLeases,
            policy: try entry.policy.parsed(),
            resolvedReasons: entry.resolvedReasons, resolvedSinceEdit: entry.resolvedSinceEdit))
      } catch {
        batch.unreadable.append(
          UnreadableActivity(activityID: entry.activityID, policy: entry.policy.code, error: "\(error)"))
      }
    }
    return batch
  }
}

/// A lease on a batch of activities: only its holder may commit them, and only until another
/// worker has taken them over after expiry.
public struct Lease: Sendable, Hashable {
  public var owner: String
  public var token: String
  public var expires: StoreTime
}

/// The queue's state for `policyflow queue`.
public struct QueueStatus: Sendable, Hashable {
  public struct FailedActivity: Sendable, Hashable {
    public var id: Int64
    public var policy: String
    public var attempts: Int
    public var error: String
  }

  /// Waiting for a worker (leases that expired count here: any worker may take them).
  public var queued: Int
  /// Held by a live lease.
  public var leased: Int
  public var failed: [FailedActivity]

  /// Work not yet done that is not parked.
  public var pending: Int { queued + leased }

  /// A worker seen in the last ``PolicyStore/liveWorkerSeconds`` seconds.
  public struct LiveWorker: Sendable, Hashable {
    /// `host:pid`.
    public var owner: String
    /// The catalog it runs.
    public var catalogHash: String
    public var startedAt: String
    /// Activities its live leases hold now.
    public var claimed: Int
    public var lastCommitAt: String?
    public var processed: Int
    /// Seconds since it last said it was alive.
    public var seenSecondsAgo: Int
  }

  public var workers: [LiveWorker] = []
  /// How long the oldest activity due for processing has waited (nil when none is due).
  public var oldestReadySeconds: Int?
}

extension PolicyStore {
  /// Queues each policy version of `policyIDs` for a worker, in id order.
  func enqueue(policyIDs: [Int64], actor: String, at time: StoreTime) throws {
    let rows = policyIDs.sorted().map { id -> [DatabaseValue] in
      [.integer(id), "queued", 0, .integer(time.milliseconds), .text(time.iso8601), .text(actor)]
    }
    guard !rows.isEmpty else { return }
    try insertRows(
      rows, into: "activity",
      columns: ["policy_id", "state", "attempts", "available_ms", "enqueued_at", "enqueued_by"])
    // Idle workers wake at the commit: PostgreSQL sends one notification per transaction, however
    // many batches it queued; SQLite has none, and its workers poll.
    try db.notify(Self.workChannel)
  }

  /// The channel idle workers listen to for new work.
  static let workChannel = "policyflow_work"

  /// Listens for new work on this store's connection; false when the store cannot notify
  /// (SQLite), whose workers poll.
  public func listenForWork() throws -> Bool {
    guard db.supportsNotifications else { return false }
    try db.listen(Self.workChannel)
    return true
  }

  /// Waits up to `milliseconds` for work to be submitted; true when some was (or may have been).
  public func awaitWork(milliseconds: Int) throws -> Bool {
    try db.awaitNotification(milliseconds: milliseconds)
  }

  /// Puts activities of `lease` back on the queue, due at `availableAt` (now by default), with
  /// the error that sent them back. Activities whose lease was taken over are left alone.
  ///
  /// - Parameter unattempted: the activities were never run (a worker stopping gives back the
  ///   batch it had claimed next): their claim's attempt is taken back, so that they are not
  ///   parked early as work that stalls every worker holding it.
  public func release(
    _ activityIDs: [Int64], lease: Lease, availableAt: StoreTime? = nil, error: String? = nil,
    unattempted: Bool = false
  ) throws {
    guard !activityIDs.isEmpty else { return }
    let due = availableAt ?? clock()
    try writing {
      // In id order, as every statement that changes several activities: rows locked in one order.
      for id in activityIDs.sorted() {
        try db.execute(
          """
          UPDATE activity SET state = 'queued', lease_owner = NULL, lease_token = NULL, lease_expires_ms = NULL,
            leased_alone = 0, available_ms = ?1, last_error = coalesce(?2, last_error),
            attempts = CASE WHEN attempts > ?3 THEN attempts - ?3 ELSE 0 END
          WHERE id = ?4 AND lease_token = ?5
          """,
          [
            .integer(due.milliseconds), DatabaseValue(error), .integer(unattempted ? 1 : 0), .integer(id),
            .text(lease.token),
          ])
      }
    }
  }

  /// Parks an activity as failed with its error: visible in `policyflow queue`, retried only
  /// when a person says so.
  /// Returns whether the activity was parked: not when the lease is no longer this one (another
  /// worker took the activity over, and may have processed it).
  @discardableResult
  public func park(_ activityID: Int64, lease: Lease, error: String) throws -> Bool {
    try writing {
      try db.execute(
        """
        UPDATE activity SET state = 'failed', lease_owner = NULL, lease_token = NULL, lease_expires_ms = NULL,
          last_error = ?
        WHERE id = ? AND lease_token = ?
        """,
        [.text(error), .integer(activityID), .text(lease.token)]) > 0
    }
  }

  public func queueStatus() throws -> QueueStatus {
    let now = clock().milliseconds
    let counts = try db.queryOne(
      """
      SELECT
        count(*) FILTER (WHERE state = 'queued' OR (state = 'leased' AND lease_expires_ms <= ?1)),
        count(*) FILTER (WHERE state = 'leased' AND lease_expires_ms > ?1)
      FROM activity
      """, [.integer(now)]
    ) { (try $0.int(at: 0), try $0.int(at: 1)) }
    let failed = try db.query(
      """
      SELECT a.id, p.code, a.attempts, coalesce(a.last_error, '') FROM activity a JOIN policy p ON p.id = a.policy_id
      WHERE a.state = 'failed' ORDER BY a.id
      """
    ) {
      QueueStatus.FailedActivity(
        id: try $0.int64(at: 0), policy: try $0.string(at: 1), attempts: try $0.int(at: 2), error: try $0.string(at: 3))
    }
    var status = QueueStatus(queued: counts?.0 ?? 0, leased: counts?.1 ?? 0, failed: failed)
    status.oldestReadySeconds = try db.queryOne(
      "SELECT min(available_ms) FROM activity WHERE state = 'queued' AND available_ms <= ?", [.integer(now)]
    ) { try $0.optionalInt64(at: 0) }?.map { Int((now - $0) / 1000) }
    status.workers = try db.query(
      """
      SELECT w.owner, w.catalog_hash, w.started_at, w.last_commit_at, w.processed, w.seen_ms,
        (SELECT count(*) FROM activity a WHERE a.state = 'leased' AND a.lease_owner = w.owner
          AND a.lease_expires_ms > ?1)
      FROM worker_heartbeat w WHERE w.seen_ms >= ?2 ORDER BY w.owner
      """, [.integer(now), .integer(now - Self.liveWorkerSeconds * 1000)]
    ) { row in
      QueueStatus.LiveWorker(
        owner: try row.string(at: 0), catalogHash: try row.string(at: 1), startedAt: try row.string(at: 2),
        claimed: try row.int(at: 6), lastCommitAt: try row.optionalString(at: 3), processed: try row.int(at: 4),
        seenSecondsAgo: Int((now - (try row.int64(at: 5))) / 1000))
    }
    return status
  }

  /// A worker not seen for this long is not listed as live (it says it is alive every second
  /// while it works, and at every poll while idle).
  public static let liveWorkerSeconds: Int64 = 30

  /// Records that the worker `owner` is alive, runs `catalogHash`, has processed `processed`
  /// policies and last committed at `lastCommit`. Committed without waiting for the disk: a beat
  /// lost to a power cut is harmless.
  public func heartbeat(owner: String, catalogHash: String, processed: Int, lastCommit: StoreTime?) throws {
    let now = clock()
    try writing(.lockedRows, durability: .relaxed) {
      try db.execute(
        """
        INSERT INTO worker_heartbeat (owner, catalog_hash, started_at, seen_ms, last_commit_at, processed)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (owner) DO UPDATE SET catalog_hash = excluded.catalog_hash, seen_ms = excluded.seen_ms,
          last_commit_at = coalesce(excluded.last_commit_at, worker_heartbeat.last_commit_at),
          processed = excluded.processed
        """,
        [
          .text(owner), .text(catalogHash), .text(now.iso8601), .integer(now.milliseconds),
          DatabaseValue(lastCommit?.iso8601), .integer(Int64(processed)),
        ])
    }
  }

  /// Removes the worker `owner` from the live ones: it stopped.
  public func removeHeartbeat(owner: String) throws {
    try writing(.lockedRows) {
      try db.execute("DELETE FROM worker_heartbeat WHERE owner = ?", [.text(owner)])
    }
  }

  /// Re-queues parked activities (all of them when `ids` is nil), resetting their attempts
  /// (stopped workers included: a person vouches for them now).
  /// Returns how many were re-queued; an id that is not a failed activity is an error and
  /// nothing is changed.
  @discardableResult
  public func retryFailed(_ ids: [Int64]?, by actor: String) throws -> Int {
    try writing {
      try requireAdministrator(try knownUser(actor), toDo: "queue failed activities again")
      let now = clock().milliseconds
      guard let ids else {
        return try db.execute("UPDATE activity SET \(Self.requeued) WHERE state = 'failed'", [.integer(now)])
      }
      for id in ids.sorted() {
        let requeued = try db.execute(
          "UPDATE activity SET \(Self.requeued) WHERE id = ? AND state = 'failed'", [.integer(now), .integer(id)])
        if requeued != 1 {
          throw StoreError(.notFound, "No failed activity with id \(id); 'policyflow queue' lists the failed ones.")
        }
      }
      return ids.count
    }
  }

  /// What queuing a parked activity again sets, its due time the one parameter.
  private static let requeued =
    "state = 'queued', attempts = 0, expired_leases = 0, leased_alone = 0, available_ms = ?"
}
