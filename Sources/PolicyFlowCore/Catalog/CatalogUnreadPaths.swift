/// Paths the rules, the steps' limits of authority and the premium lines read that no sample
/// policy has: a misspelt path (`medicalDeclaraton.smoker`) reads as null on every policy, so its
/// rule silently never fires (or, under `missing`, always does), a limit of authority holds for
/// any sum, and nothing else would say so. `flows check` warns where it is read, with the closest
/// path the samples do have.
///
/// Only literal paths are read from the rules' JsonLogic (`{"var": "a.b"}`, `{"missing": ["a", "b"]}`,
/// `{"val": ["a", "b"]}`, `{"exists": "a"}`),
/// outside the bodies of `map`, `filter`, `all`, `none`, `some` and `reduce`, whose paths name the
/// elements; a `var` with a default (the rule expects it may be absent) only when a path the
/// samples have is close to it, and not `missing_some`'s alternatives. A path counts as had when any sample,
/// after a processing cycle (derived fields set), has a value there, null included. Only the rules
/// of the flows the samples run are checked, and those flows' limits and lines: a sample of another
/// product says nothing of them.
public enum CatalogUnreadPaths {
  /// One warning per rule and path no sample has; none without samples.
  public static func findings(for catalog: Catalog, samples: [CatalogCompatibility.Sample], at time: Timestamp)
    -> [Finding]
  {
    guard !samples.isEmpty else { return [] }
    let cycle = ProcessingCycle(catalog: catalog)
    let outcomes = samples.map { cycle.run($0.data, at: time) }
    let documents = outcomes.map(\.data)
    // Only the rules of flows some sample runs: a sample of another product tells nothing of them.
    let flowsRun = Set(outcomes.compactMap(\.flowCode))
    var rulesRun: Set<String> = []
    for code in flowsRun {
      for step in catalog.flows[code]?.steps ?? [] {
        rulesRun.formUnion(step.validationRules.map(\.code))
        rulesRun.formUnion(step.pendRules.map(\.code))
      }
    }
    var had: Set<String> = []
    for document in documents { collectPaths(document, prefix: "", into: &had) }
    // A field a rule derives is had, though the samples may all stop before its step.
    for rule in catalog.validationRules.values {
      for derivation in rule.derivations {
        let segments = derivation.path.split(separator: ".", omittingEmptySubsequences: false)
        for end in segments.indices { had.insert(segments[...end].joined(separator: ".")) }
      }
    }
    var findings: [Finding] = []
    var reported: Set<String> = []
    // `subject` names what reads the paths in the warning: "rule X", a step's limit of authority,
    // a premium line; `ignoring` are the prefixes of names the engine lays over the data.
    func check(
      _ expressions: [LogicExpression], subject: String, at location: DefinitionLocation?, ignoring: [String] = []
    ) {
      guard let location else { return }
      var paths: [String] = []
      var defaulted: [String] = []
      var dotted: [String] = []
      for expression in expressions {
        literalPaths(expression.source, into: &paths, defaulted: &defaulted)
        dottedSegments(expression.source, into: &dotted)
      }
      // Warned unless some sample has a member named so (with the dot) at its top.
      let named = { (segment: String) in documents.contains { $0.objectValue?[JSONKey(segment)] != nil } }
      for segment in dotted where !named(segment) && reported.insert("\(subject) \(segment)").inserted {
        let parts = segment.split(separator: ".", omittingEmptySubsequences: false).map { "\"\($0)\"" }
        findings.append(
          Finding(
            file: location.file, location: location.location, severity: .warning,
            message:
              "\(subject) reads the member named '\(segment)' with val or exists, which do not split a path on "
              + "dots: it reads null on every policy; give the path as its segments, [\(parts.joined(separator: ", "))]"
          ))
      }
      let laidOver = { (path: String) in ignoring.contains { path == $0 || path.hasPrefix($0 + ".") } }
      // A path read with a default may be absent from every sample: warned only when one they have
      // is close to it, most likely misspelt, which takes its default on every policy (two
      // travellers priced as one; rule author trial).
      let reads = paths.map { ($0, false) } + defaulted.map { ($0, true) }
      for (path, hasDefault) in reads
      where !path.isEmpty && !had.contains(path) && !laidOver(path) && reported.insert("\(subject) \(path)").inserted {
        let closest = Suggestion.closest(to: path, among: had)
        guard closest != nil || !hasDefault else { continue }
        let policies = "none of the \(samples.count) sample polic\(samples.count == 1 ? "y has" : "ies have")"
        let meant = closest.map { " (did you mean '\($0)'?)" } ?? ""
        let read =
          hasDefault
          ? "reads '\(path)' with a default, and \(policies) it\(meant): a misspelt path takes its default"
          : "reads '\(path)', which \(policies)\(meant): a misspelt path reads as null"
        findings.append(
          Finding(
            file: location.file, location: location.location, severity: .warning,
            message: "\(subject) \(read) on every policy; add a sample that has it if it is right"))
      }
    }
    for rule in catalog.validationRules.values where rulesRun.contains(rule.code) {
      check(
        [rule.condition] + rule.values + rule.derivations.map(\.value), subject: "rule \(rule.code)", at: rule.definedAt
      )
    }
    for rule in catalog.pendRules.values where rulesRun.contains(rule.code) {
      check(rule.condition.map { [$0] } ?? [], subject: "rule \(rule.code)", at: rule.definedAt)
    }
    // A limit of authority that reads a misspelt path compares null, which `<=` takes as 0: every
    // resolver of the role was within it, whatever the sum; a premium line's misspelt path failed
    // the cycle only since money refuses null, and priced the policy at its other lines before.
    for flow in flowsRun.sorted().compactMap({ catalog.flows[$0] }) {
      for step in flow.steps {
        let limits = [step.resolvers.authority].compactMap { $0 } + step.resolvers.authorityByRole.values
        check(limits, subject: "the limit of authority of step \(step.name)", at: step.definedAt ?? flow.definedAt)
      }
      guard let calculation = flow.calculation else { continue }
      check([calculation.currency], subject: "the currency of flow \(flow.code)", at: flow.definedAt)
      for line in calculation.lines + calculation.cancellationLines {
        check(
          [line.amount], subject: "premium line \(line.code)", at: line.definedAt ?? flow.definedAt,
          ignoring: ["lines", "cancellation"])
      }
    }
    return findings.sorted()
  }

  /// Every path of `value`'s members and array items (`policyholder`, `policyholder.name`,
  /// `enrollments.0.role`).
  private static func collectPaths(_ value: JSON, prefix: String, into paths: inout Set<String>) {
    switch value {
    case .object(let object):
      for (name, member) in object {
        let path = prefix.isEmpty ? name : "\(prefix).\(name)"
        paths.insert(path)
        collectPaths(member, prefix: path, into: &paths)
      }
    case .array(let items):
      for (index, item) in items.enumerated() {
        let path = prefix.isEmpty ? "\(index)" : "\(prefix).\(index)"
        paths.insert(path)
        collectPaths(item, prefix: path, into: &paths)
      }
    default:
      return
    }
  }

  /// The operators whose second argument runs once per element, with the element as its data.
  private static let iterators: Set<String> = ["map", "filter", "all", "none", "some", "reduce"]

  /// Calls `visit` with each operation of `source` (its operator and arguments), every level
  /// down, iteration bodies included: what a search for one operator's literal arguments walks.
  static func forEachOperation(_ source: JSON, _ visit: (_ op: String, _ arguments: [JSON]) -> Void) {
    switch source {
    case .array(let items):
      for item in items { forEachOperation(item, visit) }
    case .object(let object) where object.count == 1:
      guard let (op, argument) = object.makeIterator().next() else { return }
      let arguments = argument.arrayValue ?? [argument]
      visit(op, arguments)
      for item in arguments { forEachOperation(item, visit) }
    default:
      return
    }
  }

  /// The `val` and `exists` segments of `source` that hold a dot (`{"val": "policyholder.email"}`):
  /// they do not split on dots, so each reads one member named with the dot, which is rarely what
  /// was meant.
  static func dottedSegments(_ source: JSON, into found: inout [String]) {
    forEachOperation(source) { op, arguments in
      guard op == "val" || op == "exists" else { return }
      found += arguments.compactMap(\.stringValue).filter { $0.contains(".") }
    }
  }

  /// The literal data paths `source` reads, outside iteration bodies, but for those read with a
  /// default (`{"var": ["discount", 0]}`), which the rule expects may be absent; `defaulted`
  /// gets those.
  static func literalPaths(_ source: JSON, into paths: inout [String], defaulted: inout [String]) {
    forEachLiteralPath(source) { path, hasDefault in
      if hasDefault { defaulted.append(path) } else { paths.append(path) }
    }
  }

  /// Every literal data path `source` reads, outside iteration bodies, with a default or not:
  /// what decides the order rules must run in.
  static func literalPaths(_ source: JSON, into paths: inout [String]) {
    forEachLiteralPath(source) { path, _ in paths.append(path) }
  }

  /// Calls `found` with each literal data path `source` reads outside iteration bodies, and
  /// whether it is read with a default.
  private static func forEachLiteralPath(_ source: JSON, _ found: (_ path: String, _ hasDefault: Bool) -> Void) {
    switch source {
    case .array(let items):
      for item in items { forEachLiteralPath(item, found) }
    case .object(let object) where object.count == 1:
      guard let (op, argument) = object.makeIterator().next() else { return }
      let arguments = argument.arrayValue ?? [argument]
      switch op {
      case "var":
        // A computed path is not a literal, but what it is computed from may be.
        if case .string(let path) = arguments.first {
          found(path, arguments.count > 1)
        } else if let first = arguments.first {
          forEachLiteralPath(first, found)
        }
        for item in arguments.dropFirst() { forEachLiteralPath(item, found) }
      case "missing":
        for item in arguments {
          if case .string(let path) = item { found(path, false) } else { forEachLiteralPath(item, found) }
        }
      case "val", "exists":
        // The community's path as its segments (`{"val": ["policyholder", "email"]}`) or one
        // name; one that climbs scopes (`[[1], "x"]`) names no document path.
        // A segment with a dot names a member with a dot in its name (``dottedSegments(_:into:)``).
        let segments = arguments.compactMap(\.stringValue)
        if !segments.isEmpty, segments.count == arguments.count, !segments.contains(where: { $0.contains(".") }) {
          found(segments.joined(separator: "."), false)
        }
      case "missing_some":
        // Alternatives: any one of them may be absent from every sample.
        break
      case _ where iterators.contains(op):
        for (index, item) in arguments.enumerated() where index != 1 { forEachLiteralPath(item, found) }
      default:
        for item in arguments { forEachLiteralPath(item, found) }
      }
    default:
      return
    }
  }
}
