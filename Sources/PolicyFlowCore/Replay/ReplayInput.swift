/// A stored policy version to replay: its document as the store holds it, the outcome its last
/// cycle recorded, and the resolutions the worker would give its next cycle.
public struct ReplayInput: Sendable {
  public var code: String
  public var version: Int
  /// The version's status now (`Approved`, `Edit`, `In Process`…).
  public var status: String
  /// The document as stored (with the fields earlier cycles derived), not yet parsed: parsing
  /// is most of a cycle's cost and runs on every core, not on the thread reading the store.
  public var dataText: String
  /// The outcome its last cycle recorded, or nil when the version was never processed.
  public var recorded: ReplayOutcome?
  /// That cycle's stored outcome (``CycleOutcome/storedText``), for the rules it fired.
  public var recordedOutcomeText: String?
  /// What ``ProcessingCycle/run(_:at:resolvedReasons:resolvedSinceEdit:)`` takes.
  public var resolvedReasons: Set<String>
  public var resolvedSinceEdit: Set<String>

  public init(
    code: String, version: Int, status: String, dataText: String, recorded: ReplayOutcome?,
    recordedOutcomeText: String?, resolvedReasons: Set<String> = [], resolvedSinceEdit: Set<String> = []
  ) {
    self.code = code
    self.version = version
    self.status = status
    self.dataText = dataText
    self.recorded = recorded
    self.recordedOutcomeText = recordedOutcomeText
    self.resolvedReasons = resolvedReasons
    self.resolvedSinceEdit = resolvedSinceEdit
  }
}

/// Where one cycle leaves a policy, as a replay compares them; a version never processed has
/// none (nil where an outcome is optional).
public enum ReplayOutcome: String, Sendable, Hashable, CaseIterable, Comparable {
  case approved = "Approved"
  case pended = "Pended"
  case edit = "Edit"

  /// Where a cycle that ended with `disposition` leaves a policy.
  public init(_ disposition: ProcessingOutcome) {
    switch disposition {
    case .fatal: self = .edit
    case .pends: self = .pended
    case .clean: self = .approved
    }
  }

  public static func < (lhs: ReplayOutcome, rhs: ReplayOutcome) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}
