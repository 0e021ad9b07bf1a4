/// The policy lifecycle: DESIGN.md's state-machine table, one `case` per row, in the table's order.
///
/// A value describes the version in hand; ``outcome(of:)`` answers what an event requires, as a
/// ``LifecycleOutcome`` for the store to carry out, or throws a ``LifecycleRefusal`` and nothing
/// changes. The machine never reads a clock or a database.
///
/// ```swift
/// let outcome = try policy.lifecycle(isLatest: true).outcome(of: .submit)
/// if outcome.effects.contains(.enqueueForWorker) { queue.push(policy.code) }
/// ```
///
/// Where the table is terse, this is how it is read:
/// - `Edit, Pended (version > 1), Approved (latest) | cancel`: "(version > 1)" applies to Edit and
///   Pended alike. Version 1 that was never approved has nothing in force, so it cannot be canceled
///   (it is declined instead), and neither can an edit of a Canceled version: to know that, the
///   machine needs ``previousVersionStatus`` for a cancel of a version > 1 in Edit or Pended.
///   Canceling a Pended version also withdraws its open pend reasons (kept in history): nobody
///   should work a pend on a canceled policy.
/// - `Edit, Pended (version 1) | decline`: the application is closed as Canceled; a later version
///   cannot be declined (it is canceled instead).
/// - `Edit (version > 1) | revert | Approved`: the previous version is current again with its own
///   status: Approved, or Canceled when the edit was of a Canceled version.
/// - `In Process | submit again`: accepted, changes nothing, recorded as "already submitted".
/// - `Approved, Canceled | edit`: only the latest version can be edited, since version + 1 must be
///   new. Versions below the latest are history (always Approved or Canceled) and refuse every
///   event.
/// - `Pended | edit`: Edit, same version, open pend reasons withdrawn.
/// - `Pended | resolve + submit`: the event carries how many pend reasons stay open after this
///   user's resolutions; 0 resubmits the policy (In Process, queued), more leave it Pended.
/// - `(none) | create / import`: one event, ``LifecycleEvent/create``; a code that exists already
///   refuses it, and a code that does not exist refuses everything else.
/// - "Every transition writes a status history row": every accepted event appends one row (see
///   ``StatusHistoryRow``), also when the status stays the same.
public struct PolicyLifecycle: Sendable, Hashable {
  /// The policy's code, for messages.
  public let code: String
  /// The status of the version in hand; nil when no policy with this code exists yet.
  public let status: PolicyStatus?
  /// The version in hand; 0 when no policy exists yet.
  public let version: Int
  /// Whether no higher version of this policy exists.
  public let isLatest: Bool
  /// The status of version - 1 (Approved or Canceled); needed only to revert.
  public let previousVersionStatus: PolicyStatus?

  /// A policy version that exists.
  ///
  /// - Precondition: `version >= 1`; a version below the latest is Approved or Canceled (only those
  ///   get a next version); `previousVersionStatus`, when given, is Approved or Canceled and
  ///   `version > 1`. The store guarantees these, so a violation is a programming error.
  public init(
    code: String, version: Int, status: PolicyStatus, isLatest: Bool, previousVersionStatus: PolicyStatus? = nil
  ) {
    precondition(version >= 1, "policy versions start at 1, got \(version)")
    precondition(
      isLatest || status == .approved || status == .canceled,
      "only an Approved or Canceled version can have a later version, got \(status)")
    if let previous = previousVersionStatus {
      precondition(version > 1, "version 1 has no previous version")
      precondition(
        previous == .approved || previous == .canceled,
        "a previous version is Approved or Canceled, got \(previous)")
    }
    self.code = code
    self.status = status
    self.version = version
    self.isLatest = isLatest
    self.previousVersionStatus = previousVersionStatus
  }

  /// No policy with `code` exists yet; only ``LifecycleEvent/create`` is accepted.
  public static func newPolicy(code: String) -> PolicyLifecycle {
    PolicyLifecycle(code: code)
  }

  private init(code: String) {
    self.code = code
    self.status = nil
    self.version = 0
    self.isLatest = true
    self.previousVersionStatus = nil
  }

  /// What `event` requires of the version in hand, or why it is refused.
  ///
  /// - Precondition: for ``LifecycleEvent/resolve(openPendReasonsRemaining:)`` the count is not
  ///   negative; to revert a version > 1, ``previousVersionStatus`` is known.
  public func outcome(of event: LifecycleEvent) throws(LifecycleRefusal) -> LifecycleOutcome {
    switch (status, event) {
    // (none) | create / import | Edit | version 1, new gid
    case (nil, .create):
      return LifecycleOutcome(
        status: .edit, versionEffect: .firstVersion, statusHistory: row(event, .edit))

    // Edit | edit | Edit | same version, data changed
    case (.edit?, .edit):
      return LifecycleOutcome(
        status: .edit, versionEffect: .sameVersion, statusHistory: row(event, .edit))

    // Edit | submit | In Process | queued for a worker
    case (.edit?, .submit):
      return LifecycleOutcome(
        status: .inProcess, versionEffect: .sameVersion, effects: [.enqueueForWorker],
        statusHistory: row(event, .inProcess))

    // In Process | processed, a fatal message | Edit | messages kept for the user to fix
    case (.inProcess?, .processed(.fatal)):
      return LifecycleOutcome(
        status: .edit, versionEffect: .sameVersion, statusHistory: row(event, .edit))

    // In Process | processed, pend reasons | Pended
    case (.inProcess?, .processed(.pends)):
      return LifecycleOutcome(
        status: .pended, versionEffect: .sameVersion, statusHistory: row(event, .pended))

    // In Process | processed, clean | Approved
    case (.inProcess?, .processed(.clean)):
      return LifecycleOutcome(
        status: .approved, versionEffect: .sameVersion, effects: [.approveCalculationResults],
        statusHistory: row(event, .approved))

    // In Process | submit again | In Process | ignored and recorded ("already submitted")
    case (.inProcess?, .submit):
      return LifecycleOutcome(
        status: .inProcess, versionEffect: .sameVersion, isIgnoredAsAlreadySubmitted: true,
        statusHistory: StatusHistoryRow(
          event: StatusHistoryRow.submitAgain, status: .inProcess, isNewStatus: false, note: "already submitted"))

    // In Process | edit, revert, cancel | — | refused while a worker may hold it: `default` below.

    // Pended | resolve + submit | In Process | the policy stays Pended while any reason remains
    case (.pended?, .resolve(let remaining)):
      precondition(remaining >= 0, "open pend reasons cannot be negative, got \(remaining)")
      if remaining > 0 {
        return LifecycleOutcome(
          status: .pended, versionEffect: .sameVersion, statusHistory: row(event, .pended))
      }
      return LifecycleOutcome(
        status: .inProcess, versionEffect: .sameVersion, effects: [.enqueueForWorker],
        statusHistory: row(event, .inProcess))

    // Pended | edit | Edit | same version; open pend reasons are withdrawn (kept in pend history)
    case (.pended?, .edit):
      return LifecycleOutcome(
        status: .edit, versionEffect: .sameVersion, effects: [.withdrawOpenPendReasons],
        statusHistory: row(event, .edit))

    // Approved, Canceled | edit | Edit | new version: same code and gid, version + 1, data copied
    case (.approved?, .edit) where isLatest, (.canceled?, .edit) where isLatest:
      return LifecycleOutcome(
        status: .edit, versionEffect: .newVersion(number: version + 1), statusHistory: row(event, .edit))

    // Edit (version > 1) | revert | Approved | the edit version is removed, the previous version
    // is current again (with its own status: Approved, or Canceled)
    case (.edit?, .revert) where version > 1:
      guard let restored = previousVersionStatus else {
        preconditionFailure("reverting version \(version) needs the previous version's status")
      }
      return LifecycleOutcome(
        status: restored, versionEffect: .removeEditVersion(restoring: version - 1),
        statusHistory: row(event, restored))

    // Edit, Pended (version > 1), Approved (latest) | cancel | Canceled | reverses the results in
    // force; recalculates when calculation on cancellation applies; refused for an edit of a
    // Canceled version (nothing in force: revert it)
    case (.edit?, .cancel) where version > 1 && previousVersionStatus != .canceled,
      (.pended?, .cancel) where version > 1 && previousVersionStatus != .canceled:
      return LifecycleOutcome(
        status: .canceled, versionEffect: .sameVersion,
        effects: (status == .pended ? [.withdrawOpenPendReasons] : []) + [.reverseCalculationResults],
        statusHistory: row(event, .canceled))
    case (.approved?, .cancel) where isLatest:
      return LifecycleOutcome(
        status: .canceled, versionEffect: .sameVersion, effects: [.reverseCalculationResults],
        statusHistory: row(event, .canceled))

    // Edit, Pended (version 1) | decline | Canceled | an application declined or withdrawn; open
    // pend reasons withdrawn; nothing to reverse
    case (.edit?, .decline) where version == 1, (.pended?, .decline) where version == 1:
      return LifecycleOutcome(
        status: .canceled, versionEffect: .sameVersion, effects: status == .pended ? [.withdrawOpenPendReasons] : [],
        statusHistory: row(event, .canceled))

    // Anything not in this table is refused with a clear error and changes nothing.
    default:
      throw LifecycleRefusal(refusing: event, to: self)
    }
  }

  /// The history row for a move to `newStatus`; it starts a new status unless the status stays.
  private func row(_ event: LifecycleEvent, _ newStatus: PolicyStatus, note: String? = nil) -> StatusHistoryRow {
    StatusHistoryRow(event: event.name, status: newStatus, isNewStatus: newStatus != status, note: note)
  }
}
