import PolicyFlowCore
import Testing

/// `isTrue(for:)` decides conditions without building intermediate results; it must agree with
/// the truthiness of what `evaluate` returns, whatever mix of operand kinds a rule has.
struct LogicConditionTests {
  static let data: JSON = ["a": 0, "b": "x", "c": ["d": true], "list": [1, 2]]

  @Test(arguments: [
    #"{"and": [{"==": [{"var": "b"}, "x"]}, {"var": "a"}]}"#,
    #"{"or": [{"var": "a"}, {"in": [{"var": "b"}, ["y", "x"]]}]}"#,
    #"{"and": [{"!": {"var": "a"}}, {"var": "c.d"}, {"<": [1, {"var": "list.1"}, 3]}]}"#,
    #"{"or": [false, {"var": "missing"}, ""]}"#,
    #"{"and": []}"#,
    #"{"some": [{"var": "list"}, {">": [{"var": ""}, 1]}]}"#,
    #"{"if": [{"var": "a"}, "yes", {"and": [true, {"var": "b"}]}]}"#,
    #"{"!!": [{"var": "list"}]}"#,
  ])
  func isTrueAgreesWithEvaluate(_ rule: String) throws {
    let expression = try LogicExpression.compile(try JSON(parsing: rule))
    #expect(try expression.isTrue(for: Self.data) == expression.evaluate(Self.data).isTruthy)
  }

  @Test func andOverComparisonsGivesABooleanAndOverValuesGivesTheDecidingValue() throws {
    let comparisons = try LogicExpression.compile(try JSON(parsing: #"{"and": [{"==": [1, 1]}, {"<": [1, 2]}]}"#))
    #expect(try comparisons.evaluate(Self.data) == true)
    let values = try LogicExpression.compile(try JSON(parsing: #"{"and": [{"==": [1, 1]}, {"var": "b"}]}"#))
    #expect(try values.evaluate(Self.data) == "x")
  }
}
