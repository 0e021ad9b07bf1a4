import PolicyFlowCore
import Testing

/// jsonlogic.com operators beyond the conformance suite: JavaScript coercions, formatting and
/// exact integers.
struct LogicClassicOperatorTests {
  @Test(arguments: [
    // JavaScript loose equality.
    (#"{"==": [0, ""]}"#, "true"),
    (#"{"==": [null, 0]}"#, "false"),
    (#"{"==": [null, null]}"#, "true"),
    (#"{"==": [true, 1]}"#, "true"),
    (#"{"==": [true, "1"]}"#, "true"),
    (#"{"==": [false, ""]}"#, "true"),
    (#"{"==": ["1.0", 1]}"#, "true"),
    (#"{"==": [[1, 2], "1,2"]}"#, "true"),
    (#"{"==": [1, 1.0]}"#, "true"),
    (#"{"===": [1, 1.0]}"#, "true"),
    (#"{"!=": [null, false]}"#, "true"),
    // Relational comparisons.
    (#"{"<": ["5", 10]}"#, "true"),
    (#"{"<": ["10", "5"]}"#, "true"),
    (#"{"<": ["a", 1]}"#, "false"),
    (#"{">=": ["a", 1]}"#, "false"),
    (#"{"<": [null, 1]}"#, "true"),
    (#"{"<=": [1, 1, 1]}"#, "true"),
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
    (#"{"max": [1, "7", 3.5]}"#, "7"),
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
    // A body that keeps each step's data: every step stays as it was (the step object is reused).
    (
      #"{"reduce": [[1, 2, 3], {"var": ""}, 0]}"#,
      #"{"current":3,"accumulator":{"current":2,"accumulator":{"current":1,"accumulator":0}}}"#
    ),
    (#"{"reduce": [["a", "b"], {"cat": [{"var": "accumulator"}, {"var": "current"}]}, ""]}"#, #""ab""#),
    (#"{"map": [{"var": "x"}, 1]}"#, "[]"),
    (#"{"all": [5, true]}"#, "false"),
    (#"{"x": 1, "y": {"var": "a"}}"#, #"{"x":1,"y":{"var":"a"}}"#),
  ])
  func evaluatesLikeJsonLogicJS(_ rule: String, _ expected: String) throws {
    let data = #"{"a": null, "b": "", "x": 3}"#
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

  @Test func objectWithSeveralMembersIsALiteralAndItsValuesAreNotEvaluated() throws {
    let result = try evaluate(#"{"a": {"var": "x"}, "b": 2}"#, #"{"x": 1}"#)
    #expect(result == (try JSON(parsing: #"{"a": {"var": "x"}, "b": 2}"#)))
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
