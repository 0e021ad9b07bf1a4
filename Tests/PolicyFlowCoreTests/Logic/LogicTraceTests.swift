import PolicyFlowCore
import Testing

/// What a traced evaluation records.
struct LogicTraceTests {
  @Test func recordsEveryReadInOrderWithMissingAsNil() throws {
    let expression = try LogicExpression.compile(
      try JSON(
        parsing:
          #"{"and": [{">=": [{"var": "applicant.age"}, 18]}, {"==": [{"var": ["policy.missing", "x"]}, "x"]}, {"val": ["policy", "state"]}, {"has_message": ["A", "B"]}]}"#
      ))
    let data = try JSON(parsing: #"{"applicant": {"age": 42}, "policy": {"state": "NY"}}"#)
    var trace = LogicTrace()
    let result = try expression.evaluate(data, in: LogicContext(messageCodes: ["B"]), trace: &trace)
    #expect(result == true)
    #expect(
      trace.reads == [
        LogicTrace.Read(path: "applicant.age", value: 42),
        LogicTrace.Read(path: "policy.missing", value: nil),
        LogicTrace.Read(path: "policy.state", value: "NY"),
        LogicTrace.Read(path: "has_message A", value: false),
        LogicTrace.Read(path: "has_message B", value: true),
      ])
  }

  @Test func shortCircuitedOperandsAreNotRead() throws {
    let expression = try LogicExpression.compile(try JSON(parsing: #"{"or": [{"var": "a"}, {"var": "b"}]}"#))
    var trace = LogicTrace()
    _ = try expression.evaluate(try JSON(parsing: #"{"a": 1}"#), trace: &trace)
    #expect(trace.reads.map(\.path) == ["a"])
  }

  @Test func iteratedArraysAndOuterReadsAreTracedButNotElementReads() throws {
    let expression = try LogicExpression.compile(
      try JSON(parsing: #"{"map": [{"var": "items"}, {"+": [{"var": "qty"}, {"val": [[2], "bonus"]}]}]}"#))
    var trace = LogicTrace()
    #expect(throws: LogicError.self) {
      _ = try expression.evaluate(
        try JSON(parsing: #"{"items": [{"qty": 1}, {"qty": "many"}], "bonus": 1}"#), trace: &trace)
    }
    // Element reads (qty) are not traced: the array was, whole. The outer bonus is traced once.
    #expect(trace.reads.map(\.path) == ["items", "../../bonus"])
    #expect(trace.reads[0].value == [["qty": 1], ["qty": "many"]])
  }

  @Test func untracedAndTracedEvaluationAgree() throws {
    let expression = try LogicExpression.compile(try JSON(parsing: #"{"cat": [{"var": "a"}, {"var": "b"}]}"#))
    let data = try JSON(parsing: #"{"a": "x", "b": 2}"#)
    var trace = LogicTrace()
    #expect(try expression.evaluate(data) == (try expression.evaluate(data, trace: &trace)))
  }
}
