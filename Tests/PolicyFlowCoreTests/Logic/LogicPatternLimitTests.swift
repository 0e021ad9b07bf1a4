import Testing

@testable import PolicyFlowCore

/// Patterns are measured before the regex parser sees them: a few thousand nested `[` used to
/// overflow its stack and kill the process.
struct LogicPatternLimitTests {
  static let nestedBrackets = String(repeating: "[", count: 5_000)
  static let nestedParentheses = String(repeating: "(", count: 5_000)
  /// Short enough for the length limit, with too many classes for the group limit.
  static let manyClasses = String(repeating: "[", count: 500)

  @Test(arguments: [nestedBrackets, nestedParentheses, manyClasses])
  func aConstantPatternOverALimitIsACompileProblem(_ pattern: String) throws {
    let rule: JSON = ["matches": ["abc", .string(pattern)]]
    let failure = try #require(throws: LogicCompileFailure.self) { try LogicExpression.compile(rule) }
    let message = failure.description
    #expect(message.contains("/matches/1"))
    #expect(message.contains("at most 1000 are allowed") || message.contains("more than 50 groups"))
    #expect(message.utf8.count < 300, "the finding quotes an excerpt, not the whole pattern")
  }

  @Test(arguments: [nestedBrackets, nestedParentheses, manyClasses])
  func aPatternFromDataOverALimitIsAnEvaluationError(_ pattern: String) throws {
    let expression = try LogicExpression.compile(["matches": [["var": "s"], ["var": "p"]]])
    let data: JSON = ["s": "abc", "p": .string(pattern)]
    let error = try #require(throws: LogicError.self) { try expression.evaluate(data, in: LogicContext()) }
    #expect(error.type == "Invalid Arguments")
    #expect(
      error.message.hasPrefix("invalid regular expression \"[")
        || error.message.hasPrefix("invalid regular expression \"("))
    #expect(error.message.utf8.count < 300)
  }

  @Test func patternsWithinTheLimitsStillMatch() throws {
    let twentyGroups = String(repeating: "(a)?", count: 20) + "b[0-9]+"
    let expression = try LogicExpression.compile(["matches": ["aab42", .string(twentyGroups)]])
    #expect(try expression.evaluate(.null, in: LogicContext()) == true)
    let escaped = String(repeating: "\\[", count: 300)
    let literal = try LogicExpression.compile([
      "matches": [.string(String(repeating: "[", count: 300)), .string(escaped)]
    ])
    #expect(try literal.evaluate(.null, in: LogicContext()) == true, "escaped brackets are not classes")
  }

  @Test func aCatalogPatternOverALimitIsAFindingAtItsValue() throws {
    let rules = """
      {
        "messages": [{ "code": "MSG", "severity": "fatal", "text": "Bad code." }],
        "validationRules": [
          {
            "code": "CODE_SHAPE",
            "description": "Codes have a shape.",
            "level": "policy",
            "condition": { "matches": [{ "var": "code" }, "\(Self.nestedBrackets)"] },
            "message": "MSG"
          }
        ]
      }
      """
    let result = CatalogLoader.load(files: [CatalogFile(path: "rules/rules.json", contents: rules)])
    #expect(result.catalog == nil)
    let finding = try #require(result.findings.errors.first { $0.message.contains("regular expression") })
    #expect(finding.file == "rules/rules.json")
    #expect((finding.location.line, finding.location.column) == (8, 53))
    #expect(finding.message.hasSuffix("the pattern is 5000 bytes long; at most 1000 are allowed"))
    #expect(finding.message.utf8.count < 300)
  }

  /// A repeated group that itself repeats or has alternatives makes the backtracking engine take
  /// exponential time on some texts: refused, in a rule and from data alike.
  @Test(arguments: [
    "(a+)+", "^([a-zA-Z0-9_.-]+)+@example\\.com$", "(a|ab)*", "((ab)*c)+", "(a{2,})*", "([a-z]+\\.)*x",
  ])
  func aRepeatedGroupThatRepeatsIsRefused(_ pattern: String) throws {
    let failure = try #require(throws: LogicCompileFailure.self) {
      try LogicExpression.compile(["matches": ["abc", .string(pattern)]])
    }
    #expect(failure.description.contains("repeats a group that itself repeats or has alternatives"))
    let expression = try LogicExpression.compile(["matches": [["var": "s"], ["var": "p"]]])
    let error = try #require(throws: LogicError.self) {
      try expression.evaluate(["s": "abc", "p": .string(pattern)], in: LogicContext())
    }
    #expect(error.type == "Invalid Arguments")
  }

  @Test(arguments: [
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}$", "(ab)+", "^(\\d{3})-\\d+$", "(foo|bar)", "(a+)?", "(a{3})+", "[(]+",
    "\\(a+\\)+",
  ])
  func groupsThatRepeatOnlyFixedTextsAreAccepted(_ pattern: String) throws {
    _ = try LogicExpression.compile(["matches": ["abc", .string(pattern)]])
  }
}
