/// What running one ``CatalogTest`` gave: whether it passed, how it departed from its
/// expectation, and what the cycle did (for rule coverage).
public struct CatalogTestResult: Sendable {
  public var test: CatalogTest
  /// Empty when the test passed.
  public var differences: [TestDifference]
  /// The flow the policy ran through; nil when none could be chosen.
  public var flowCode: String?
  /// The steps that ran, in order.
  public var stepsRun: [String]
  /// The catalog rules that fired, by step: validation rules that attached their message, pend
  /// rules whose reason is on the outcome. A rule that failed (a `RULE_ERROR`) did not fire.
  public var firedRules: Set<FiredRule>

  public var passed: Bool { differences.isEmpty }

  /// Where the failure points: the first expectation that did not hold, else the test.
  public var location: SourceLocation { differences.first?.location ?? test.location }

  /// One line per failing test, `file:line:col: FAIL name: difference; difference`, the form
  /// editors and CI logs link to. Nil for a passing test.
  public var failureLine: String? {
    guard !passed else { return nil }
    let diff = differences.map(\.description).joined(separator: "; ")
    return "\(test.file):\(location): FAIL \(test.caseName.map { "[\($0)] " } ?? "")\(diff)"
  }
}

/// A rule that fired in a step.
public struct FiredRule: Sendable, Hashable {
  public var step: String
  public var rule: String

  public init(step: String, rule: String) {
    self.step = step
    self.rule = rule
  }
}
