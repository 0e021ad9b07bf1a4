/// How a catalog fares under the JsonLogic of issue #19 (the community semantics), tried on
/// sample policies: the check `flows check` runs so that stricter errors cannot change an
/// existing rule's outcome unnoticed.
///
/// Each sample goes through a processing cycle first, so that expressions see the data and
/// messages they would see in one (derived fields set, earlier messages attached). Then every
/// expression of the rules that apply to the sample in its flow (conditions; message values and
/// derived fields where their condition holds; pend conditions; the steps' limits of authority)
/// is evaluated on it, whether or not the cycle reached it. A warning is raised where an expression fails (a policy like the
/// sample would get a fatal `RULE_ERROR`) or where its answer rests on a rule of the language
/// whose answer changed (see ``LogicExpression/compatibilityReport(for:in:isCondition:)``).
/// The cycle's own refusals are warned too: a derived value the engine refuses, and a premium line
/// that fails (on a sample the cycle approved, or pended: its data is what an approval calculates
/// on; not on one it sent back to Edit, which may lack what the lines read).
public enum CatalogCompatibility {
  /// A policy document to try the catalog on, named (by its file) in the warnings.
  public struct Sample: Sendable {
    public var name: String
    public var data: JSON

    public init(name: String, data: JSON) {
      self.name = name
      self.data = data
    }
  }

  /// One warning per expression and problem, at the rule (or step) that holds the expression,
  /// naming the samples it showed on; sorted by location. A failure is one problem whatever the
  /// values it failed on: the first sample's sentence is shown, and every sample named (or counted).
  /// The active flows none of `samples` runs (by its `processFlow`, else its line of business's
  /// default): every check on samples passes them unseen (a new product's flow; rule author
  /// trial). Sorted by code.
  public static func unsampledFlows(of catalog: Catalog, samples: [Sample]) -> [String] {
    let run = Set(
      samples.compactMap { sample in
        catalog.flowCode(
          explicit: sample.data[path: "processFlow"]?.stringValue,
          lineOfBusiness: sample.data[path: "lineOfBusiness"]?.stringValue)
      })
    return catalog.flows.values.filter { $0.isActive && !run.contains($0.code) }.map(\.code).sorted()
  }

  public static func findings(for catalog: Catalog, samples: [Sample], at time: Timestamp) -> [Finding] {
    var samplesOf: [Problem.Key: [String]] = [:]
    var first: [Problem] = []
    for sample in samples {
      for found in check(sample, in: catalog, at: time) {
        if samplesOf[found.key] == nil { first.append(found) }
        if samplesOf[found.key]?.contains(sample.name) != true { samplesOf[found.key, default: []].append(sample.name) }
      }
    }
    return first.map { problem in
      let names = samplesOf[problem.key] ?? []
      let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
      return Finding(
        file: problem.location.file, location: problem.location.location, severity: .warning,
        message: "\(problem.subject) \(problem.sentence) (sample \(shown))")
    }.sorted()
  }

  /// An expression's problem on a sample, without the sample.
  private struct Problem {
    var location: DefinitionLocation
    /// `condition of rule AGE_RANGE`.
    var subject: String
    var sentence: String
    /// What samples showing it are grouped by: the kind of failure (`NaN`, whatever the values it
    /// failed on), or the semantics note itself.
    var kind: String
    /// The rule whose expression it is, when it failed (the cycle's own RULE_ERROR of that rule
    /// then says nothing more).
    var failedRule: String? = nil

    struct Key: Hashable {
      var location: DefinitionLocation
      var subject: String
      var kind: String
    }

    var key: Key { Key(location: location, subject: subject, kind: kind) }
  }

  private static func check(_ sample: Sample, in catalog: Catalog, at time: Timestamp) -> [Problem] {
    let outcome = ProcessingCycle(catalog: catalog).run(sample.data, at: time)
    guard let code = outcome.flowCode, let flow = catalog.flows[code] else { return [] }
    let facts = PolicyFacts(sample.data)
    let context = LogicContext(now: time, messageCodes: Set(outcome.messages.map(\.code)))
    let fallback = flow.definedAt ?? DefinitionLocation(file: "(catalog)", location: SourceLocation(line: 1, column: 1))
    var problems: [Problem] = []
    /// Whether the expression held (for a condition); false when it failed.
    @discardableResult
    func check(
      _ expression: LogicExpression, _ subject: String, of rule: String? = nil, at location: DefinitionLocation?,
      isCondition: Bool, whenItFails consequence: String = "a policy like it gets a fatal RULE_ERROR"
    ) -> Bool {
      let report = expression.compatibilityReport(for: outcome.data, in: context, isCondition: isCondition)
      let at = location ?? fallback
      if case .failure(let error) = report.result {
        let sentence = "fails with \(error.type): \(error.message); \(consequence)"
        problems.append(
          Problem(location: at, subject: subject, sentence: sentence, kind: "fails \(error.type)", failedRule: rule))
      }
      for change in report.changes {
        let sentence = "rests on JsonLogic whose answer changed (#19): \(change)"
        problems.append(Problem(location: at, subject: subject, sentence: sentence, kind: sentence))
      }
      return (try? report.result.get().isTruthy) ?? false
    }
    for step in flow.steps {
      for rule in step.validationRules where facts.admits(rule.filter, flowCode: flow.code) {
        let at = rule.definedAt ?? step.definedAt
        // Values and derived fields are computed only when the condition holds, as in a cycle.
        guard check(rule.condition, "condition of rule \(rule.code)", of: rule.code, at: at, isCondition: true) else {
          continue
        }
        for (i, value) in rule.values.enumerated() {
          check(value, "message value {\(i + 3)} of rule \(rule.code)", of: rule.code, at: at, isCondition: false)
        }
        for derivation in rule.derivations {
          check(
            derivation.value, "derived field \(derivation.path) of rule \(rule.code)", of: rule.code, at: at,
            isCondition: false)
        }
      }
      for rule in step.pendRules where facts.admits(rule.filter, flowCode: flow.code) {
        guard let condition = rule.condition else { continue }
        check(
          condition, "condition of pend rule \(rule.code)", of: rule.code, at: rule.definedAt ?? step.definedAt,
          isCondition: true)
      }
      // A limit of authority that fails refuses the resolver, as one that does not hold.
      let refused = "no one bound by it may resolve a pend of a policy like it"
      if let authority = step.resolvers.authority {
        check(authority, "authority of step \(step.name)", at: step.definedAt, isCondition: true, whenItFails: refused)
      }
      for (role, limit) in step.resolvers.authorityByRole.sorted(by: { $0.key < $1.key }) {
        check(
          limit, "authority of role \(role) in step \(step.name)", at: step.definedAt, isCondition: true,
          whenItFails: refused)
      }
    }
    // What the cycle refused that no expression above failed with: a derived value the engine
    // refuses (`RULE_ERROR`), and the premium lines (`CALCULATION_ERROR`), tried also on a sample
    // the cycle pended, whose data an approval would calculate on.
    for message in outcome.messages where message.code == "RULE_ERROR" {
      guard !problems.contains(where: { $0.failedRule == message.rule }) else { continue }
      let at =
        catalog.validationRules[message.rule]?.definedAt ?? catalog.pendRules[message.rule]?.definedAt ?? fallback
      problems.append(
        Problem(
          location: at, subject: "rule \(message.rule)", sentence: "gives a fatal RULE_ERROR: \(message.text)",
          kind: "RULE_ERROR"))
    }
    let calculationFailed = outcome.messages.contains { $0.code == "CALCULATION_ERROR" }
    // A sample pended before the last step has not had the later steps' derivations an approval
    // would calculate on: only one pended at the last step is priced.
    let pendedAtTheEnd = outcome.disposition == .pends && outcome.stepsRun.count == flow.steps.count
    if flow.calculation != nil, pendedAtTheEnd || calculationFailed {
      do {
        _ = try PremiumCalculator.computePremium(for: outcome.data, flow: flow, at: time)
      } catch {
        let subject =
          error.line.map { "premium line \($0.code) of flow \(flow.code)" } ?? "premium of flow \(flow.code)"
        problems.append(
          Problem(
            location: error.line?.definedAt ?? fallback, subject: subject,
            sentence:
              "fails: \(error.message); a policy like it gets a fatal CALCULATION_ERROR instead of its approval",
            kind: "fails \(error.error.type)"))
      }
    }
    return problems
  }
}
