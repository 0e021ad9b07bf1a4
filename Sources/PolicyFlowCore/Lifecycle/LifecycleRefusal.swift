/// An event the lifecycle table does not allow for the policy's state; nothing changes.
///
/// ``message`` is a plain sentence for the user naming the policy, its status, the event, why it
/// is refused and what to do instead, e.g. "Policy P-1 version 2 is In Process: a worker may hold
/// it, so it cannot be edited now. Wait until processing finishes."
public struct LifecycleRefusal: Error, Sendable, Hashable {
  /// Why an event is refused; each reason has its own sentence.
  public enum Reason: String, Sendable, Hashable, CaseIterable {
    /// Any event but create on a code that does not exist.
    case noSuchPolicy
    /// Create on a code that exists.
    case alreadyExists
    /// Any event but create on a version below the latest; those are history.
    case notLatestVersion
    /// Edit, revert or cancel while In Process.
    case workerMayHoldIt
    /// A processing outcome for a policy that is not In Process.
    case notInProcess
    /// Resolve on a policy that is not Pended.
    case noOpenPendReasons
    /// Submit of a Pended policy: resolving its last pend reason resubmits it.
    case awaitsResolution
    /// Submit of an Approved or Canceled policy.
    case alreadyProcessed
    /// Revert of a version 1: there is nothing to go back to.
    case noPreviousVersion
    /// Revert of a version that is not in Edit.
    case notAnEditVersion
    /// Cancel of a version 1 in Edit or Pended: it was never approved, nothing is in force.
    case neverApproved
    /// Cancel or decline of a Canceled policy.
    case alreadyCanceled
    /// Cancel of an edit of a Canceled version: nothing is in force to cancel.
    case nothingInForce
    /// Decline of a policy that was approved once (a version > 1, or Approved): it is canceled.
    case notAnApplication
  }

  public let code: String
  /// The version refused; 0 when the policy does not exist.
  public let version: Int
  /// The status of that version; nil when the policy does not exist.
  public let status: PolicyStatus?
  public let event: LifecycleEvent
  public let reason: Reason
  /// The status of the version before, when the machine knew it.
  let previousVersionStatus: PolicyStatus?

  init(refusing event: LifecycleEvent, to state: PolicyLifecycle) {
    self.code = state.code
    self.version = state.version
    self.status = state.status
    self.event = event
    self.reason = Self.reason(refusing: event, to: state)
    self.previousVersionStatus = state.previousVersionStatus
  }

  /// Picks the reason for an event that matched no row of the table, most fundamental first.
  private static func reason(refusing event: LifecycleEvent, to state: PolicyLifecycle) -> Reason {
    guard let status = state.status else { return .noSuchPolicy }
    if case .create = event { return .alreadyExists }
    if !state.isLatest { return .notLatestVersion }
    switch (status, event) {
    case (.inProcess, .edit), (.inProcess, .revert), (.inProcess, .cancel), (.inProcess, .decline):
      return .workerMayHoldIt
    case (_, .processed): return .notInProcess
    case (_, .resolve): return .noOpenPendReasons
    case (.pended, .submit): return .awaitsResolution
    case (_, .submit): return .alreadyProcessed
    case (.edit, .revert): return .noPreviousVersion
    case (_, .revert): return .notAnEditVersion
    case (.canceled, .cancel), (.canceled, .decline): return .alreadyCanceled
    case (_, .cancel) where state.version > 1: return .nothingInForce
    case (_, .cancel): return .neverApproved
    case (_, .decline): return .notAnApplication
    case (_, .create), (_, .edit):
      preconditionFailure("the lifecycle table refused \(event) on a latest \(status) version")
    }
  }

  /// The sentence for the user.
  public var message: String {
    let verb = event.pastParticiple
    let missing = "Policy \(code) does not exist, so it cannot be \(verb). Create or import it first."
    guard let status else { return missing }
    let subject = "Policy \(code) version \(version) is \(status)"
    switch reason {
    case .noSuchPolicy:
      return missing
    case .alreadyExists:
      return "Policy \(code) already exists (version \(version) is \(status)), so it cannot be \(verb) again. "
        + "Edit it instead."
    case .notLatestVersion:
      return "\(subject) but a later version exists, so it cannot be \(verb). Work on the latest version instead."
    case .workerMayHoldIt:
      return "\(subject): a worker may hold it, so it cannot be \(verb) now. Wait until processing finishes."
    case .notInProcess:
      return "\(subject): no worker is processing it, so it cannot be \(verb). "
        + "Only a policy In Process receives a processing outcome."
    case .noOpenPendReasons:
      return "\(subject): it has no open pend reasons, so it cannot be \(verb). "
        + "Only a Pended policy has pend reasons to resolve."
    case .awaitsResolution:
      return "\(subject): it goes back to processing when its last open pend reason is resolved, "
        + "so it cannot be \(verb). Resolve its pend reasons, or edit it and submit it again."
    case .alreadyProcessed:
      return "\(subject): processing has finished, so it cannot be \(verb) again. "
        + "Edit it to make version \(version + 1) and submit that."
    case .noPreviousVersion:
      return "\(subject): there is no earlier version to go back to, so it cannot be \(verb). "
        + "Edit it again or submit it."
    case .notAnEditVersion where version == 1 && status == .pended:
      // Editing it first, as a later version is told, withdrew the pend and still left nothing
      // to go back to.
      return "\(subject): there is no earlier version to go back to, so it cannot be \(verb). "
        + "Resolve its pend reasons, or close the application: 'policyflow policies decline \(code) --reason TEXT'."
    case .notAnEditVersion:
      return "\(subject): only a new version still in Edit can be thrown away, so it cannot be \(verb). "
        + (status == .pended
          ? "Edit it first (withdrawing its pend reasons), then revert it."
          : "Edit it to make version \(version + 1) instead.")
    case .neverApproved:
      return "\(subject): it has never been approved, so nothing is in force and it cannot be \(verb). "
        + "To close the application, decline it: 'policyflow policies decline \(code) --reason TEXT'."
    case .alreadyCanceled:
      return "\(subject): it is already canceled, so it cannot be \(verb) again. "
        + "Edit it to make version \(version + 1) if it should be in force again."
    case .nothingInForce:
      return "\(subject) and edits a Canceled version: the policy is canceled already (what stays in force is that "
        + "cancellation's settlement), so it cannot be \(verb) again. "
        + "Throw the edit away with 'policyflow policies revert \(code)'\(revertFirst)."
    case .notAnApplication:
      let instead =
        previousVersionStatus == .canceled && status != .approved
        ? "Throw the edit away with 'policyflow policies revert \(code)'\(revertFirst); the policy stays Canceled."
        : "Cancel it instead: 'policyflow policies cancel \(code) --date YYYY-MM-DD --reason TEXT'."
      return "\(subject): only an application (version 1, never approved) is declined, so it cannot be \(verb). "
        + instead
    }
  }
}

extension LifecycleRefusal {
  /// What must come before a revert the message advises: only an edit version still in Edit can
  /// be reverted, so a Pended one is edited first (which withdraws its pend reasons).
  fileprivate var revertFirst: String {
    status == .pended ? " after editing it back to Edit (a Pended version cannot be reverted)" : ""
  }
}

extension LifecycleRefusal: CustomStringConvertible {
  public var description: String { message }
}
