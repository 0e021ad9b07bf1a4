import PolicyFlowCore

/// Carrying out what the lifecycle decided: the one place a ``LifecycleOutcome`` is applied to
/// the store, whichever command or worker caused it, for one policy or a batch of them.
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

  /// One outcome to carry out, with what its effects need.
  struct PendingOutcome {
    var transition: LifecycleOutcome
    var version: VersionRow
    /// The actor becomes the data's last maker (maker-checker): edit, submit, cancel.
    var setsMaker = false
    /// Replaces the status-history row's note.
    var note: String?
    /// The results the cycle calculated, for ``LifecycleEffect/approveCalculationResults``.
    var approving: CalculationResult?
    /// The lines of ``approving`` as serialized beforehand (a worker's, beside the commit); nil:
    /// serialized when stored.
    var approvingLines: String?
    /// Carries out ``LifecycleEffect/reverseCalculationResults``: a cancellation reverses what
    /// is in force and may settle what was earned.
    var reversing: (() throws -> Void)?
  }

  /// What carrying out an outcome did, for the caller's report.
  struct CarriedOut {
    /// The status-history row appended.
    var statusRowID: Int64
    /// Open pend reasons withdrawn.
    var withdrawnPendReasons = 0
  }

  /// Carries out `transition` on `version`: sets its status, carries out each of its effects,
  /// and appends its status-history row (see ``carryOut(_:actor:at:)``).
  @discardableResult
  func carryOut(
    _ transition: LifecycleOutcome, on version: VersionRow, actor: String, at now: StoreTime, setsMaker: Bool = false,
    note: String? = nil, approving calculation: CalculationResult? = nil, reversing: (() throws -> Void)? = nil
  ) throws -> CarriedOut {
    try carryOut(
      [
        PendingOutcome(
          transition: transition, version: version, setsMaker: setsMaker, note: note, approving: calculation,
          reversing: reversing)
      ], actor: actor, at: now)[0]
  }

  /// Carries out each outcome of `outcomes` (of different policy versions): sets its status,
  /// carries out each of its effects, and appends its status-history row. A batch goes in a few
  /// statements (one per status, one for the queue, one for the history), not a few per policy:
  /// on PostgreSQL each statement is a round trip.
  ///
  /// Versions themselves are written by the events that make or remove them (create, an edit of
  /// an approved version, revert), with their data; every other effect happens here, in one
  /// switch over ``LifecycleEffect``, so an effect added to the lifecycle cannot be left out by
  /// one of the commands.
  @discardableResult
  func carryOut(_ outcomes: [PendingOutcome], actor: String, at now: StoreTime) throws -> [CarriedOut] {
    precondition(
      Set(outcomes.map(\.version.id)).count == outcomes.count, "a batch carries out one outcome per version")
    try setStatuses(of: outcomes, actor: actor, at: now)
    var withdrawn = [Int](repeating: 0, count: outcomes.count)
    var queued: [Int64] = []
    var approvals: [(premium: CalculationResult?, lines: String?, owner: ResultOwner)] = []
    for (index, outcome) in outcomes.enumerated() {
      for effect in outcome.transition.effects {
        switch effect {
        case .enqueueForWorker:
          queued.append(outcome.version.id)
        case .withdrawOpenPendReasons:
          withdrawn[index] += try withdrawOpenPends(outcome.version.id, at: now)
        case .approveCalculationResults:
          let version = outcome.version
          approvals.append(
            (
              outcome.approving, outcome.approvingLines,
              ResultOwner(policyID: version.id, gid: version.gid, version: version.version)
            ))
        case .reverseCalculationResults:
          guard let reversing = outcome.reversing else {
            preconditionFailure(
              "\(outcome.transition.statusHistory.event) reverses results but its caller gave no reversal")
          }
          try reversing()
        }
      }
    }
    try approveResults(approvals, at: now)
    try enqueue(policyIDs: queued, actor: actor, at: now)
    let rows = try recordStatuses(
      outcomes.map { outcome in
        var row = outcome.transition.statusHistory
        if let note = outcome.note { row.note = note }
        return (outcome.version, row)
      }, actor: actor, at: now)
    return zip(rows, withdrawn).map { CarriedOut(statusRowID: $0, withdrawnPendReasons: $1) }
  }

  /// Sets the status of each outcome's version, one statement per status (and maker setting).
  private func setStatuses(of outcomes: [PendingOutcome], actor: String, at now: StoreTime) throws {
    var groups: [PolicyStatus: (makers: [Int64], others: [Int64])] = [:]
    for outcome in outcomes {
      switch outcome.transition.versionEffect {
      case .sameVersion where !outcome.transition.isIgnoredAsAlreadySubmitted:
        if outcome.setsMaker {
          groups[outcome.transition.status, default: ([], [])].makers.append(outcome.version.id)
        } else {
          groups[outcome.transition.status, default: ([], [])].others.append(outcome.version.id)
        }
      case .sameVersion, .firstVersion, .newVersion, .removeEditVersion:
        // Nothing changed (a repeated submit), or the event wrote the version with its status.
        break
      }
    }
    for (status, ids) in groups.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      for (setsMaker, group) in [(true, ids.makers), (false, ids.others)] where !group.isEmpty {
        let sorted = group.sorted()
        let target =
          sorted.count == 1
          ? ("id = ?", DatabaseValue.integer(sorted[0]))
          : (db.dialect.isOneOfIntegers("id", jsonArray: "?"), Self.idList(sorted))
        try db.execute(
          setsMaker
            ? "UPDATE policy SET status = ?, updated_at = ?, last_changed_by = ? WHERE \(target.0)"
            : "UPDATE policy SET status = ?, updated_at = ? WHERE \(target.0)",
          [.text(status.rawValue), .text(now.iso8601)] + (setsMaker ? [.text(actor)] : []) + [target.1])
      }
    }
  }

  /// Withdraws the open pend reasons of the version `policyID` (kept in pend history).
  func withdrawOpenPends(_ policyID: Int64, at time: StoreTime) throws -> Int {
    let open = try db.query(
      "SELECT id FROM pend_history WHERE policy_id = ? AND is_open = 1", [.integer(policyID)],
      row: { try $0.int64(at: 0) })
    guard !open.isEmpty else { return 0 }
    try requireUnchanged("pend_history", keys: open)
    let ids = try db.query(
      "UPDATE pend_history SET is_open = 0, withdrawn_at = ? WHERE policy_id = ? AND is_open = 1 RETURNING id",
      [.text(time.iso8601), .integer(policyID)], row: { try $0.int64(at: 0) })
    wrote("pend_history", keys: ids)
    return ids.count
  }

  /// Ids as one JSON array parameter, for ``SQLDialect/isOneOfIntegers(_:jsonArray:)``.
  static func idList(_ ids: [Int64]) -> DatabaseValue {
    .text("[" + ids.map(String.init).joined(separator: ",") + "]")
  }
}
