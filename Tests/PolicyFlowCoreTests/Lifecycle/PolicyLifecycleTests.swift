import PolicyFlowCore
import Testing

/// A state and an event of the full cross product.
struct StateAndEvent: Sendable, CustomStringConvertible {
  let state: LifecycleState
  let event: LifecycleEvent
  var description: String { "\(state) | \(event)" }
}

private let crossProduct: [StateAndEvent] = LifecycleState.all.flatMap { state in
  allEvents.map { StateAndEvent(state: state, event: $0) }
}

private func result(_ state: LifecycleState, _ event: LifecycleEvent) -> Result<LifecycleOutcome, LifecycleRefusal> {
  Result { () throws(LifecycleRefusal) in try state.lifecycle.outcome(of: event) }
}

struct PolicyLifecycleTests {
  @Test(arguments: allowedTransitions)
  func allowedTransitionHasItsFullEffect(_ row: AllowedTransition) throws {
    let outcome = try row.state.lifecycle.outcome(of: row.event)
    #expect(outcome == row.expected)
  }

  /// Every status × event is either a row of the hand-written table, with exactly that effect, or
  /// refused with the expected reason and a sentence naming the policy, its status and the event.
  @Test(arguments: crossProduct)
  func everyStateAndEventIsAllowedOrRefused(_ pair: StateAndEvent) throws {
    let allowed = allowedTransitions.filter { $0.state == pair.state && $0.event == pair.event }
    let refused = refusedTransitions.filter { $0.0 == pair.state && $0.2.contains(pair.event) }
    try #require(allowed.count + refused.count == 1, "the test tables must list \(pair) exactly once")

    switch result(pair.state, pair.event) {
    case .success(let outcome):
      #expect(allowed.first?.expected == outcome, "\(pair) is not in the table but was allowed")
    case .failure(let refusal):
      let expectedReason = try #require(refused.first?.1, "\(pair) is in the table but was refused: \(refusal)")
      #expect(refusal.reason == expectedReason)
      #expect(refusal.code == "P-1")
      #expect(refusal.event == pair.event)
      #expect(refusal.status == pair.state.status)
      #expect(refusal.version == pair.state.version)
      #expect(refusal.message.hasPrefix("Policy P-1 "))
      if let status = pair.state.status {
        #expect(refusal.message.contains("version \(pair.state.version) is \(status.rawValue)"))
      }
      #expect(refusal.message.contains("cannot be \(participle(pair.event))"))
      #expect(refusal.message.hasSuffix("."))
      #expect(refusal.description == refusal.message)
    }
  }

  @Test func testTablesCoverTheCrossProductWithoutOverlap() {
    let refusedCount = refusedTransitions.reduce(0) { $0 + $1.2.count }
    #expect(allowedTransitions.count == 36)
    #expect(allowedTransitions.count + refusedCount == crossProduct.count)
    #expect(crossProduct.count == LifecycleState.all.count * allEvents.count)
  }

  @Test(arguments: [
    (
      LifecycleState(status: .inProcess, version: 2, isLatest: true, previous: .approved), LifecycleEvent.edit,
      "Policy P-1 version 2 is In Process: a worker may hold it, so it cannot be edited now. "
        + "Wait until processing finishes."
    ),
    (
      .none, .submit, "Policy P-1 does not exist, so it cannot be submitted. Create or import it first."
    ),
    (
      .approvedV1, .create,
      "Policy P-1 already exists (version 1 is Approved), so it cannot be created again. Edit it instead."
    ),
    (
      .editV1, .cancel,
      "Policy P-1 version 1 is Edit: it has never been approved, so nothing is in force and it cannot be "
        + "canceled. To close the application, decline it: 'policyflow policies decline P-1 --reason TEXT'."
    ),
    (
      .editV3OfCanceled, .cancel,
      "Policy P-1 version 3 is Edit and edits a Canceled version: the policy is canceled already (what stays in "
        + "force is that cancellation's settlement), so it cannot be canceled again. Throw the edit away with 'policyflow policies revert P-1'."
    ),
    (
      .editV3OfCanceled, .decline,
      "Policy P-1 version 3 is Edit: only an application (version 1, never approved) is declined, so it cannot be "
        + "declined. Throw the edit away with 'policyflow policies revert P-1'; the policy stays Canceled."
    ),
    // A Pended edit of a Canceled version is reverted only once edited back to Edit: the advice says so.
    (
      .pendedV3OfCanceled, .cancel,
      "Policy P-1 version 3 is Pended and edits a Canceled version: the policy is canceled already (what stays in "
        + "force is that cancellation's settlement), so it cannot be canceled again. Throw the edit away with 'policyflow policies revert P-1' after editing it back to Edit (a "
        + "Pended version cannot be reverted)."
    ),
    (
      .pendedV3OfCanceled, .decline,
      "Policy P-1 version 3 is Pended: only an application (version 1, never approved) is declined, so it cannot "
        + "be declined. Throw the edit away with 'policyflow policies revert P-1' after editing it back to Edit (a "
        + "Pended version cannot be reverted); the policy stays Canceled."
    ),
    (
      .approvedV3, .decline,
      "Policy P-1 version 3 is Approved: only an application (version 1, never approved) is declined, so it "
        + "cannot be declined. "
        + "Cancel it instead: 'policyflow policies cancel P-1 --date YYYY-MM-DD --reason TEXT'."
    ),
    (
      .pendedV3, .submit,
      "Policy P-1 version 3 is Pended: it goes back to processing when its last open pend reason is resolved, "
        + "so it cannot be submitted. Resolve its pend reasons, or edit it and submit it again."
    ),
    (
      .pendedV3, .revert,
      "Policy P-1 version 3 is Pended: only a new version still in Edit can be thrown away, so it cannot be "
        + "reverted. Edit it first (withdrawing its pend reasons), then revert it."
    ),
    (
      // Not "edit it first, then revert it": that withdrew the pend and left no earlier version.
      .pendedV1, .revert,
      "Policy P-1 version 1 is Pended: there is no earlier version to go back to, so it cannot be reverted. "
        + "Resolve its pend reasons, or close the application: 'policyflow policies decline P-1 --reason TEXT'."
    ),
    (
      .approvedV2Old, .edit,
      "Policy P-1 version 2 is Approved but a later version exists, so it cannot be edited. "
        + "Work on the latest version instead."
    ),
    (
      .canceledV3, .submit,
      "Policy P-1 version 3 is Canceled: processing has finished, so it cannot be submitted again. "
        + "Edit it to make version 4 and submit that."
    ),
  ])
  func refusalSaysWhyAndWhatToDoInstead(_ state: LifecycleState, _ event: LifecycleEvent, _ message: String) {
    #expect(throws: LifecycleRefusal.self) { try state.lifecycle.outcome(of: event) }
    guard case .failure(let refusal) = result(state, event) else { return }
    #expect(refusal.message == message)
  }

  /// A policy's life as the store would drive it, feeding each outcome back in.
  @Test func policyGoesThroughPendsANewVersionARevertAndACancellation() throws {
    var state = PolicyLifecycle.newPolicy(code: "P-7")
    func apply(_ event: LifecycleEvent, previous: PolicyStatus? = nil) throws -> LifecycleOutcome {
      let outcome = try state.outcome(of: event)
      var version = state.version
      switch outcome.versionEffect {
      case .firstVersion: version = 1
      case .sameVersion: break
      case .newVersion(let number): version = number
      case .removeEditVersion(let restoring): version = restoring
      }
      state = PolicyLifecycle(
        code: "P-7", version: version, status: outcome.status, isLatest: true,
        previousVersionStatus: version > 1 ? (previous ?? state.previousVersionStatus) : nil)
      return outcome
    }

    #expect(try apply(.create).versionEffect == .firstVersion)
    #expect(try apply(.submit).enqueuesForWorker)
    #expect(try apply(.submit).isIgnoredAsAlreadySubmitted)
    #expect(try apply(.processed(.pends)).status == .pended)
    #expect(try apply(.resolve(openPendReasonsRemaining: 1)).status == .pended)
    #expect(try apply(.resolve(openPendReasonsRemaining: 0)).enqueuesForWorker)
    #expect(try apply(.processed(.clean)).status == .approved)
    #expect(try apply(.edit, previous: .approved).versionEffect == .newVersion(number: 2))
    #expect(try apply(.revert).versionEffect == .removeEditVersion(restoring: 1))
    #expect(state.status == .approved && state.version == 1)
    #expect(try apply(.cancel).reversesCalculationResults)
    #expect(try apply(.edit, previous: .canceled).versionEffect == .newVersion(number: 2))
    #expect(try apply(.revert).status == .canceled)
    #expect(throws: LifecycleRefusal.self) { try state.outcome(of: .cancel) }
  }
}

/// The participle a refusal sentence uses, spelled out independently of the code under test.
private func participle(_ event: LifecycleEvent) -> String {
  switch event {
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
