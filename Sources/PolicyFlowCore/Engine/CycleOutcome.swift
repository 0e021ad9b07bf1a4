/// What one processing cycle decided about a policy version, with everything needed to record
/// and later explain it. Nothing here has been saved: the store carries it out.
public struct CycleOutcome: Sendable, Hashable {
  /// How the cycle ended; the lifecycle's `processed` event takes it as is.
  public var disposition: ProcessingOutcome
  /// The flow the policy ran through; nil when none could be chosen.
  public var flowCode: String?
  /// The catalog the outcome was computed with.
  public var catalogHash: String
  /// The reference time the cycle ran at.
  public var at: Timestamp
  public var messages: [AttachedMessage]
  /// Empty unless the disposition is `pended` (pend reasons of a cycle that ends in a fatal
  /// message are dropped).
  public var pendReasons: [AttachedPendReason]
  /// The steps that ran, in order; the last one is where the cycle stopped.
  public var stepsRun: [String]
  /// The policy data after derivations (validation rules that set derived fields).
  public var data: JSON
  /// The premium, when the cycle approved the policy and its flow declares a calculation; nil
  /// otherwise. The store keeps it with the approved version.
  public var calculation: CalculationResult? = nil

  /// The status the policy reaches.
  public var status: PolicyStatus {
    switch disposition {
    case .fatal: .edit
    case .pends: .pended
    case .clean: .approved
    }
  }
}

/// Where in a flow a rule fired.
public struct StepReference: Sendable, Hashable {
  public var name: String
  public var displayName: String
  public var sequence: Int

  public init(name: String, displayName: String, sequence: Int) {
    self.name = name
    self.displayName = displayName
    self.sequence = sequence
  }
}

/// A message a rule attached, with its placeholders filled and the evidence for it.
public struct AttachedMessage: Sendable, Hashable {
  public var code: String
  public var severity: MessageDefinition.Severity
  public var text: String
  /// The rule that attached it (engine problems such as a missing flow name `(flow)`).
  public var rule: String
  /// Nil for problems found outside a step (flow selection, the premium calculation).
  public var step: StepReference?
  /// The condition's source and the values it read, for `explain`.
  public var condition: JSON?
  public var trace: LogicTrace
}

/// A pend reason a rule attached, with the evidence for it.
public struct AttachedPendReason: Sendable, Hashable {
  public var code: String
  public var description: String
  public var rule: String
  public var step: StepReference
  public var condition: JSON?
  public var trace: LogicTrace
}
