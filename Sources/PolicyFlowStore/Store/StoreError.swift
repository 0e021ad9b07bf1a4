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
  /// The lifecycle's decision on `event`, its refusal turned into a store error.
  func decide(_ lifecycle: PolicyLifecycle, _ event: LifecycleEvent) throws -> LifecycleOutcome {
    do {
      return try lifecycle.outcome(of: event)
    } catch {
      throw StoreError(error)
    }
  }
}
