/// The catalog's flows as a processing cycle walks them, built once per ``ProcessingCycle``.
///
/// A cycle copied the catalog into its state, looked its flow up as a `ProcessFlow` value and
/// copied every step it ran, retaining and releasing each string, array and expression inside:
/// about 7% of the `cycle` benchmark (policyflow-bench). Immutable classes are shared instead, one
/// reference count per step, and the default flows are chosen once.
final class CyclePlan: Sendable {
  let catalogHash: String
  let flows: [String: FlowPlan]
  /// The code of every flow, sorted, for the message that names an unknown one.
  let knownFlowCodes: [String]
  /// The default flow of each line of business that has flows, as ``Catalog/flowCode(explicit:lineOfBusiness:)``
  /// chooses it.
  private let defaultFlowByLineOfBusiness: [String: String]
  /// The flow a policy gets when its line of business has no default of its own.
  private let catalogDefaultFlow: String?

  init(_ catalog: Catalog) {
    catalogHash = catalog.hash
    flows = catalog.flows.mapValues(FlowPlan.init)
    knownFlowCodes = catalog.flows.keys.sorted()
    var defaults: [String: String] = [:]
    for lineOfBusiness in Set(catalog.flows.values.compactMap(\.lineOfBusiness)) {
      defaults[lineOfBusiness] = catalog.flowCode(explicit: nil, lineOfBusiness: lineOfBusiness)
    }
    defaultFlowByLineOfBusiness = defaults
    catalogDefaultFlow = catalog.flowCode(explicit: nil, lineOfBusiness: nil)
  }

  /// The code of the flow to run, as ``Catalog/flowCode(explicit:lineOfBusiness:)`` gives it.
  func flowCode(explicit: String?, lineOfBusiness: String?) -> String? {
    if let explicit { return explicit }
    if let lineOfBusiness, let code = defaultFlowByLineOfBusiness[lineOfBusiness] { return code }
    return catalogDefaultFlow
  }
}

/// One flow of a ``CyclePlan``.
final class FlowPlan: Sendable {
  let flow: ProcessFlow
  let code: String
  let isActive: Bool
  let steps: [StepPlan]

  init(_ flow: ProcessFlow) {
    self.flow = flow
    code = flow.code
    isActive = flow.isActive
    steps = flow.steps.map { StepPlan($0, flowCode: flow.code) }
  }
}

/// One step of a ``FlowPlan``: its rules, and what the cycle records about it.
final class StepPlan: Sendable {
  let name: String
  let reference: StepReference
  /// The step's rules that are enabled and run in this flow, in order: what is left to decide
  /// per policy is its source and brand (``PolicyFacts/admitsSourceAndBrand(_:)``).
  let validationRules: [ValidationRule]
  let pendRules: [PendRule]
  /// A resolution of this step's pend reasons holds for the data it was given on only (its
  /// resolvers' authority is limited).
  let holdsForDataOnly: Bool

  init(_ step: ProcessStep, flowCode: String) {
    name = step.name
    reference = StepReference(name: step.name, displayName: step.displayName, sequence: step.sequence)
    validationRules = step.validationRules.filter { RuleFilter.admits($0.filter, flowCode: flowCode) }
    pendRules = step.pendRules.filter { RuleFilter.admits($0.filter, flowCode: flowCode) }
    holdsForDataOnly = step.resolvers.hasAuthority
  }
}
