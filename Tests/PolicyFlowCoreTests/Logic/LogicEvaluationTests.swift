import PolicyFlowCore
import Testing

/// The command-line entry points: one JSON line in, exactly one JSON line out.
struct LogicEvaluationTests {
  @Test(arguments: [
    (#"{"rule": {"+": [{"var": "a"}, 1]}, "data": {"a": 41}}"#, #"{"result":42}"#),
    (#"{"rule": {"var": "a"}}"#, #"{"result":null}"#),
    (#"{"rule": {"cat": ["line\nbreak"]}}"#, #"{"result":"line\nbreak"}"#),
    (#"{"rule": {"+": ["abc"]}}"#, #"{"error":{"type":"NaN","message":"'+' cannot use \"abc\" as a number"}}"#),
    (#"{"rule": {"throw": "Declined"}}"#, #"{"error":{"type":"Declined","message":"Declined"}}"#),
    (
      #"{"rule": {"sbustr": ["a", 1]}}"#,
      #"{"error":{"type":"Unknown Operator","message":"/sbustr: unknown operator 'sbustr'. Did you mean 'substr'?"}}"#
    ),
    (
      #"[1, 2]"#,
      #"{"error":{"type":"Invalid Input","message":"expected an object with \"rule\" and \"data\", found array"}}"#
    ),
    (#"{"data": 1}"#, #"{"error":{"type":"Invalid Input","message":"missing \"rule\""}}"#),
  ])
  func answersOneLine(_ line: String, _ expected: String) {
    let output = LogicEvaluation.evaluateLine(line, context: LogicContext())
    #expect(output == expected)
    #expect(!output.contains("\n"))
  }

  @Test(arguments: [
    #"{"rule": {"date_add": ["2024-01-01", 9223372036854775807, "days"]}}"#,
    #"{"rule": {"date_add": ["2024-01-01", -1e300, "months"]}}"#,
    #"{"rule": {"val": [[1e300], "x"]}}"#,
    #"{"rule": {"substr": ["abc", -9223372036854775808, 9223372036854775807]}}"#,
    #"{"rule": {"%": [-9223372036854775808, -1]}}"#,
    #"{"rule": {"/": [-9223372036854775808, -1]}}"#,
    #"{"rule": {"-": [-9223372036854775808]}}"#,
    #"{"rule": {"matches": ["a", {"cat": ["[", ""]}]}}"#,
    #"{"rule": {"var": 1e300}}"#,
  ])
  func hostileInputGivesALineNotACrash(_ line: String) throws {
    let output = LogicEvaluation.evaluateLine(line, context: LogicContext())
    let parsed = try JSON(parsing: output)
    #expect(parsed["result"] != nil || parsed["error"] != nil, "\(output)")
  }

  @Test func malformedJSONIsAnErrorLine() throws {
    let output = LogicEvaluation.evaluateLine(#"{"rule": "#, context: LogicContext())
    let parsed = try JSON(parsing: output)
    #expect(parsed["error"]?["type"] == "Invalid JSON")
    #expect(!output.contains("\n"))
  }

  @Test func evaluateReturnsAResult() throws {
    let rule = try JSON(parsing: #"{"days_between": ["2024-01-01", {"today": []}]}"#)
    let context = LogicContext(now: Timestamp(iso8601: "2024-01-11T09:00:00Z")!)
    #expect(try LogicEvaluation.evaluate(rule: rule, data: .null, context: context).get() == 10)
    let bad = LogicEvaluation.evaluate(rule: ["!": [1, 2]], data: .null, context: context)
    #expect(throws: LogicError.self) { try bad.get() }
  }
}

extension JSON {
  fileprivate subscript(_ name: String) -> JSON? { objectValue?[name] }
}
