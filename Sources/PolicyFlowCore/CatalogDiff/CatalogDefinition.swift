/// One definition of a catalog as written in its files, in a form two catalogs can be compared
/// by: a flow (without its steps and calculation), a step of a flow, a flow's calculation
/// (without its lines), a premium or cancellation line, a rule, a message, a message group or a
/// pend reason, with its canonical JSON and where it is written.
public struct CatalogDefinition: Sendable, Hashable {
  /// What kind of definition it is; the order is the order a diff lists them in.
  public enum Kind: String, Sendable, Hashable, CaseIterable, Comparable {
    case flow, step, calculation, premiumLine, cancellationLine, validationRule, pendRule, message, messageGroup
    case pendReason

    /// How a sentence names the kind: `pend rule`, `message group`.
    public var noun: String {
      switch self {
      case .flow: "flow"
      case .step: "step"
      case .calculation: "calculation"
      case .premiumLine: "premium line"
      case .cancellationLine: "cancellation line"
      case .validationRule: "validation rule"
      case .pendRule: "pend rule"
      case .message: "message"
      case .messageGroup: "message group"
      case .pendReason: "pend reason"
      }
    }

    public static func < (lhs: Kind, rhs: Kind) -> Bool {
      allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
  }

  public var kind: Kind
  /// The code; for a step, `FLOW step-name` (steps are known by their name within their flow);
  /// for a calculation, its flow's code; for a line, `FLOW LINE`.
  public var name: String
  /// Each member of the definition as canonical JSON (keys sorted, no spaces), `$schema` left
  /// out; a flow leaves out its `steps`, each of which is a definition of its own.
  public var members: [String: String]
  /// Where the definition starts.
  public var site: DefinitionLocation

  /// Identifies the definition across two catalogs.
  public var key: String { "\(kind.rawValue) \(name)" }
}

extension JSON {
  /// The value as canonical JSON: object members sorted by name at every level, compact, so two
  /// definitions written in a different order or layout compare equal.
  public var canonicalText: String { canonicalized.serialized() }

  private var canonicalized: JSON {
    switch self {
    case .array(let items): return .array(items.map(\.canonicalized))
    case .object(let object):
      var sorted = JSONObject(minimumCapacity: object.count)
      for name in object.names.sorted() { sorted[name] = object[name]!.canonicalized }
      return .object(sorted)
    default: return self
    }
  }
}
