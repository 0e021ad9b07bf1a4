import PolicyFlowCore
import Testing

/// jsonlogic.com operators beyond the conformance suite: JavaScript coercions, formatting and
/// exact integers.
struct LogicClassicOperatorTests {
  @Test(arguments: [
    // JavaScript loose equality.
    (#"{"==": [0, ""]}"#, "true"),
    (#"{"==": [null, 0]}"#, "true"),
    (#"{"==": [null, null]}"#, "true"),
    (#"{"==": [true, 1]}"#, "true"),
    (#"{"==": [true, "1"]}"#, "true"),
    (#"{"==": [false, ""]}"#, "true"),
    (#"{"==": ["1.0", 1]}"#, "true"),
    (#"{"==": [1, 1.0]}"#, "true"),
    (#"{"===": [1, 1.0]}"#, "true"),
    (#"{"!=": [null, false]}"#, "false"),
    (#"{"==": [null, ""]}"#, "false"),
    (#"{"===": [[1, 2], [1, 2]]}"#, "true"),
    (#"{"!=": [1, 2, 1]}"#, "true"),
    (#"{"==": [1, "1", true]}"#, "true"),
    // Relational comparisons.
    (#"{"<": ["5", 10]}"#, "true"),
    (#"{"<": ["10", "5"]}"#, "true"),
    (#"{"<": [null, 1]}"#, "true"),
    (#"{"<=": [1, 1, 1]}"#, "true"),
    (#"{">": [3, 2, 1, 0]}"#, "true"),
    (#"{"<": ["2024-01-01", "2024-06-30", "2025-01-01"]}"#, "true"),
    (#"{"<": [2, 1, {"throw": "not evaluated"}]}"#, "false"),
    (#"{"<": [9007199254740992, 9007199254740993]}"#, "true"),
    // Number coercion and exact integers.
    (#"{"+": "3.14"}"#, "3.14"),
    (#"{"+": [null, true]}"#, "1"),
    (#"{"+": ["  7 "]}"#, "7"),
    (#"{"+": ["0x1F"]}"#, "31"),
    (#"{"+": [9007199254740993, 1]}"#, "9007199254740994"),
    (#"{"*": [3037000500, 3037000500]}"#, "9.22337203700025e18"),
    (#"{"-": [-9223372036854775807, 10]}"#, "-9.223372036854775817e18"),
    (#"{"/": [6, 3]}"#, "2"),
    (#"{"/": [7, 2]}"#, "3.5"),
    (#"{"%": [-7, 3]}"#, "-1"),
    (#"{"%": [7.5, 2]}"#, "1.5"),
    (#"{"+": [0.1, 0.2]}"#, "0.30000000000000004"),
    (#"{"max": [1, 7, 3.5]}"#, "7"),
    (#"{"max": {"var": "amounts"}}"#, "30"),
    (#"{"+": {"var": "amounts"}}"#, "60"),
    (#"{"-": [100, 10, 5]}"#, "85"),
    (#"{"-": {"var": "amounts"}}"#, "-40"),
    (#"{"/": [120, 2, 3]}"#, "20"),
    (#"{"/": 4}"#, "0.25"),
    (#"{"%": [17, 10, 4]}"#, "3"),
    (#"{"min": [1, -2.5]}"#, "-2.5"),
    // Strings.
    (#"{"cat": [1.0, "-", 0.1, "-", 1e21, "-", 1e-7, "-", true, "-", null]}"#, #""1-0.1-1e+21-1e-7-true-null""#),
    (#"{"cat": [[1, [2, 3]], 2.5]}"#, #""1,2,32.5""#),
    (#"{"substr": ["jsonlogic", 20]}"#, #""""#),
    (#"{"substr": ["jsonlogic", -20, 4]}"#, #""json""#),
    (#"{"substr": ["jsonlogic", 2, -20]}"#, #""""#),
    (#"{"substr": ["héllo", 1, 3]}"#, #""éll""#),
    (#"{"in": [1, "a1b"]}"#, "true"),
    (#"{"in": ["1", [1, 2]]}"#, "false"),
    (#"{"in": ["a", null]}"#, "false"),
    // Data access.
    (#"{"var": "a.1.b"}"#, "null"),
    (#"{"var": ["a", "fallback"]}"#, "null"),
    (#"{"var": ["b.c", "fallback"]}"#, #""fallback""#),
    (#"{"missing": ["a", "b", "c", "x"]}"#, #"["a","b","c"]"#),
    (#"{"missing_some": [1, ["b", "c"]]}"#, #"["b","c"]"#),
    (#"{"log": "hello"}"#, #""hello""#),
    (#"{"if": [{"var": "a"}, "yes", "no"]}"#, #""no""#),
    (#"{"reduce": [[1, 2, 3], {"+": [{"var": "accumulator"}, {"var": "current"}]}]}"#, "6"),
    (#"{"reduce": [[1, 2, 3], {"merge": [{"var": "accumulator"}, {"var": "current"}]}, []]}"#, "[1,2,3]"),
    (#"{"reduce": [["a", "b"], {"cat": [{"var": "accumulator"}, {"var": "current"}]}, ""]}"#, #""ab""#),
    (#"{"map": [{"var": "x"}, 1]}"#, "[]"),
    (#"{"all": [5, true]}"#, "false"),
    (#"{"preserve": {"x": 1, "y": {"var": "a"}}}"#, #"{"x":1,"y":{"var":"a"}}"#),
    (#"{"if": [{}, "empty object", "falsy"]}"#, #""falsy""#),
    (#"{"length": "héllo"}"#, "5"),
    (#"{"length": {"var": "amounts"}}"#, "3"),
  ])
  func evaluatesLikeJsonLogicJS(_ rule: String, _ expected: String) throws {
    let data = #"{"a": null, "b": "", "x": 3, "amounts": [10, 20, 30]}"#
    let actual = try evaluate(rule, data)
    #expect(actual == (try JSON(parsing: expected)), "\(rule) gave \(actual.serialized())")
  }

  @Test func integerArithmeticStaysExactBeyondTwoToThe53() throws {
    let sum = try evaluate(#"{"+": [9007199254740993, 1]}"#)
    #expect(sum.serialized() == "9007199254740994")
    guard case .int = sum else {
      Issue.record("expected an exact integer, got \(sum)")
      return
    }
    #expect(try evaluate(#"{"*": [4611686018427387904, 1]}"#).serialized() == "4611686018427387904")
    #expect(try evaluate(#"{"-": [9223372036854775807, 9223372036854775806]}"#) == 1)
  }

  @Test func doubleOperandGivesADouble() throws {
    guard case .double(let d) = try evaluate(#"{"+": [1, 2.5]}"#) else {
      Issue.record("expected a double")
      return
    }
    #expect(d == 3.5)
  }

  @Test func objectWithSeveralMembersIsAnUnknownOperator() throws {
    let problems = try compileProblems(#"{"a": {"var": "x"}, "b": 2}"#)
    #expect(problems.map(\.type) == ["Unknown Operator"])
  }

  /// Where json-logic-js answered quietly, the community specification fails: the stricter
  /// errors that a rule comparing a date with a number, or reading the wrong field, now meets.
  @Test(arguments: [
    (#"{"<": [2023, "2024-01-01"]}"#, "NaN"),
    (#"{"<": ["a", 1]}"#, "NaN"),
    (#"{">=": [{"var": "amounts"}, 1]}"#, "NaN"),
    (#"{"==": [[1, 2], "1,2"]}"#, "NaN"),
    (#"{"!=": [{"preserve": {}}, 1]}"#, "NaN"),
    (#"{"max": [1, "7"]}"#, "Invalid Arguments"),
    (#"{"min": {"preserve": []}}"#, "Invalid Arguments"),
    (#"{"-": {"preserve": []}}"#, "Invalid Arguments"),
    (#"{"%": {"preserve": [1]}}"#, "Invalid Arguments"),
    (#"{"length": 12}"#, "Invalid Arguments"),
    (#"{"reduce": [[1, 2, 3], {"var": ""}, 0]}"#, "Exceeded Allowed Depth"),
  ])
  func failsWhereJavaScriptAnsweredQuietly(_ rule: String, _ type: String) throws {
    let error = try #require(try evaluationError(rule, #"{"amounts": [10, 20]}"#))
    #expect(error.type == type, "\(rule) threw \(error)")
  }
}

extension LogicClassicOperatorTests {
  @Test(arguments: [
    ("a", "1"), ("b.c", "2"), ("b.d.e", "3"), ("b.d.f.0", "4"), ("b.d.f.1.g", "5"), ("b.d.f.2", "null"),
    ("b.x.e", "null"), ("b.d.e.z", "null"),
  ])
  func readsPathsOfEveryDepth(_ path: String, _ expected: String) throws {
    let data = #"{"a": 1, "b": {"c": 2, "d": {"e": 3, "f": [4, {"g": 5}]}}}"#
    #expect(try evaluate("{\"var\": \"\(path)\"}", data) == (try JSON(parsing: expected)))
  }
}
