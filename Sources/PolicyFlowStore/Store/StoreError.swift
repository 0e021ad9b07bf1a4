public import PolicyFlowCore

/// Why the store refused or failed a request, with a sentence for the user.
public struct StoreError: Error, Sendable, CustomStringConvertible {
  public enum Kind: Sendable, Hashable {
    /// No policy, version, activity or user by that name.
    case notFound
    /// A policy code or user that already exists.
    case alreadyExists
    /// The lifecycle does not allow the event in the policy's state.
    case refused
    /// The request itself is malformed (a policy without a code, an unknown status…).
    case invalidInput
    /// The user lacks a right.
    case notPermitted
    /// The store holds something PolicyFlow did not write (it was changed by other means).
    case damaged
  }

  public var kind: Kind
  public var message: String
  public var refusal: LifecycleRefusal?

  public init(_ kind: Kind, _ message: String, refusal: LifecycleRefusal? = nil) {
    self.kind = kind
    self.message = message
    self.refusal = refusal
  }

  init(_ refusal: LifecycleRefusal) {
    self.init(.refused, refusal.message, refusal: refusal)
  }

  public var description: String { message }
}

extension PolicyStore {
  /// What `event` does to the stored (latest) version, decided from the status its chained
  /// status history ends in: a status set behind the engine's back (`UPDATE policy SET status`)
  /// is refused, not acted on, so that no right or transition can be skipped that way.
  func decide(_ stored: StoredPolicy, previousVersionStatus: PolicyStatus? = nil, _ event: LifecycleEvent) throws
    -> LifecycleOutcome
  {
    let recorded = try db.queryOne(
      "SELECT status FROM status_history WHERE policy_id = ? ORDER BY id DESC LIMIT 1", [.integer(stored.id)]
    ) { try $0.string(at: 0) }
    if let recorded, recorded != stored.policy.status.rawValue {
      throw StoreError(
        .damaged,
        "Policy \(stored.policy.code) version \(stored.policy.version) is \(stored.policy.status.rawValue), but its "
          + "status history ends in \(recorded): the status, or the history it ends, was changed behind the engine's "
          + "back, so nothing is done on it. 'policyflow audit verify' names the change.")
    }
    return try decide(
      stored.policy.lifecycle(isLatest: true, previousVersionStatus: previousVersionStatus), event)
  }

  /// The lifecycle's decision on `event`, its refusal turned into a store error.
  func decide(_ lifecycle: PolicyLifecycle, _ event: LifecycleEvent) throws -> LifecycleOutcome {
    do {
      return try lifecycle.outcome(of: event)
    } catch {
      throw StoreError(error)
    }
  }
}
