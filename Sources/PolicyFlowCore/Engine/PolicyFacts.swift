/// The engine-managed fields of a policy document that decide which flow and rules apply.
struct PolicyFacts {
  static let sourceKey = JSONKey("source")
  static let brandKey = JSONKey("brand")
  static let lineOfBusinessKey = JSONKey("lineOfBusiness")
  static let processFlowKey = JSONKey("processFlow")

  /// `integration` or `manual`; a document without one counts as `integration` (how policies
  /// arrive when no person typed them).
  var source: String
  var brand: String?
  var lineOfBusiness: String?
  var processFlow: String?

  init(_ data: JSON) {
    let object = data.objectValue
    source = object?[PolicyFacts.sourceKey]?.stringValue ?? "integration"
    brand = object?[PolicyFacts.brandKey]?.stringValue
    lineOfBusiness = object?[PolicyFacts.lineOfBusinessKey]?.stringValue
    processFlow = object?[PolicyFacts.processFlowKey]?.stringValue
  }

  /// Whether a rule with `filter` applies to this policy in flow `flowCode`.
  func admits(_ filter: RuleFilter, flowCode: String) -> Bool {
    RuleFilter.admits(filter, flowCode: flowCode) && admitsSourceAndBrand(filter)
  }

  /// The part of ``admits(_:flowCode:)`` that depends on the policy: its source and brand.
  func admitsSourceAndBrand(_ filter: RuleFilter) -> Bool {
    if filter.source != .either, filter.source.rawValue != source { return false }
    if let brands = filter.brands {
      guard let brand, brands.contains(brand) else { return false }
    }
    return true
  }
}

extension RuleFilter {
  /// The part of ``PolicyFacts/admits(_:flowCode:)`` that depends on the flow alone: whether the
  /// rule is enabled and runs in flow `flowCode`.
  static func admits(_ filter: RuleFilter, flowCode: String) -> Bool {
    guard filter.enabled else { return false }
    if let flows = filter.flows, !flows.contains(flowCode) { return false }
    return true
  }
}
