/// Everything the engine runs on: flows, rules, messages, message groups and pend reasons loaded
/// from `flows/` and `rules/`, validated as a whole, with every reference resolved.
///
/// A catalog is immutable once loaded and identified by ``hash``, a SHA-256 over its files, so
/// an outcome can name the exact definitions that produced it.
public struct Catalog: Sendable {
  /// `sha256:` followed by 64 lowercase hex digits.
  public var hash: String
  /// The files the catalog was loaded from, relative to the catalog directory, sorted by path.
  public var files: [CatalogFile]
  public var flows: [String: ProcessFlow]
  public var validationRules: [String: ValidationRule]
  public var pendRules: [String: PendRule]
  public var messages: [String: MessageDefinition]
  public var messageGroups: [String: MessageGroup]
  public var pendReasons: [String: PendReason]

  public init(
    hash: String, files: [CatalogFile], flows: [String: ProcessFlow],
    validationRules: [String: ValidationRule], pendRules: [String: PendRule],
    messages: [String: MessageDefinition], messageGroups: [String: MessageGroup],
    pendReasons: [String: PendReason]
  ) {
    self.hash = hash
    self.files = files
    self.flows = flows
    self.validationRules = validationRules
    self.pendRules = pendRules
    self.messages = messages
    self.messageGroups = messageGroups
    self.pendReasons = pendReasons
  }

  /// The flow a policy runs through: its explicit `processFlow`, else the default flow of its
  /// line of business, else the catalog default. Nil when none applies.
  public func flowCode(explicit: String?, lineOfBusiness: String?) -> String? {
    if let explicit { return explicit }
    if let lineOfBusiness,
      let flow = flows.values.first(where: { $0.isDefault && $0.lineOfBusiness == lineOfBusiness })
    {
      return flow.code
    }
    return flows.values.first(where: { $0.isDefault && $0.lineOfBusiness == nil })?.code
  }
}

/// One definition file as it was read, kept so a snapshot can reproduce the catalog exactly.
public struct CatalogFile: Sendable, Hashable {
  /// Relative to the catalog directory, e.g. `flows/individual-health.json`.
  public var path: String
  public var contents: String

  public init(path: String, contents: String) {
    self.path = path
    self.contents = contents
  }
}
