import PolicyFlowCore

/// A policy state the tests put events to; every state the lifecycle can meet appears once.
struct LifecycleState: Sendable, Hashable, CustomStringConvertible {
  let status: PolicyStatus?
  let version: Int
  let isLatest: Bool
  let previous: PolicyStatus?

  var lifecycle: PolicyLifecycle {
    guard let status else { return .newPolicy(code: "P-1") }
    return PolicyLifecycle(
      code: "P-1", version: version, status: status, isLatest: isLatest, previousVersionStatus: previous)
  }

  var description: String {
    guard let status else { return "(none)" }
    return "\(status) v\(version)\(isLatest ? "" : " (not latest)")\(previous.map { " after \($0)" } ?? "")"
  }

  static let none = LifecycleState(status: nil, version: 0, isLatest: true, previous: nil)
  static let editV1 = LifecycleState(status: .edit, version: 1, isLatest: true, previous: nil)
  static let editV3OfApproved = LifecycleState(status: .edit, version: 3, isLatest: true, previous: .approved)
  static let editV3OfCanceled = LifecycleState(status: .edit, version: 3, isLatest: true, previous: .canceled)
  static let inProcessV1 = LifecycleState(status: .inProcess, version: 1, isLatest: true, previous: nil)
  static let inProcessV3 = LifecycleState(status: .inProcess, version: 3, isLatest: true, previous: .approved)
  static let pendedV1 = LifecycleState(status: .pended, version: 1, isLatest: true, previous: nil)
  static let pendedV3 = LifecycleState(status: .pended, version: 3, isLatest: true, previous: .approved)
  static let pendedV3OfCanceled = LifecycleState(status: .pended, version: 3, isLatest: true, previous: .canceled)
  static let approvedV1 = LifecycleState(status: .approved, version: 1, isLatest: true, previous: nil)
  static let approvedV3 = LifecycleState(status: .approved, version: 3, isLatest: true, previous: .canceled)
  static let approvedV2Old = LifecycleState(status: .approved, version: 2, isLatest: false, previous: .approved)
  static let canceledV1 = LifecycleState(status: .canceled, version: 1, isLatest: true, previous: nil)
  static let canceledV3 = LifecycleState(status: .canceled, version: 3, isLatest: true, previous: .approved)
  static let canceledV2Old = LifecycleState(status: .canceled, version: 2, isLatest: false, previous: .approved)

  static let all: [LifecycleState] = [
    none, editV1, editV3OfApproved, editV3OfCanceled, inProcessV1, inProcessV3, pendedV1, pendedV3, pendedV3OfCanceled,
    approvedV1, approvedV3, approvedV2Old, canceledV1, canceledV3, canceledV2Old,
  ]
}

/// Every event, with each processing outcome and a resolve that clears or leaves reasons.
let allEvents: [LifecycleEvent] = [
  .create, .edit, .submit, .processed(.fatal), .processed(.pends), .processed(.clean),
  .resolve(openPendReasonsRemaining: 0), .resolve(openPendReasonsRemaining: 2), .revert, .cancel, .decline,
]

/// One allowed row: a state, an event and the full effect expected.
struct AllowedTransition: Sendable, CustomStringConvertible {
  let state: LifecycleState
  let event: LifecycleEvent
  let expected: LifecycleOutcome

  var description: String { "\(state) | \(event) → \(expected.status)" }
}

private func allow(
  _ state: LifecycleState, _ event: LifecycleEvent, _ status: PolicyStatus, _ effect: VersionEffect,
  enqueue: Bool = false, withdraw: Bool = false, reverse: Bool = false, approve: Bool = false, ignored: Bool = false,
  row: (PolicyStatus, new: Bool), note: String? = nil
) -> AllowedTransition {
  // "In Process | submit again" is recorded as an event of its own: it changed nothing.
  let name = ignored ? "submit again" : eventName(event)
  return AllowedTransition(
    state: state, event: event,
    expected: LifecycleOutcome(
      status: status, versionEffect: effect,
      effects: (withdraw ? [.withdrawOpenPendReasons] : []) + (enqueue ? [.enqueueForWorker] : [])
        + (approve ? [.approveCalculationResults] : []) + (reverse ? [.reverseCalculationResults] : []),
      isIgnoredAsAlreadySubmitted: ignored,
      statusHistory: StatusHistoryRow(event: name, status: row.0, isNewStatus: row.new, note: note)))
}

/// The name status history records for an event, spelled out independently of the code under test.
private func eventName(_ event: LifecycleEvent) -> String {
  switch event {
  case .create: "create"
  case .edit: "edit"
  case .submit: "submit"
  case .processed: "processed"
  case .resolve: "resolve"
  case .revert: "revert"
  case .cancel: "cancel"
  case .decline: "decline"
  }
}

/// DESIGN.md's table written out by hand, row by row, for every state it applies to.
let allowedTransitions: [AllowedTransition] = [
  // (none) | create / import | Edit | version 1, new gid
  allow(.none, .create, .edit, .firstVersion, row: (.edit, new: true)),
  // Edit | edit | Edit | same version, data changed
  allow(.editV1, .edit, .edit, .sameVersion, row: (.edit, new: false)),
  allow(.editV3OfApproved, .edit, .edit, .sameVersion, row: (.edit, new: false)),
  allow(.editV3OfCanceled, .edit, .edit, .sameVersion, row: (.edit, new: false)),
  // Edit | submit | In Process | queued for a worker
  allow(.editV1, .submit, .inProcess, .sameVersion, enqueue: true, row: (.inProcess, new: true)),
  allow(.editV3OfApproved, .submit, .inProcess, .sameVersion, enqueue: true, row: (.inProcess, new: true)),
  allow(.editV3OfCanceled, .submit, .inProcess, .sameVersion, enqueue: true, row: (.inProcess, new: true)),
  // In Process | processed, a fatal message / pend reasons / clean | Edit / Pended / Approved
  allow(.inProcessV1, .processed(.fatal), .edit, .sameVersion, row: (.edit, new: true)),
  allow(.inProcessV3, .processed(.fatal), .edit, .sameVersion, row: (.edit, new: true)),
  allow(.inProcessV1, .processed(.pends), .pended, .sameVersion, row: (.pended, new: true)),
  allow(.inProcessV3, .processed(.pends), .pended, .sameVersion, row: (.pended, new: true)),
  allow(.inProcessV1, .processed(.clean), .approved, .sameVersion, approve: true, row: (.approved, new: true)),
  allow(.inProcessV3, .processed(.clean), .approved, .sameVersion, approve: true, row: (.approved, new: true)),
  // In Process | submit again | In Process | ignored and recorded ("already submitted")
  allow(
    .inProcessV1, .submit, .inProcess, .sameVersion, ignored: true, row: (.inProcess, new: false),
    note: "already submitted"),
  allow(
    .inProcessV3, .submit, .inProcess, .sameVersion, ignored: true, row: (.inProcess, new: false),
    note: "already submitted"),
  // Pended | resolve + submit | In Process, or stays Pended while any reason remains
  allow(
    .pendedV1, .resolve(openPendReasonsRemaining: 0), .inProcess, .sameVersion, enqueue: true,
    row: (.inProcess, new: true)),
  allow(
    .pendedV3, .resolve(openPendReasonsRemaining: 0), .inProcess, .sameVersion, enqueue: true,
    row: (.inProcess, new: true)),
  allow(.pendedV1, .resolve(openPendReasonsRemaining: 2), .pended, .sameVersion, row: (.pended, new: false)),
  allow(.pendedV3, .resolve(openPendReasonsRemaining: 2), .pended, .sameVersion, row: (.pended, new: false)),
  allow(
    .pendedV3OfCanceled, .resolve(openPendReasonsRemaining: 0), .inProcess, .sameVersion, enqueue: true,
    row: (.inProcess, new: true)),
  allow(
    .pendedV3OfCanceled, .resolve(openPendReasonsRemaining: 2), .pended, .sameVersion, row: (.pended, new: false)),
  // Pended | edit | Edit | same version; open pend reasons are withdrawn
  allow(.pendedV1, .edit, .edit, .sameVersion, withdraw: true, row: (.edit, new: true)),
  allow(.pendedV3, .edit, .edit, .sameVersion, withdraw: true, row: (.edit, new: true)),
  allow(.pendedV3OfCanceled, .edit, .edit, .sameVersion, withdraw: true, row: (.edit, new: true)),
  // Approved, Canceled | edit | Edit | new version: version + 1 (latest only)
  allow(.approvedV1, .edit, .edit, .newVersion(number: 2), row: (.edit, new: true)),
  allow(.approvedV3, .edit, .edit, .newVersion(number: 4), row: (.edit, new: true)),
  allow(.canceledV1, .edit, .edit, .newVersion(number: 2), row: (.edit, new: true)),
  allow(.canceledV3, .edit, .edit, .newVersion(number: 4), row: (.edit, new: true)),
  // Edit (version > 1) | revert | the previous version is current again, with its own status
  allow(.editV3OfApproved, .revert, .approved, .removeEditVersion(restoring: 2), row: (.approved, new: true)),
  allow(.editV3OfCanceled, .revert, .canceled, .removeEditVersion(restoring: 2), row: (.canceled, new: true)),
  // Edit, Pended (version > 1), Approved (latest) | cancel | Canceled | reverses the results in
  // force; refused for an edit of a Canceled version
  allow(.editV3OfApproved, .cancel, .canceled, .sameVersion, reverse: true, row: (.canceled, new: true)),
  allow(.pendedV3, .cancel, .canceled, .sameVersion, withdraw: true, reverse: true, row: (.canceled, new: true)),
  allow(.approvedV1, .cancel, .canceled, .sameVersion, reverse: true, row: (.canceled, new: true)),
  allow(.approvedV3, .cancel, .canceled, .sameVersion, reverse: true, row: (.canceled, new: true)),
  // Edit, Pended (version 1) | decline | Canceled | open pend reasons withdrawn; nothing to reverse
  allow(.editV1, .decline, .canceled, .sameVersion, row: (.canceled, new: true)),
  allow(.pendedV1, .decline, .canceled, .sameVersion, withdraw: true, row: (.canceled, new: true)),
]

private let processedAll: [LifecycleEvent] = [.processed(.fatal), .processed(.pends), .processed(.clean)]
private let resolveAll: [LifecycleEvent] = [
  .resolve(openPendReasonsRemaining: 0), .resolve(openPendReasonsRemaining: 2),
]
private let allButCreate = Array(allEvents.dropFirst())

/// The refusals expected for everything not in the table, by state, grouped by reason.
let refusedTransitions: [(LifecycleState, LifecycleRefusal.Reason, [LifecycleEvent])] = [
  (.none, .noSuchPolicy, allButCreate),

  (.editV1, .alreadyExists, [.create]),
  (.editV1, .notInProcess, processedAll),
  (.editV1, .noOpenPendReasons, resolveAll),
  (.editV1, .noPreviousVersion, [.revert]),
  (.editV1, .neverApproved, [.cancel]),
  (.editV3OfApproved, .notAnApplication, [.decline]),
  (.editV3OfApproved, .alreadyExists, [.create]),
  (.editV3OfApproved, .notInProcess, processedAll),
  (.editV3OfApproved, .noOpenPendReasons, resolveAll),
  (.editV3OfCanceled, .alreadyExists, [.create]),
  (.editV3OfCanceled, .notInProcess, processedAll),
  (.editV3OfCanceled, .noOpenPendReasons, resolveAll),
  (.editV3OfCanceled, .nothingInForce, [.cancel]),
  (.editV3OfCanceled, .notAnApplication, [.decline]),

  (.inProcessV1, .alreadyExists, [.create]),
  (.inProcessV1, .workerMayHoldIt, [.edit, .revert, .cancel, .decline]),
  (.inProcessV1, .noOpenPendReasons, resolveAll),
  (.inProcessV3, .alreadyExists, [.create]),
  (.inProcessV3, .workerMayHoldIt, [.edit, .revert, .cancel, .decline]),
  (.inProcessV3, .noOpenPendReasons, resolveAll),

  (.pendedV1, .alreadyExists, [.create]),
  (.pendedV1, .awaitsResolution, [.submit]),
  (.pendedV1, .notInProcess, processedAll),
  (.pendedV1, .notAnEditVersion, [.revert]),
  (.pendedV1, .neverApproved, [.cancel]),
  (.pendedV3, .alreadyExists, [.create]),
  (.pendedV3, .awaitsResolution, [.submit]),
  (.pendedV3, .notInProcess, processedAll),
  (.pendedV3, .notAnEditVersion, [.revert]),
  (.pendedV3, .notAnApplication, [.decline]),
  (.pendedV3OfCanceled, .alreadyExists, [.create]),
  (.pendedV3OfCanceled, .awaitsResolution, [.submit]),
  (.pendedV3OfCanceled, .notInProcess, processedAll),
  (.pendedV3OfCanceled, .notAnEditVersion, [.revert]),
  (.pendedV3OfCanceled, .nothingInForce, [.cancel]),
  (.pendedV3OfCanceled, .notAnApplication, [.decline]),

  (.approvedV1, .alreadyExists, [.create]),
  (.approvedV1, .alreadyProcessed, [.submit]),
  (.approvedV1, .notInProcess, processedAll),
  (.approvedV1, .noOpenPendReasons, resolveAll),
  (.approvedV1, .notAnEditVersion, [.revert]),
  (.approvedV1, .notAnApplication, [.decline]),
  (.approvedV3, .alreadyExists, [.create]),
  (.approvedV3, .alreadyProcessed, [.submit]),
  (.approvedV3, .notInProcess, processedAll),
  (.approvedV3, .noOpenPendReasons, resolveAll),
  (.approvedV3, .notAnEditVersion, [.revert]),
  (.approvedV3, .notAnApplication, [.decline]),
  (.approvedV2Old, .alreadyExists, [.create]),
  (.approvedV2Old, .notLatestVersion, allButCreate),

  (.canceledV1, .alreadyExists, [.create]),
  (.canceledV1, .alreadyProcessed, [.submit]),
  (.canceledV1, .notInProcess, processedAll),
  (.canceledV1, .noOpenPendReasons, resolveAll),
  (.canceledV1, .notAnEditVersion, [.revert]),
  (.canceledV1, .alreadyCanceled, [.cancel, .decline]),
  (.canceledV3, .alreadyExists, [.create]),
  (.canceledV3, .alreadyProcessed, [.submit]),
  (.canceledV3, .notInProcess, processedAll),
  (.canceledV3, .noOpenPendReasons, resolveAll),
  (.canceledV3, .notAnEditVersion, [.revert]),
  (.canceledV3, .alreadyCanceled, [.cancel, .decline]),
  (.canceledV2Old, .alreadyExists, [.create]),
  (.canceledV2Old, .notLatestVersion, allButCreate),
]
