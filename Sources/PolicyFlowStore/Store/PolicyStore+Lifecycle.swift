import PolicyFlowCore

/// Carrying out what the lifecycle decided: the one place a ``LifecycleOutcome`` is applied to
/// the store, whichever command or worker caused it.
extension PolicyStore {
  /// The version an outcome is carried out on: the one current after the event.
  struct VersionRow {
    var id: Int64
    var gid: String
    var version: Int

    init(id: Int64, gid: String, version: Int) {
      self.id = id
      self.gid = gid
      self.version = version
    }

    init(_ stored: StoredPolicy) {
      self.init(id: stored.id, gid: stored.policy.gid, version: stored.policy.version)
    }
  }

  /// What carrying out an outcome did, for the caller's report.
  struct CarriedOut {
    /// The status-history row appended.
    var statusRowID: Int64
    /// Open pend reasons withdrawn.
    var withdrawnPendReasons = 0
  }

  /// Carries out `transition` on `version`: sets its status, carries out each of its effects,
  /// and appends its status-history row (with `note` when given).
  ///
  /// Versions themselves are written by the events that make or remove them (create, an edit of
  /// an approved version, revert), with their data; every other effect happens here, in one
  /// switch over ``LifecycleEffect``, so an effect added to the lifecycle cannot be left out by
  /// one of the commands.
  ///
  /// - Parameters:
  ///   - setsMaker: the actor becomes the data's last maker (maker-checker): edit, submit, cancel.
  ///   - approving: the results the cycle calculated, for ``LifecycleEffect/approveCalculationResults``.
  ///   - reversing: carries out ``LifecycleEffect/reverseCalculationResults``: a cancellation
  ///     reverses what is in force and may settle what was earned.
  @discardableResult
  func carryOut(
    _ transition: LifecycleOutcome, on version: VersionRow, actor: String, at now: StoreTime, setsMaker: Bool = false,
    note: String? = nil, approving calculation: CalculationResult? = nil, reversing: (() throws -> Void)? = nil
  ) throws -> CarriedOut {
    switch transition.versionEffect {
    case .sameVersion where !transition.isIgnoredAsAlreadySubmitted:
      try db.execute(
        setsMaker
          ? "UPDATE policy SET status = ?, updated_at = ?, last_changed_by = ? WHERE id = ?"
          : "UPDATE policy SET status = ?, updated_at = ? WHERE id = ?",
        [.text(transition.status.rawValue), .text(now.iso8601)] + (setsMaker ? [.text(actor)] : [])
          + [.integer(version.id)])
    case .sameVersion, .firstVersion, .newVersion, .removeEditVersion:
      // Nothing changed (a repeated submit), or the event wrote the version with its status.
      break
    }
    var withdrawn = 0
    for effect in transition.effects {
      switch effect {
      case .enqueueForWorker:
        try enqueue(policyID: version.id, actor: actor, at: now)
      case .withdrawOpenPendReasons:
        withdrawn += try withdrawOpenPends(version.id, at: now)
      case .approveCalculationResults:
        try approveResults(
          calculation, of: ResultOwner(policyID: version.id, gid: version.gid, version: version.version), at: now)
      case .reverseCalculationResults:
        guard let reversing else {
          preconditionFailure("\(transition.statusHistory.event) reverses results but its caller gave no reversal")
        }
        try reversing()
      }
    }
    var row = transition.statusHistory
    if let note { row.note = note }
    let statusRowID = try recordStatus(
      policyID: version.id, gid: version.gid, version: version.version, row, actor: actor, at: now)
    return CarriedOut(statusRowID: statusRowID, withdrawnPendReasons: withdrawn)
  }

  /// Withdraws the open pend reasons of the version `policyID` (kept in pend history).
  func withdrawOpenPends(_ policyID: Int64, at time: StoreTime) throws -> Int {
    try db.execute(
      "UPDATE pend_history SET is_open = 0, withdrawn_at = ? WHERE policy_id = ? AND is_open = 1",
      [.text(time.iso8601), .integer(policyID)])
  }
}
