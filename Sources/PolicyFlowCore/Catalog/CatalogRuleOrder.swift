/// What a flow's order of rules makes impossible or stale. A cycle runs a flow's rules in order
/// (steps by sequence; in a step, validation rules by rule-step sequence, then pend rules), and
/// `flows check` warns where that order defeats a rule:
///
/// - A rule that reads a field its flow derives only later reads what the document held already
///   (the value an earlier cycle derived and stored, an imported one, or nothing), so its outcome
///   differs from the one the author meant, and `policies replay` of stored policies hides it. The
///   paths are the literal ones ``CatalogUnreadPaths`` reads. A rule that reads the field it
///   derives itself is not named (its condition deciding whether to set a missing field is a
///   pattern, not a mistake).
/// - A derivation whose value reads the field it sets compounds on every cycle, and two rules that
///   derive from each other have no right order: both are named.
/// - A rule whose condition tests `has_message` only for messages rules after it attach never
///   fires.
/// - A pend rule that waits for messages (`whenMessages`, `whenMessageGroup`) that no rule of the
///   flow attaches before it (a step ends on a fatal message, and a later step's rules have not
///   run): it can never fire in that flow.
public enum CatalogRuleOrder {
  /// One warning per flow, reading rule and path; none when every read follows its derivation.
  public static func findings(for catalog: Catalog) -> [Finding] {
    var findings: [Finding] = []
    for flow in catalog.flows.values.sorted(by: { $0.code < $1.code }) {
      let order = ordered(flow)
      var derivedBefore: Set<String> = []
      var reported: Set<String> = []
      for (index, entry) in order.enumerated() {
        for path in entry.reads
        where !derivedBefore.contains(where: { overlaps(path, $0) })
          && reported.insert("\(entry.rule) \(path)").inserted
        {
          guard let location = entry.location,
            let later = order[(index + 1)...].first(where: { later in
              later.rule != entry.rule && later.derives.contains(where: { overlaps(path, $0) })
            })
          else { continue }
          let sameStep = later.step == entry.step
          // Each derives from the other: no order of the two is right, and each cycle changes both.
          if let back = later.reads.first(where: { read in entry.derives.contains { overlaps(read, $0) } }) {
            findings.append(
              Finding(
                file: location.file, location: location.location, severity: .warning,
                message:
                  "rules \(entry.rule) and \(later.rule) derive from each other in flow \(flow.code) (\(entry.rule) reads "
                  + "'\(path)', which \(later.rule) derives, and \(later.rule) reads '\(back)', which \(entry.rule) "
                  + "derives): whichever runs first reads the other's stored value, so both change on every cycle (a "
                  + "resolved pend or an edit runs the flow again); derive one of them from fields neither derives"))
            continue
          }
          findings.append(
            Finding(
              file: location.file, location: location.location, severity: .warning,
              message:
                "rule \(entry.rule) reads '\(path)' in flow \(flow.code), step '\(entry.step)', but rule \(later.rule) "
                + "derives it only later (\(sameStep ? "further on in the same step" : "in step '\(later.step)'")): "
                + "it reads whatever the document already holds (a value an earlier cycle stored, an imported one, "
                + "or nothing); give \(later.rule) an earlier place in the flow than \(entry.rule)"))
        }
        derivedBefore.formUnion(entry.derives)
        findings += compounding(entry, in: flow)
        findings += messageTestedTooEarly(entry, at: index, of: order, in: flow)
      }
      findings += unreachablePendRules(flow)
      findings += inexactDerivationsPriced(flow)
    }
    return findings.sorted()
  }

  /// A premium or cancellation line that reads a field a rule derives with a fraction (`× 0.07`):
  /// the field is computed in binary floating point, outside money's exact arithmetic, and its
  /// amount may be a minor unit off (7010.500000000001 rounded up where 7010.5 rounds to even;
  /// rule author trial), where the line itself writing the fraction is warned of.
  private static func inexactDerivationsPriced(_ flow: ProcessFlow) -> [Finding] {
    guard let calculation = flow.calculation else { return [] }
    var inexact: [String: (rule: String, fraction: JSON)] = [:]
    for step in flow.steps {
      for rule in step.validationRules where runs(rule.filter, in: flow.code) {
        for derivation in rule.derivations where inexact[derivation.path] == nil {
          if let fraction = CatalogAssembler.firstFraction(in: derivation.value.source) {
            inexact[derivation.path] = (rule.code, fraction)
          }
        }
      }
    }
    guard !inexact.isEmpty else { return [] }
    var findings: [Finding] = []
    for line in calculation.lines + calculation.cancellationLines {
      guard let location = line.definedAt ?? flow.definedAt else { continue }
      var reads: [String] = []
      CatalogUnreadPaths.literalPaths(line.amount.source, into: &reads)
      for path in Set(reads).sorted() {
        guard let (rule, fraction) = inexact.first(where: { overlaps(path, $0.key) })?.value else { continue }
        findings.append(
          Finding(
            file: location.file, location: location.location, severity: .warning,
            message:
              "line \(line.code) reads '\(path)', which rule \(rule) derives with the fraction "
              + "\(fraction.serialized()): computed in floating point, its amount may be a minor unit off; write the "
              + "rate as integers and divide last, in the line or the derivation ({\"/\": [{\"*\": [amount, 7]}, 100]} "
              + "for 7%)"))
      }
    }
    return findings
  }

  /// A derivation whose value reads the field it sets (`sumAssured` from `sumAssured × 110 / 100`):
  /// the next cycle derives it again from the value this one stored, so it compounds on every
  /// cycle (a rule author's loading grew 10% each time a pend was resolved). Its condition reading
  /// the field is a pattern (set it when missing), not this.
  private static func compounding(_ entry: Entry, in flow: ProcessFlow) -> [Finding] {
    guard let location = entry.location else { return [] }
    return entry.derivations.compactMap { derivation in
      guard let read = derivation.reads.first(where: { overlaps($0, derivation.path) }) else { return nil }
      return Finding(
        file: location.file, location: location.location, severity: .warning,
        message:
          "rule \(entry.rule) derives '\(derivation.path)' in flow \(flow.code) from '\(read)', its own value: every "
          + "cycle derives it again from what the cycle before stored (a resolved pend or an edit runs the flow "
          + "again), so unless the derivation gives the same value on its own result it compounds; derive the result "
          + "into a field of its own")
    }
  }

  /// A rule whose condition tests `has_message` only for messages that rules after it attach: the
  /// test is false on every cycle, so the rule never fires (a rule author's new rule did not, and
  /// nothing said why). Not named when some rule before it attaches one of them, nor when no rule of
  /// the flow attaches any (an engine message, or a message of another flow).
  private static func messageTestedTooEarly(_ entry: Entry, at index: Int, of order: [Entry], in flow: ProcessFlow)
    -> [Finding]
  {
    guard !entry.testsMessages.isEmpty, let location = entry.location else { return [] }
    let before = Set(order[..<index].compactMap(\.attaches))
    guard entry.testsMessages.allSatisfy({ !before.contains($0) }),
      let later = order[(index + 1)...].first(where: { $0.attaches.map(entry.testsMessages.contains) == true }),
      let message = later.attaches
    else { return [] }
    return [
      Finding(
        file: location.file, location: location.location, severity: .warning,
        message:
          "rule \(entry.rule) tests has_message \(message) in flow \(flow.code), but rule \(later.rule), which runs "
          + "after it, attaches it: the test is false on every cycle; give \(later.rule) an earlier place in the flow "
          + "than \(entry.rule)")
    ]
  }

  /// The message codes `source` tests with `has_message` (literal codes only).
  static func testedMessages(_ source: JSON, into codes: inout [String]) {
    CatalogUnreadPaths.forEachOperation(source) { op, arguments in
      guard op == "has_message" else { return }
      for item in arguments {
        if case .string(let code) = item { codes.append(code) }
        codes += item.arrayValue?.compactMap(\.stringValue) ?? []
      }
    }
  }

  /// The pend rules of `flow` that wait for messages no rule attaches before them.
  private static func unreachablePendRules(_ flow: ProcessFlow) -> [Finding] {
    var findings: [Finding] = []
    var attachedBefore: Set<String> = []
    // A fatal message ends the cycle at its step's end, pend reasons of that step dropped: only
    // informative messages can be waited for.
    func attaches(_ step: ProcessStep) -> [String] {
      step.validationRules.filter { runs($0.filter, in: flow.code) && $0.message.severity == .informative }.map(
        \.message.code)
    }
    for (index, step) in flow.steps.enumerated() {
      attachedBefore.formUnion(attaches(step))
      for rule in step.pendRules where runs(rule.filter, in: flow.code) {
        guard let required = rule.requiredMessages, required.isDisjoint(with: attachedBefore),
          let location = rule.definedAt
        else { continue }
        let later = flow.steps[(index + 1)...].first { !required.isDisjoint(with: attaches($0)) }
        let wanted = required.sorted().joined(separator: ", ")
        let why =
          later.map { "only the rules of step '\($0.name)', which runs after it, attach \(wanted)" }
          ?? "no rule of the flow attaches \(wanted) as an informative message (a fatal one ends the cycle)"
        findings.append(
          Finding(
            file: location.file, location: location.location, severity: .warning,
            message:
              "pend rule \(rule.code) in flow \(flow.code), step '\(step.name)' waits for a message, but \(why): it "
              + "can never fire there; move it to a later step or the rules that attach the message to an earlier one"))
      }
    }
    return findings
  }

  /// A rule as a cycle of `flow` runs it: what it reads and derives, in order.
  private struct Entry {
    var rule: String
    var step: String
    var reads: [String]
    var derives: [String]
    var location: DefinitionLocation?
    /// Each derivation's path and what its value reads.
    var derivations: [(path: String, reads: [String])] = []
    /// The message a validation rule attaches, and the codes its condition tests with `has_message`.
    var attaches: String? = nil
    var testsMessages: [String] = []
  }

  /// Whether a rule with `filter` can run in the flow `code`: enabled, and not kept to other flows.
  private static func runs(_ filter: RuleFilter, in code: String) -> Bool {
    filter.enabled && filter.flows.map { $0.contains(code) } != false
  }

  private static func ordered(_ flow: ProcessFlow) -> [Entry] {
    var order: [Entry] = []
    for step in flow.steps {
      for rule in step.validationRules where runs(rule.filter, in: flow.code) {
        var reads: [String] = []
        for expression in [rule.condition] + rule.values + rule.derivations.map(\.value) {
          CatalogUnreadPaths.literalPaths(expression.source, into: &reads)
        }
        let derivations = rule.derivations.map { derivation in
          var reads: [String] = []
          CatalogUnreadPaths.literalPaths(derivation.value.source, into: &reads)
          return (path: derivation.path, reads: reads)
        }
        var tested: [String] = []
        testedMessages(rule.condition.source, into: &tested)
        order.append(
          Entry(
            rule: rule.code, step: step.name, reads: reads, derives: rule.derivations.map(\.path),
            location: rule.definedAt, derivations: derivations, attaches: rule.message.code, testsMessages: tested))
      }
      for rule in step.pendRules where runs(rule.filter, in: flow.code) {
        var reads: [String] = []
        var tested: [String] = []
        if let condition = rule.condition {
          CatalogUnreadPaths.literalPaths(condition.source, into: &reads)
          testedMessages(condition.source, into: &tested)
        }
        order.append(
          Entry(
            rule: rule.code, step: step.name, reads: reads, derives: [], location: rule.definedAt, testsMessages: tested
          ))
      }
    }
    return order
  }

  /// Whether reading `read` reads what deriving `derived` sets: the same path, a member below it,
  /// or an object that holds it.
  private static func overlaps(_ read: String, _ derived: String) -> Bool {
    read == derived || read.hasPrefix(derived + ".") || derived.hasPrefix(read + ".")
  }
}
