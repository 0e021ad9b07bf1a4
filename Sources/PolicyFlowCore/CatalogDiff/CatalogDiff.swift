/// What changed between two catalogs: flows, steps, calculations and their premium and
/// cancellation lines, rules, messages, message groups and pend reasons added, removed or
/// changed, each with where it is written.
///
/// Definitions are compared member by member as canonical JSON, so reordering keys or
/// reformatting a file is no change, while any change of meaning is, down to the member that
/// changed (`condition`, `rules`, `text`). Whitespace, `$schema` and the order of definitions in
/// their files are not part of a definition.
public struct CatalogDiff: Sendable {
  /// One definition added, removed or changed.
  public struct Change: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
      case added, removed, changed
    }

    public var change: Kind
    public var kind: CatalogDefinition.Kind
    /// The code; for a step, `FLOW step-name`.
    public var name: String
    /// Where it is written: in the new catalog, or the old one for a removed definition.
    public var site: DefinitionLocation
    /// For a changed definition, the members that differ (added, removed or changed), sorted.
    public var members: [String]
    /// For a changed step whose rules changed, the rules it runs now and did not, and the reverse.
    public var rulesAdded: [String] = []
    public var rulesRemoved: [String] = []
    /// For a changed step, the rules it runs before and now at another sequence (the order a
    /// step's rules run in decides which fires first, and whether a later one runs at all).
    public var rulesResequenced: [Resequenced] = []

    /// A rule a step runs at another sequence than before.
    public struct Resequenced: Sendable, Hashable {
      public var rule: String
      public var from: Int
      public var to: Int
    }
  }

  /// Sorted by kind (flows first), then name.
  public var changes: [Change]

  /// Compares `old` (loaded from `oldDirectory`) with `new` (from `newDirectory`).
  public init(from old: Catalog, in oldDirectory: String, to new: Catalog, in newDirectory: String) {
    let before = CatalogDefinitions.of(old, directory: oldDirectory)
    let after = CatalogDefinitions.of(new, directory: newDirectory)
    var changes: [Change] = []
    for (key, definition) in after {
      guard let previous = before[key] else {
        changes.append(
          Change(change: .added, kind: definition.kind, name: definition.name, site: definition.site, members: []))
        continue
      }
      let names = Set(previous.members.keys).union(definition.members.keys)
      let differing = names.filter { previous.members[$0] != definition.members[$0] }.sorted()
      guard !differing.isEmpty else { continue }
      var change = Change(
        change: .changed, kind: definition.kind, name: definition.name, site: definition.site, members: differing)
      if definition.kind == .step, differing.contains("rules") {
        let was = Self.ruleSteps(previous.members["rules"])
        let now = Self.ruleSteps(definition.members["rules"])
        let sequenceWas = Dictionary(was.map { ($0.rule, $0.sequence) }, uniquingKeysWith: { first, _ in first })
        let codesNow = Set(now.map(\.rule))
        change.rulesAdded = now.map(\.rule).filter { sequenceWas[$0] == nil }
        change.rulesRemoved = was.map(\.rule).filter { !codesNow.contains($0) }
        change.rulesResequenced = now.compactMap { step in
          guard let from = sequenceWas[step.rule], from != step.sequence else { return nil }
          return Change.Resequenced(rule: step.rule, from: from, to: step.sequence)
        }
      }
      changes.append(change)
    }
    for (key, definition) in before where after[key] == nil {
      changes.append(
        Change(change: .removed, kind: definition.kind, name: definition.name, site: definition.site, members: []))
    }
    self.changes = changes.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }
  }

  /// The rule codes of a step's canonical `rules` member with their sequences, in rule-step order.
  private static func ruleSteps(_ canonical: String?) -> [(rule: String, sequence: Int)] {
    guard let canonical, let steps = try? JSON(parsing: canonical).arrayValue else { return [] }
    return steps.compactMap { step in
      guard let rule = step.objectValue?["rule"]?.stringValue else { return nil }
      guard case .int(let sequence)? = step.objectValue?["sequence"] else { return (rule, 0) }
      return (rule, sequence)
    }
  }
}
