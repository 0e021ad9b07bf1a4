import PolicyFlowCore
import Testing

/// What `flows check` learns from one evaluation: the result, and the changed rules of the
/// language the answer rested on.
struct LogicCompatibilityReportTests {
  @Test(arguments: [
    (#"{"!": {"var": "extras"}}"#, #"{"extras": {}}"#, "{} is now false (it was true)"),
    (#"{"var": "extras"}"#, #"{"extras": {}}"#, "{} is now false (it was true)"),
    (#"{"!=": [{"var": "discount"}, false]}"#, #"{"discount": null}"#, "null != false is now false (it was true)"),
    (#"{"==": [0, 0, {"var": "discount"}]}"#, #"{"discount": null}"#, "null == 0 is now true (it was false)"),
    (
      #"{">": [{"+": {"var": "amounts"}}, 10]}"#, #"{"amounts": [5, 6]}"#,
      "'+' now takes the elements of the array its operand computes as its arguments (before, the array was one argument)"
    ),
  ])
  func notesAChangedAnswer(_ rule: String, _ data: String, _ change: String) throws {
    let expression = try LogicExpression.compile(try JSON(parsing: rule))
    let report = expression.compatibilityReport(for: try JSON(parsing: data))
    #expect(report.changes == [change])
  }

  @Test func notesNothingWhereTheAnswerIsAsBefore() throws {
    let expression = try LogicExpression.compile(
      try JSON(parsing: #"{"and": [{"==": [{"var": "a"}, 1]}, {"!!": {"var": "b"}}, {"+": [1, 2]}]}"#))
    let report = expression.compatibilityReport(for: try JSON(parsing: #"{"a": 1, "b": {"x": 1}}"#))
    #expect(report.changes.isEmpty)
    #expect(try report.result.get() == 3, "and gives its last operand")
  }

  @Test func aStricterErrorIsAFailedResult() throws {
    let expression = try LogicExpression.compile(try JSON(parsing: #"{"<": [{"var": "start"}, 20270101]}"#))
    let report = expression.compatibilityReport(for: try JSON(parsing: #"{"start": "2026-01-01"}"#))
    #expect(throws: LogicError.self) { try report.result.get() }
  }
}
