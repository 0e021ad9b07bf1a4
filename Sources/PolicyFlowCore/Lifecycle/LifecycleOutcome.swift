/// What an accepted event requires; the store carries it out in one transaction.
///
/// The machine decides, the store acts: it never reads a clock or a database, so the same
/// question always gets the same answer.
public struct LifecycleOutcome: Sendable, Hashable {
  /// The status the policy has afterwards (of the version named by ``versionEffect``).
  public var status: PolicyStatus
  /// Which version the event touches, and whether one is made or removed.
  public var versionEffect: VersionEffect
  /// What else the event does, in the order the store carries it out.
  public var effects: [LifecycleEffect]
  /// The event changed nothing: a submit of a policy already In Process. It is still recorded.
  public var isIgnoredAsAlreadySubmitted: Bool
  /// The status-history row to append, with the time and actor the store knows.
  public var statusHistory: StatusHistoryRow

  public init(
    status: PolicyStatus, versionEffect: VersionEffect, effects: [LifecycleEffect] = [],
    isIgnoredAsAlreadySubmitted: Bool = false, statusHistory: StatusHistoryRow
  ) {
    self.status = status
    self.versionEffect = versionEffect
    self.effects = effects
    self.isIgnoredAsAlreadySubmitted = isIgnoredAsAlreadySubmitted
    self.statusHistory = statusHistory
  }

  /// Whether the policy goes on the queue for a worker.
  public var enqueuesForWorker: Bool { effects.contains(.enqueueForWorker) }
  /// Whether the open pend reasons of the version are withdrawn.
  public var withdrawsOpenPendReasons: Bool { effects.contains(.withdrawOpenPendReasons) }
  /// Whether the calculation results in force are reversed.
  public var reversesCalculationResults: Bool { effects.contains(.reverseCalculationResults) }
}

/// One thing an accepted event does besides setting the status and recording it. The store
/// carries out every effect in one place, with a switch over this enum: an effect added here
/// cannot be forgotten there.
public enum LifecycleEffect: Sendable, Hashable {
  /// Put the policy on the queue for a worker.
  case enqueueForWorker
  /// Withdraw the open pend reasons of this version; they stay in pend history, marked withdrawn.
  case withdrawOpenPendReasons
  /// Put the results the cycle calculated in force, reversing whatever was in force for the gid
  /// (an approval).
  case approveCalculationResults
  /// Reverse the calculation results in force (cancellation). Whether a settlement is then
  /// computed up to the cancellation date depends on the policy's `calculateOnCancellation`,
  /// defaulting to its flow's.
  case reverseCalculationResults
}

/// Which version an event leaves current.
public enum VersionEffect: Sendable, Hashable {
  /// Make version 1 with a new gid (create / import).
  case firstVersion
  /// Change the status (and for an edit, the data) of the version in hand.
  case sameVersion
  /// Make version `number` (the current one + 1): same code and gid, data copied, the new version
  /// takes the status. The version in hand keeps its own status.
  case newVersion(number: Int)
  /// Delete the version in hand (an edit version) with its messages and pend reasons; version
  /// `restoring` (the current one - 1) is current again with its own status, unchanged.
  case removeEditVersion(restoring: Int)
}

/// A status-history row the store appends: status, plus the time and actor it knows.
///
/// Every accepted event appends exactly one row, to the version that is current afterwards, so
/// history shows who edited, who submitted twice and who resolved, not only status changes.
public struct StatusHistoryRow: Sendable, Hashable {
  /// The event the row records (``LifecycleEvent/name``): `create`, `edit`, `submit`,
  /// `processed`, `resolve`, `revert`, `cancel` or `decline`; ``submitAgain`` for a submit of a
  /// policy already In Process, which changed nothing (and so makes its user no maker of the
  /// data under maker-checker).
  public var event: String

  /// DESIGN.md's "In Process | submit again" row.
  public static let submitAgain = "submit again"
  /// The status the row records.
  public var status: PolicyStatus
  /// True when the row starts a new status for the policy (it differs from the status before the
  /// event, or the policy is new); false when it records an event within the same status (an edit
  /// in Edit, a submit already In Process, a resolve that leaves reasons open). Tables of status
  /// periods show only these rows.
  public var isNewStatus: Bool
  /// A short remark for the row, e.g. `already submitted`.
  public var note: String?

  public init(event: String, status: PolicyStatus, isNewStatus: Bool, note: String? = nil) {
    self.event = event
    self.status = status
    self.isNewStatus = isNewStatus
    self.note = note
  }
}
