/// Which rules the tests made fire, per flow and step: the rules no test made fire (untested),
/// and the rules that fired in every test that reached their step (likely a condition that is
/// always true).
///
/// A rule whose `flows` filter leaves a flow out is not listed in that flow's steps. A pend rule counts as fired when its reason is on the outcome: in a step that ends with a
/// fatal message the cycle drops its pend reasons, so a pend rule's test must get through the
/// step's validation rules without a fatal message.
public struct RuleCoverage: Sendable {
  /// One rule of a step and how often it fired.
  public struct Rule: Sendable {
    public var code: String
    /// `validation` or `pend`.
    public var kind: String
    /// The tests in which it fired in this step.
    public var fired: Int
    public var definedAt: DefinitionLocation?
  }

  /// One step of a flow, with the tests that reached it.
  public struct Step: Sendable {
    public var flow: String
    public var sequence: Int
    public var name: String
    /// Tests whose cycle ran this step of this flow.
    public var reached: Int
    /// Validation rules, then pend rules, in rule-step order.
    public var rules: [Rule]

    /// Rules no test made fire in this step.
    public var neverFired: [Rule] { rules.filter { $0.fired == 0 } }
    /// Rules that fired in every test that reached the step, when at least two did (with one,
    /// every rule that fired would qualify).
    public var alwaysFired: [Rule] { reached >= 2 ? rules.filter { $0.fired == reached } : [] }
  }

  /// Every step of every flow, flows by code, steps by sequence.
  public var steps: [Step]
  /// How many tests ran.
  public var tests: Int

  public init(catalog: Catalog, results: [CatalogTestResult]) {
    tests = results.count
    var reached: [String: [String: Int]] = [:]
    var fired: [String: [FiredRule: Int]] = [:]
    for result in results {
      guard let flow = result.flowCode else { continue }
      for step in result.stepsRun { reached[flow, default: [:]][step, default: 0] += 1 }
      for rule in result.firedRules { fired[flow, default: [:]][rule, default: 0] += 1 }
    }
    steps = catalog.flows.keys.sorted().flatMap { code in
      catalog.flows[code]!.steps.map { step in
        // A rule whose flows filter leaves this flow out can never fire here: not a gap in the tests.
        let rules =
          step.validationRules.filter { $0.filter.flows?.contains(code) ?? true }.map {
            Rule(code: $0.code, kind: "validation", fired: 0, definedAt: $0.definedAt)
          }
          + step.pendRules.filter { $0.filter.flows?.contains(code) ?? true }.map {
            Rule(code: $0.code, kind: "pend", fired: 0, definedAt: $0.definedAt)
          }
        return Step(
          flow: code, sequence: step.sequence, name: step.name, reached: reached[code]?[step.name] ?? 0,
          rules: rules.map { rule in
            var rule = rule
            rule.fired = fired[code]?[FiredRule(step: step.name, rule: rule.code)] ?? 0
            return rule
          })
      }
    }
  }

  /// Distinct rules that some test made fire somewhere, and all distinct rules the flows run.
  public var firedRuleCount: (fired: Int, total: Int) {
    var all = Set<String>()
    var fired = Set<String>()
    for step in steps {
      for rule in step.rules {
        all.insert(rule.code)
        if rule.fired > 0 { fired.insert(rule.code) }
      }
    }
    return (fired.count, all.count)
  }
}
