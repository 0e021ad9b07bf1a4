/// Something that happens to a policy and may change its status; see ``PolicyLifecycle``.
public enum LifecycleEvent: Sendable, Hashable {
  /// A person creates the policy, or an import or script brings it in. Both are one row of the
  /// table; the ``PolicySource`` records which it was.
  case create
  /// The business data changes.
  case edit
  /// The policy is handed to the workers.
  case submit
  /// A worker finished a processing cycle with this outcome.
  case processed(ProcessingOutcome)
  /// A user resolved one or more pend reasons; `openPendReasonsRemaining` counts the reasons still
  /// open afterwards (those the user may not resolve or chose not to).
  case resolve(openPendReasonsRemaining: Int)
  /// The edit version is thrown away and the previous version is current again.
  case revert
  /// The policy is canceled (with an effective date and actor, which the store records).
  case cancel
  /// An application (version 1, never approved) is closed: a risk declined or an application
  /// withdrawn. Nothing is in force, so nothing is reversed.
  case decline
}

/// How a processing cycle ended (DESIGN.md, "One processing cycle").
public enum ProcessingOutcome: String, Sendable, Hashable, CaseIterable {
  /// A step attached a fatal message: back to Edit for the user to fix.
  case fatal
  /// A step attached pend reasons and no fatal message: Pended, waiting for a person.
  case pends
  /// Every step passed: Approved.
  case clean
}

extension LifecycleEvent: CustomStringConvertible {
  /// The event as a user would name it: `create`, `edit`, `submit`, `processed (fatal)`…
  public var description: String {
    switch self {
    case .create: "create"
    case .edit: "edit"
    case .submit: "submit"
    case .processed(let outcome): "processed (\(outcome.rawValue))"
    case .resolve(let remaining): "resolve (\(remaining) open pend reasons remaining)"
    case .revert: "revert"
    case .cancel: "cancel"
    case .decline: "decline"
    }
  }

  /// The event's name without its details, as status history records it.
  public var name: String {
    switch self {
    case .processed: "processed"
    case .resolve: "resolve"
    default: description
    }
  }

  /// Completes "it cannot be …": `edited`, `submitted`, `marked processed`…
  var pastParticiple: String {
    switch self {
    case .create: "created"
    case .edit: "edited"
    case .submit: "submitted"
    case .processed: "marked processed"
    case .resolve: "resolved"
    case .revert: "reverted"
    case .cancel: "canceled"
    case .decline: "declined"
    }
  }
}
