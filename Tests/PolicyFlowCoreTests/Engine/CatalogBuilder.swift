import PolicyFlowCore

/// Builds small catalogs in code for cycle tests, so each test shows exactly the rules it needs.
struct CatalogBuilder {
  var flows: [ProcessFlow] = []

  static func logic(_ text: String) -> LogicExpression {
    // Test inputs are literals written in this file: a failure here is a broken test.
    try! LogicExpression.compile(try! JSON(parsing: text))
  }

  static func message(_ code: String, _ severity: MessageDefinition.Severity = .fatal, _ text: String = "{1}")
    -> MessageDefinition
  {
    MessageDefinition(code: code, severity: severity, text: text)
  }

  static func validation(
    _ code: String, when condition: String, message: MessageDefinition, values: [String] = [],
    filter: RuleFilter = RuleFilter(), derive: [(String, String)] = [], level: String = "policy"
  ) -> ValidationRule {
    ValidationRule(
      code: code, description: "\(code) description", level: level, filter: filter, condition: logic(condition),
      message: message, values: values.map(logic),
      derivations: derive.map { Derivation(path: $0.0, value: logic($0.1)) })
  }

  static func pend(
    _ code: String, when condition: String? = nil, reason: String, reattach: Bool = false,
    requiredMessages: Set<String>? = nil, filter: RuleFilter = RuleFilter()
  ) -> PendRule {
    PendRule(
      code: code, description: "\(code) description", filter: filter, requiredMessages: requiredMessages,
      condition: condition.map(logic),
      reason: PendReason(code: reason, description: "\(reason) description", reattach: reattach))
  }

  static func step(
    _ sequence: Int, _ name: String, validations: [ValidationRule] = [], pends: [PendRule] = []
  ) -> ProcessStep {
    ProcessStep(
      sequence: sequence, name: name, displayName: name.capitalized, resolvers: PendResolvers(roles: ["underwriter"]),
      validationRules: validations, pendRules: pends)
  }

  static func flow(
    _ code: String, _ steps: [ProcessStep], lineOfBusiness: String? = nil, isDefault: Bool = false, active: Bool = true
  ) -> ProcessFlow {
    ProcessFlow(
      code: code, description: code, isDefault: isDefault, isActive: active, lineOfBusiness: lineOfBusiness,
      steps: steps)
  }

  static func catalog(_ flows: ProcessFlow...) -> Catalog {
    Catalog(
      hash: "sha256:test", files: [], flows: Dictionary(uniqueKeysWithValues: flows.map { ($0.code, $0) }),
      validationRules: [:], pendRules: [:], messages: [:], messageGroups: [:], pendReasons: [:])
  }
}

extension String {
  fileprivate var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
