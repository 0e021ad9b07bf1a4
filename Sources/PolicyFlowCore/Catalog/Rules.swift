/// Which policies a rule applies to. All present filters must hold (AND).
public struct RuleFilter: Sendable {
  public var enabled: Bool
  public var source: SourceFilter
  /// Nil: any brand.
  public var brands: Set<String>?
  /// Nil: any flow.
  public var flows: Set<String>?

  public init(
    enabled: Bool = true, source: SourceFilter = .either, brands: Set<String>? = nil, flows: Set<String>? = nil
  ) {
    self.enabled = enabled
    self.source = source
    self.brands = brands
    self.flows = flows
  }
}

/// The `source` filter of a rule.
public enum SourceFilter: String, Sendable, CaseIterable {
  case integration, manual, either
}

/// Condition → attach a message, and optionally set derived fields.
///
/// A class, immutable once built: the cycle reads each rule of a step in place, where copying a
/// struct of this size retained and released every string, set and expression in it.
public final class ValidationRule: Sendable {
  public let code: String
  public let description: String
  /// The data level the rule checks (`policy`, `policyholder`, `enrollment`…), placeholder {2}.
  public let level: String
  public let filter: RuleFilter
  /// When truthy, the message is attached.
  public let condition: LogicExpression
  public let message: MessageDefinition
  /// Placeholders {3}, {4}… of the message text, in order.
  public let values: [LogicExpression]
  /// Fields set on the policy data when the condition holds: dotted path → value.
  public let derivations: [Derivation]
  /// Where the rule's code is written, for diagnostics; nil for rules built in code.
  public let definedAt: DefinitionLocation?

  public init(
    code: String, description: String, level: String, filter: RuleFilter, condition: LogicExpression,
    message: MessageDefinition, values: [LogicExpression], derivations: [Derivation],
    definedAt: DefinitionLocation? = nil
  ) {
    self.code = code
    self.description = description
    self.level = level
    self.filter = filter
    self.condition = condition
    self.message = message
    self.values = values
    self.derivations = derivations
    self.definedAt = definedAt
  }
}

/// A derived field a validation rule sets: `path` is dotted (`derived.ageAtStart`).
public struct Derivation: Sendable {
  public let path: String
  public let value: LogicExpression
  /// `path` split and interned once.
  let target: [LogicPath.Segment]
  /// Whether `path` writes a field the engine relies on: a cycle then checks the value.
  let writesEngineField: Bool

  public init(path: String, value: LogicExpression) {
    self.path = path
    self.value = value
    target = LogicPath.Segment.dotted(path)
    writesEngineField = EngineFieldCheck.engineField(of: path) != nil
  }
}

/// Filters AND condition → attach a pend reason.
///
/// A class, immutable once built, for the reason given on ``ValidationRule``.
public final class PendRule: Sendable {
  public let code: String
  public let description: String
  public let filter: RuleFilter
  /// The rule fires only when at least one of these message codes is attached to the policy in
  /// this cycle (a message filter, or a message group expanded). Nil: no message filter.
  public let requiredMessages: Set<String>?
  /// Nil: the filters alone decide.
  public let condition: LogicExpression?
  public let reason: PendReason
  /// Where the rule's code is written, for diagnostics; nil for rules built in code.
  public let definedAt: DefinitionLocation?

  public init(
    code: String, description: String, filter: RuleFilter, requiredMessages: Set<String>?,
    condition: LogicExpression?, reason: PendReason, definedAt: DefinitionLocation? = nil
  ) {
    self.code = code
    self.description = description
    self.filter = filter
    self.requiredMessages = requiredMessages
    self.condition = condition
    self.reason = reason
    self.definedAt = definedAt
  }
}

/// A message rules attach.
public struct MessageDefinition: Sendable, Hashable {
  public enum Severity: String, Sendable, Hashable, CaseIterable {
    case fatal, informative
  }

  public var code: String
  public var severity: Severity
  /// With placeholders `{0}`…`{9}`: {0} rule code, {1} rule description, {2} level, {3}… values.
  public var text: String

  public init(code: String, severity: Severity, text: String) {
    self.code = code
    self.severity = severity
    self.text = text
  }
}

/// A named set of message codes a pend rule can match on.
public struct MessageGroup: Sendable, Hashable {
  public var code: String
  public var description: String
  public var messages: Set<String>

  public init(code: String, description: String, messages: Set<String>) {
    self.code = code
    self.description = description
    self.messages = messages
  }
}

/// Why a policy waits for a person.
public struct PendReason: Sendable, Hashable {
  public var code: String
  public var description: String
  /// When true, a rule attaches the reason again even if it was resolved before on this policy.
  public var reattach: Bool

  public init(code: String, description: String, reattach: Bool) {
    self.code = code
    self.description = description
    self.reattach = reattach
  }
}
