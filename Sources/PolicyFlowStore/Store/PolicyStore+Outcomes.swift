public import PolicyFlowCore

/// A claimed activity and the outcome its cycle computed, ready to commit.
public struct ProcessedActivity: Sendable {
  public var claimed: ClaimedActivity
  public var outcome: CycleOutcome

  public init(claimed: ClaimedActivity, outcome: CycleOutcome) {
    self.claimed = claimed
    self.outcome = outcome
  }
}

/// The outcomes of a batch with the text a commit stores for them, serialized before the commit:
/// other workers wait for the write lock while a commit holds it, and a worker can serialize one
/// batch on another thread while it commits the one before. Needs no store.
public struct PreparedCommit: Sendable {
  public let results: [ProcessedActivity]
  let texts: [PolicyStore.SerializedOutcome]
  /// The activities' ids as a JSON array, for the acknowledging statement.
  let activityIDs: String
  /// The heads of the policies' chains, read beside the commit before (``ChainReader``); the
  /// commit reads those it lacks.
  let chainHeads: [String: AuditChain.Head]
  /// When the outcomes are recorded as decided (the rows' times), fixed beside the commit before
  /// so that their rows could be hashed there; nil: the commit's own time.
  private(set) var decidedAt: StoreTime?
  /// The history rows the commit will insert, hashed beside it before (``AuditChain/Prehashed``).
  private(set) var prehashed: AuditChain.Prehashed

  /// The same outcomes recorded at the commit's own time, nothing hashed beforehand: a commit tried
  /// again after a failure may run long after its outcomes were decided, and the rows' times must
  /// not run far behind the history other transactions write meanwhile.
  var recordedAtCommit: PreparedCommit {
    var copy = self
    copy.decidedAt = nil
    copy.prehashed = AuditChain.Prehashed()
    return copy
  }

  public init(_ results: [ProcessedActivity]) { self.init(results, chainHeads: [:]) }

  /// Outcomes to be committed by `worker`; with `decidedAt`, the rows the commit will insert for
  /// them are hashed now.
  init(
    _ results: [ProcessedActivity], chainHeads: [String: AuditChain.Head], worker: String? = nil,
    decidedAt: StoreTime? = nil
  ) {
    self.results = results
    texts = results.map(PolicyStore.SerializedOutcome.init)
    activityIDs = JSON.array(results.map { .int(Int($0.claimed.activityID)) }).serialized()
    self.chainHeads = chainHeads
    self.decidedAt = decidedAt
    if let worker, let decidedAt {
      prehashed = PolicyStore.prehash(results, texts, worker: worker, at: decidedAt)
    } else {
      prehashed = AuditChain.Prehashed()
    }
  }
}

/// What a commit applied.
public struct CommitReport: Sendable, Hashable {
  /// Activities whose outcome is now recorded and whose queue entry is acknowledged.
  public var committed: [Int64] = []
  /// Activities whose lease was taken over by another worker: nothing of theirs was applied.
  public var lostLease: [Int64] = []
  /// Rows hashed beforehand (``PreparedCommit``) that the commit did not insert as hashed and so
  /// hashed itself: none, unless the building of a row drifted from its hashing.
  var rowsHashedAgain = 0
}

extension PolicyStore {
  /// Stores the catalog's files under its hash (once), so any outcome computed with it can be
  /// explained later with the exact rules that produced it.
  public func snapshot(_ catalog: Catalog) throws {
    try writing { try insertSnapshot(catalog) }
  }

  /// Stores the files of `catalog` under its hash unless they are stored already.
  func insertSnapshot(_ catalog: Catalog) throws {
    let files = JSON.array(catalog.files.map { ["path": .string($0.path), "contents": .string($0.contents)] })
    try db.execute(
      "INSERT INTO catalog_snapshot (hash, files, stored_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
      [.text(catalog.hash), .text(files.serialized()), .text(clock().iso8601)])
  }

  /// The catalog files stored under `hash`, or nil when no snapshot has that hash.
  public func snapshotFiles(_ hash: String) throws -> [CatalogFile]? {
    guard
      let text = try db.queryOne(
        "SELECT files FROM catalog_snapshot WHERE hash = ?", [.text(hash)], row: { try $0.string(at: 0) })
    else { return nil }
    return (try JSON(parsing: text).arrayValue ?? []).compactMap { file in
      guard let path = file[path: "path"]?.stringValue, let contents = file[path: "contents"]?.stringValue else {
        return nil
      }
      return CatalogFile(path: path, contents: contents)
    }
  }

  /// Every catalog snapshot the store holds, oldest first: its hash and when it was stored.
  public func snapshotHashes() throws -> [(hash: String, storedAt: String)] {
    try db.query("SELECT hash, stored_at FROM catalog_snapshot ORDER BY stored_at, hash") {
      (try $0.string(at: 0), try $0.string(at: 1))
    }
  }

  /// Commits the outcomes of a batch in one transaction (group commit: one disk sync for all),
  /// each policy all-or-nothing: its status, data, cycle (the outcome, with its messages), pend
  /// reasons, history rows and the acknowledgement of its activity. An activity whose lease was
  /// taken over is skipped whole.
  public func commit(_ results: [ProcessedActivity], lease: Lease) throws -> CommitReport {
    try commit(PreparedCommit(results), lease: lease)
  }

  /// Commits outcomes serialized beforehand, like ``commit(_:lease:)``.
  ///
  /// - Parameter renewing: another batch the caller holds, whose lease the same transaction
  ///   extends to `until` (only for activities it still holds): a worker that claims its next
  ///   batch before committing this one keeps that batch through a slow commit.
  public func commit(
    _ prepared: PreparedCommit, lease: Lease, renewing: (lease: Lease, activityIDs: [Int64], until: StoreTime)? = nil
  ) throws -> CommitReport {
    let (results, texts, ids) = (prepared.results, prepared.texts, prepared.activityIDs)
    // Only rows this worker holds are changed: its activities (locked by the DELETE, which also
    // checks the lease) and the policies they lease, which no one else changes while In Process.
    // So on PostgreSQL workers committing at once need not be serialized with each other.
    return try writing(.lockedRows) {
      auditWrites.knownHeads = prepared.chainHeads
      auditWrites.prehashed = prepared.prehashed
      var report = CommitReport()
      let now = clock()
      // Acknowledged in one statement for the batch. An activity is rejected when another worker
      // took it over, and also when the lease merely expired: the outcome was computed at a
      // reference time nobody vouches for any more.
      var acknowledged = Set(
        try db.query(
          """
          DELETE FROM activity
          WHERE \(db.dialect.isOneOfIntegers("id", jsonArray: "?")) AND lease_token = ? AND lease_expires_ms > ?
          RETURNING id
          """, [.text(ids), .text(lease.token), .integer(now.milliseconds)], row: { try $0.int64(at: 0) }))
      var applying: [(ProcessedActivity, SerializedOutcome)] = []
      for (result, text) in zip(results, texts) {
        // `remove` as well as test: an activity given twice is applied once, and its second
        // copy reported like a lost lease.
        guard acknowledged.remove(result.claimed.activityID) != nil else {
          report.lostLease.append(result.claimed.activityID)
          continue
        }
        applying.append((result, text))
        report.committed.append(result.claimed.activityID)
      }
      try apply(applying, worker: lease.owner, at: prepared.decidedAt ?? now)
      report.rowsHashedAgain = auditWrites.prehashed.untaken(of: applying.map(\.0.claimed.policy.id))
      if let renewing {
        try db.execute(
          """
          UPDATE activity SET lease_expires_ms = ?1
          WHERE \(db.dialect.isOneOfIntegers("id", jsonArray: "?2")) AND lease_token = ?3 AND lease_expires_ms > ?4
          """,
          [
            .integer(renewing.until.milliseconds),
            .text(JSON.array(renewing.activityIDs.map { .int(Int($0)) }).serialized()), .text(renewing.lease.token),
            .integer(now.milliseconds),
          ])
      }
      return report
    }
  }

  /// The text a commit stores for one outcome.
  struct SerializedOutcome {
    /// The outcome as stored in its cycle row.
    var outcome: String
    /// The policy's data, when the cycle changed it (derived fields).
    var changedData: String?
    /// The SHA-256 (hex) of each, for the chain: hashed here, beside the commit before.
    var outcomeDigest: String
    var changedDataDigest: String?
    /// The lines of the premium the cycle calculated, as stored if the policy is approved.
    var premiumLines: String?

    init(_ result: ProcessedActivity) {
      outcome = result.outcome.storedText
      // Most cycles derive nothing: the stored text is then already the data, and serializing
      // a policy of a few KB again was a large part of a commit.
      changedData =
        result.outcome.data.isIdentical(to: result.claimed.policy.policy.data)
        ? nil : result.outcome.data.serialized()
      outcomeDigest = AuditDigest.hex(outcome)
      changedDataDigest = changedData.map(AuditDigest.hex)
      premiumLines = result.outcome.calculation?.json.serialized()
    }
  }

  /// Applies the outcomes of a batch: a cycle row each, the lifecycle's outcome carried out for
  /// the lot (statuses, history, results), their pend reasons and derived data; a few statements
  /// for the batch, not a few per policy.
  private func apply(_ batch: [(ProcessedActivity, SerializedOutcome)], worker: String, at now: StoreTime) throws {
    guard !batch.isEmpty else { return }
    let versions = Dictionary(
      batch.map { result, _ in
        let stored = result.claimed.policy
        return (stored.id, AuditChain.Owner(gid: stored.policy.gid, version: stored.policy.version))
      }, uniquingKeysWith: { first, _ in first })
    let cycleIDs = try insertRows(
      batch.map { result, text in Self.cycleRow(result, text, worker: worker, at: now) }, into: "cycle",
      columns: Self.cycleColumns, returningIDsBy: "policy_id", policies: versions,
      digests: Dictionary(
        batch.map { ($0.claimed.policy.id, $1.outcomeDigest) }, uniquingKeysWith: { first, _ in first }))
    let outcomes = batch.map { result, text -> PendingOutcome in
      PendingOutcome(
        transition: Self.transition(of: result), version: VersionRow(result.claimed.policy),
        approving: result.outcome.calculation, approvingLines: text.premiumLines)
    }
    let carried = try carryOut(outcomes, actor: worker, at: now)
    var reasons: [[DatabaseValue]] = []
    for ((result, _), done) in zip(batch, carried) {
      let stored = result.claimed.policy
      guard let cycleID = cycleIDs[.integer(stored.id)] else {
        throw StoreError(.damaged, "The cycle of policy \(stored.policy.code) was not written back.")
      }
      for reason in result.outcome.pendReasons {
        reasons.append([
          .integer(stored.id), .text(stored.policy.gid), .integer(Int64(stored.policy.version)), .integer(cycleID),
          .integer(done.statusRowID), .text(reason.code), .text(reason.description), .text(reason.rule),
          .text(reason.step.name), .text(reason.step.displayName), .integer(Int64(reason.step.sequence)),
          .text(now.iso8601),
        ])
      }
    }
    try insertRows(
      reasons, into: "pend_history",
      columns: [
        "policy_id", "gid", "version", "cycle_id", "status_history_id", "reason", "description", "rule", "step",
        "step_display_name", "step_sequence", "pended_at",
      ])
    // Derived fields (an age, a premium) changed the documents of most: one upsert for them all.
    try insertRows(
      batch.compactMap { result, text in text.changedData.map { [.integer(result.claimed.policy.id), .text($0)] } },
      into: "policy_data", columns: Self.dataColumns,
      onConflict: "ON CONFLICT (policy_id) DO UPDATE SET data = excluded.data", policies: versions,
      digests: Dictionary(
        batch.compactMap { result, text in text.changedDataDigest.map { (result.claimed.policy.id, $0) } },
        uniquingKeysWith: { first, _ in first }))
  }

  /// What processing `result` does to its policy's lifecycle.
  static func transition(of result: ProcessedActivity) -> LifecycleOutcome {
    do {
      return try result.claimed.policy.policy.lifecycle(isLatest: true).outcome(
        of: .processed(result.outcome.disposition))
    } catch {
      // Only a worker moves a policy out of In Process, and this worker holds its activity.
      preconditionFailure("a claimed policy was not In Process: \(error)")
    }
  }

  /// The columns of a cycle row as ``cycleRow(_:_:worker:at:)`` gives them.
  static let cycleColumns = ["policy_id", "version", "catalog_hash", "at", "status", "flow", "worker", "outcome"]

  /// The cycle row `result` inserts (in ``cycleColumns``).
  static func cycleRow(_ result: ProcessedActivity, _ text: SerializedOutcome, worker: String, at now: StoreTime)
    -> [DatabaseValue]
  {
    let (stored, outcome) = (result.claimed.policy, result.outcome)
    return [
      .integer(stored.id), .integer(Int64(stored.policy.version)), .text(outcome.catalogHash), .text(now.iso8601),
      .text(outcome.status.rawValue), DatabaseValue(outcome.flowCode), .text(worker), .text(text.outcome),
    ]
  }

  /// The history rows a worker's commit of `results` inserts whatever the database holds (each
  /// one's cycle, status-history row, approved premium and derived document), hashed beside the
  /// commit before it, so that the committing thread need not. The commit builds its rows with the
  /// same functions and uses a hash only for the very values hashed (``AuditChain/Prehashed``).
  static func prehash(_ results: [ProcessedActivity], _ texts: [SerializedOutcome], worker: String, at now: StoreTime)
    -> AuditChain.Prehashed
  {
    var prehashed = AuditChain.Prehashed()
    for (result, text) in zip(results, texts) {
      let stored = result.claimed.policy
      let (id, owner) = (stored.id, AuditChain.Owner(gid: stored.policy.gid, version: stored.policy.version))
      prehashed.add(
        "cycle", columns: cycleColumns, row: cycleRow(result, text, worker: worker, at: now), policyID: id,
        owner: owner, digest: text.outcomeDigest)
      if let data = text.changedData {
        prehashed.add(
          "policy_data", columns: dataColumns, row: [.integer(id), .text(data)], policyID: id, owner: owner,
          digest: text.changedDataDigest)
      }
      let transition = transition(of: result)
      prehashed.add(
        "status_history", columns: statusColumns,
        row: statusRow(VersionRow(stored), transition.statusHistory, actor: worker, at: now), policyID: id,
        owner: owner)
      if transition.effects.contains(.approveCalculationResults), let premium = result.outcome.calculation {
        prehashed.add(
          "calculation", columns: calculationInsertColumns,
          row: calculationRow(
            premium, for: ResultOwner(policyID: id, gid: owner.gid, version: owner.version), at: now, inForce: true,
            lines: text.premiumLines),
          policyID: id, owner: owner)
      }
    }
    return prehashed
  }

  /// The columns of a document's insert or upsert (`policy_data`).
  static let dataColumns = ["policy_id", "data"]
}
