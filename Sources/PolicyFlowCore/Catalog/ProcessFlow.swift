/// An ordered list of process steps a policy goes through.
public struct ProcessFlow: Sendable {
  public var code: String
  public var description: String
  /// Default for its line of business, or the catalog default when it has none.
  public var isDefault: Bool
  public var isActive: Bool
  public var lineOfBusiness: String?
  /// Sorted by sequence; never empty in a loaded catalog.
  public var steps: [ProcessStep]
  /// The premium calculation stored when a policy is approved; nil when the flow declares none.
  public var calculation: CalculationDefinition? = nil
  /// Where the flow's code is written, for diagnostics; nil for flows built in code.
  public var definedAt: DefinitionLocation? = nil

  public init(
    code: String, description: String, isDefault: Bool, isActive: Bool, lineOfBusiness: String?,
    steps: [ProcessStep]
  ) {
    self.code = code
    self.description = description
    self.isDefault = isDefault
    self.isActive = isActive
    self.lineOfBusiness = lineOfBusiness
    self.steps = steps
  }
}

/// One step of a flow: its rules, and who may resolve pends attached in it.
public struct ProcessStep: Sendable {
  public var sequence: Int
  public var name: String
  public var displayName: String
  public var resolvers: PendResolvers
  /// Validation rules in rule-step sequence order.
  public var validationRules: [ValidationRule]
  /// Pend rules in rule-step sequence order; they run after every validation rule of the step.
  public var pendRules: [PendRule]
  /// Where the step starts, for diagnostics; nil for steps built in code.
  public var definedAt: DefinitionLocation? = nil

  public init(
    sequence: Int, name: String, displayName: String, resolvers: PendResolvers,
    validationRules: [ValidationRule], pendRules: [PendRule]
  ) {
    self.sequence = sequence
    self.name = name
    self.displayName = displayName
    self.resolvers = resolvers
    self.validationRules = validationRules
    self.pendRules = pendRules
  }
}

/// Who may resolve a pend reason attached in a step.
public struct PendResolvers: Sendable {
  /// Any one of these roles suffices.
  public var roles: [String]
  /// Optional limit of authority over the policy data (e.g. a junior underwriter up to a sum
  /// assured) for the roles ``authorityByRole`` does not name; the resolver may act only when it
  /// is truthy.
  public var authority: LogicExpression?
  /// A limit of authority per role, where roles differ (an underwriter up to a sum, a senior
  /// underwriter beyond); a role named here is not bound by ``authority``.
  public var authorityByRole: [String: LogicExpression]
  /// When true, the resolver may be none of the users who created, imported, edited or
  /// submitted the data of the version being decided.
  public var makerChecker: Bool

  public init(
    roles: [String], authority: LogicExpression? = nil, authorityByRole: [String: LogicExpression] = [:],
    makerChecker: Bool = false
  ) {
    self.roles = roles
    self.authority = authority
    self.authorityByRole = authorityByRole
    self.makerChecker = makerChecker
  }

  /// Whether a resolution in this step depends on the data it was given on: true when any
  /// role's authority is limited. Such a resolution holds only while the data stays the same.
  public var hasAuthority: Bool { authority != nil || !authorityByRole.isEmpty }

  /// The limit that binds `role`, nil when the role's authority is unlimited.
  public func authority(of role: String) -> LogicExpression? {
    authorityByRole[role] ?? authority
  }
}
