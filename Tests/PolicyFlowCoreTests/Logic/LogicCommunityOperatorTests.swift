import PolicyFlowCore
import Testing

/// The json-logic community additions: `val`, `??`, `exists`, `throw`, `try`, `preserve`.
struct LogicCommunityOperatorTests {
  @Test(arguments: [
    (#"{"val": "a.b"}"#, #"{"a.b": 1, "a": {"b": 2}}"#, "1"),
    (#"{"val": ["a", "b"]}"#, #"{"a.b": 1, "a": {"b": 2}}"#, "2"),
    (#"{"val": ["list", 1]}"#, #"{"list": [10, 20]}"#, "20"),
    (#"{"val": []}"#, "5", "5"),
    (#"{"val": null}"#, "5", "5"),
    (#"{"val": "missing"}"#, "{}", "null"),
    (
      #"{"map": [{"val": "numbers"}, {"+": [{"val": []}, {"val": [[2], "adder"]}]}]}"#,
      #"{"numbers": [1, 2, 3], "adder": 10}"#, "[11, 12, 13]"
    ),
    (#"{"map": [{"val": "numbers"}, {"val": [[1], "index"]}]}"#, #"{"numbers": [5, 6]}"#, "[0, 1]"),
    (#"{"map": [[1], {"map": [[2], {"val": [[4], "x"]}]}]}"#, #"{"x": "outer"}"#, #"[["outer"]]"#),
    (#"{"val": [[2], "x"]}"#, #"{"x": 1}"#, "null"),
    (#"{"val": {"cat": ["a", "b"]}}"#, #"{"ab": 7}"#, "7"),
    (#"{"??": [null, {"val": "x"}, 3]}"#, #"{"x": false}"#, "false"),
    (#"{"??": [null, null]}"#, "null", "null"),
    (#"{"exists": "x"}"#, #"{"x": null}"#, "true"),
    (#"{"exists": "y"}"#, #"{"x": null}"#, "false"),
    (#"{"exists": ["a", "b"]}"#, #"{"a": {"b": 0}}"#, "true"),
    (#"{"exists": ["a", "c"]}"#, #"{"a": {"b": 0}}"#, "false"),
    (#"{"preserve": {"var": "x"}}"#, #"{"x": 1}"#, #"{"var": "x"}"#),
    (#"{"preserve": [1, {"var": "x"}]}"#, #"{"x": 1}"#, #"[1, {"var": "x"}]"#),
    (#"{"try": [{"throw": "Oops"}, {"val": "type"}]}"#, "null", #""Oops""#),
    (#"{"try": [{"+": ["abc"]}, {"val": "type"}]}"#, "null", #""NaN""#),
    (#"{"try": [{"throw": {"preserve": {"type": "Custom", "code": 7}}}, {"val": "code"}]}"#, "null", "7"),
    (#"{"try": [{"throw": "Oops"}, {"val": [[2], "x"]}]}"#, #"{"x": 42}"#, "42"),
    (#"{"try": [1, {"throw": "never"}]}"#, "null", "1"),
    (#"{"try": [{"throw": "a"}, {"throw": "b"}, 3]}"#, "null", "3"),
  ])
  func evaluates(_ rule: String, _ data: String, _ expected: String) throws {
    let actual = try evaluate(rule, data)
    #expect(actual == (try JSON(parsing: expected)), "\(rule) gave \(actual.serialized())")
  }

  @Test(arguments: [
    (#"{"+": ["abc"]}"#, "NaN"),
    (#"{"+": [[1]]}"#, "NaN"),
    (#"{"*": [2, {"preserve": {"a": 1}}]}"#, "NaN"),
    (#"{"/": [1, 0]}"#, "NaN"),
    (#"{"%": [1, 0]}"#, "NaN"),
    (#"{"-": ["x", 1]}"#, "NaN"),
    (#"{"throw": "Custom"}"#, "Custom"),
    (#"{"throw": {"preserve": {"type": "Object error"}}}"#, "Object error"),
    (#"{"try": [{"throw": "first"}, {"throw": "second"}]}"#, "second"),
    (#"{"date_before": ["soon", "2024-01-01"]}"#, "Invalid Arguments"),
    (#"{"date_add": ["2024-01-01", 1, {"cat": ["week", "s"]}]}"#, "Invalid Arguments"),
    (#"{"matches": ["x", {"cat": ["(", ""]}]}"#, "Invalid Arguments"),
    (#"{"missing_some": [1, "a"]}"#, "Invalid Arguments"),
  ])
  func failsWithErrorType(_ rule: String, _ type: String) throws {
    let error = try #require(try evaluationError(rule))
    #expect(error.type == type, "\(rule) threw \(error)")
  }

  @Test func thrownValueIsTheErrorValue() throws {
    let error = try #require(try evaluationError(#"{"throw": {"preserve": {"type": "Custom", "code": 7}}}"#))
    #expect(error.value == (try JSON(parsing: #"{"type": "Custom", "code": 7}"#)))
    let nan = try #require(try evaluationError(#"{"+": ["abc"]}"#))
    #expect(nan.value == ["type": "NaN"])
  }
}
