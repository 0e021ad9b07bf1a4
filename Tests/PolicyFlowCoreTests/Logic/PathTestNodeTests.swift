import PolicyFlowCore
import Testing

/// A comparison of a `var` path with a constant is decided on the value in place; a traced
/// evaluation takes the general path. Both must give the same answer for every kind of value
/// the path may find, a missing one included.
struct PathTestNodeTests {
  static let rules = [
    #"{">=": [{"var": "PATH"}, 18]}"#,
    #"{"<": [{"var": "PATH"}, 18]}"#,
    #"{"<=": [18, {"var": "PATH"}]}"#,
    #"{">": [18, {"var": "PATH"}]}"#,
    #"{"==": [{"var": "PATH"}, 18]}"#,
    #"{"!==": [18, {"var": "PATH"}]}"#,
    #"{"==": [{"var": "PATH"}, "TERM"]}"#,
    #"{"===": ["TERM", {"var": "PATH"}]}"#,
    #"{"!=": [{"var": "PATH"}, "TERM"]}"#,
    #"{"==": [{"var": "PATH"}, true]}"#,
    #"{"!==": [{"var": "PATH"}, false]}"#,
    #"{"in": [{"var": "PATH"}, ["CA", "NY", "TERM"]]}"#,
    #"{"!": {"var": "PATH"}}"#,
    #"{"!!": [{"var": "PATH"}]}"#,
    #"{"and": [{"!": {"var": "PATH"}}, {"<": [{"var": "PATH"}, 100]}]}"#,
    #"{"or": [{"==": [{"var": "PATH"}, "NY"]}, {">": [{"var": "PATH"}, 17]}]}"#,
    #"{"is_date": {"var": "PATH"}}"#,
    #"{"!": {"is_country": {"var": "PATH"}}}"#,
    #"{"and": [{"var": "PATH"}, {"!": {"is_currency": [{"var": "PATH"}]}}]}"#,
  ]

  static let values = [
    "18", "17", "19", "0", "-5", "18.0", "17.5", "9007199254740993", #""18""#, #""TERM""#, #""term""#,
    #""NY""#, #""""#, #""\u212A""#, "true", "false", "null", "[18]", #"["TERM"]"#, "[]", #"{"a": 1}"#, "{}",
    #""2026-02-28""#, #""2026-02-30""#, #""2026-02-28T10:00:00+01:00""#, #""NL""#, #""nl""#, #""EUR""#,
  ]

  /// Paths of one, two and three levels and through an array index.
  static let shapes: [(path: String, data: String)] = [
    ("v", #"{"v": VALUE}"#),
    ("p.v", #"{"p": {"w": 1, "v": VALUE}}"#),
    ("p.q.v", #"{"p": {"q": {"v": VALUE}}}"#),
    ("p.1", #"{"p": [0, VALUE]}"#),
  ]

  @Test(arguments: rules)
  func fastAndTracedEvaluationAgree(_ template: String) throws {
    for shape in Self.shapes {
      let expression = try LogicExpression.compile(
        try JSON(parsing: template.replacingOccurrences(of: "PATH", with: shape.path)))
      var cases = Self.values.map { try? JSON(parsing: shape.data.replacingOccurrences(of: "VALUE", with: $0)) }
      cases.append(try JSON(parsing: #"{"other": 1}"#))  // nothing at the path
      cases.append(try JSON(parsing: #"{"p": null, "v": null}"#))  // null on the way
      for case let data? in cases {
        var trace = LogicTrace()
        // A value that cannot be compared is an error (a NaN): both paths must fail alike.
        let traced = Result(catching: { () throws(LogicError) -> JSON in try expression.evaluate(data, trace: &trace) })
        let fast = Result(catching: { () throws(LogicError) -> JSON in try expression.evaluate(data) })
        let truth = Result(catching: { () throws(LogicError) -> Bool in try expression.isTrue(for: data) })
        #expect(fast == traced, "\(shape.path) in \(data.serialized())")
        #expect(truth == traced.map(\.isTruthy), "\(shape.path) in \(data.serialized())")
        #expect(!trace.reads.isEmpty, "the traced evaluation records what it read")
      }
    }
  }

  @Test func decidesTheCommonCasesAsJavaScriptDoes() throws {
    let data = #"{"applicant": {"age": 42, "smoker": false}, "policy": {"state": "NY", "product": "TERM"}}"#
    #expect(try evaluate(#"{">=": [{"var": "applicant.age"}, 18]}"#, data) == true)
    #expect(try evaluate(#"{">": [18, {"var": "applicant.age"}]}"#, data) == false)
    #expect(try evaluate(#"{"in": [{"var": "policy.state"}, ["CA", "TX"]]}"#, data) == false)
    #expect(try evaluate(#"{"==": [{"var": "policy.product"}, "TERM"]}"#, data) == true)
    #expect(try evaluate(#"{"!": {"var": "applicant.smoker"}}"#, data) == true)
    #expect(try evaluate(#"{"!": {"var": "applicant.missing"}}"#, data) == true)
    // A number compared with a numeric string converts, as in JavaScript.
    #expect(try evaluate(#"{">=": [{"var": "v"}, 18]}"#, #"{"v": "20"}"#) == true)
    #expect(try evaluate(#"{"==": [{"var": "v"}, 18]}"#, #"{"v": "18"}"#) == true)
    #expect(try evaluate(#"{"===": [{"var": "v"}, 18]}"#, #"{"v": "18"}"#) == false)
  }
}
