import PolicyFlowCore
import Testing

/// Compile problems: every one reported, each at the JSON Pointer of the operator's member or
/// of the offending argument.
struct LogicCompileTests {
  @Test func reportsUnknownOperatorWithSuggestionAtItsMember() throws {
    let problems = try compileProblems(#"{"and": [true, {"sbustr": [1]}]}"#)
    #expect(
      problems == [
        LogicCompileFailure.Problem(
          pointer: "/and/1/sbustr", message: "unknown operator 'sbustr'. Did you mean 'substr'?",
          type: "Unknown Operator")
      ])
  }

  @Test func reportsEveryProblemAtOnce() throws {
    let problems = try compileProblems(
      #"{"or": [{"substr": ["x"]}, {"matches": [{"var": "a"}, "(unclosed"]}, {"date_add": ["2024-01-01", 1, "weeks"]}, {"frobnicate": 1}]}"#
    )
    #expect(problems.map(\.pointer) == ["/or/0/substr", "/or/1/matches/1", "/or/2/date_add/2", "/or/3/frobnicate"])
    #expect(problems[0].message == "'substr' takes 2 or 3 arguments, found 1")
    #expect(problems[1].message.hasPrefix("invalid regular expression \"(unclosed\""))
    #expect(problems[2].message.hasPrefix("unknown date unit \"weeks\""))
    #expect(problems[3].message == "unknown operator 'frobnicate'. The README's JsonLogic section lists the operators.")
  }

  /// An operator of another rule language is answered with JsonLogic's name for it.
  @Test func anOperatorOfAnotherLanguageIsNamedInJsonLogic() throws {
    // Before the closest JsonLogic name by spelling ('now' for 'not').
    #expect(
      try compileProblems(#"{"not": true}"#).map(\.message) == ["unknown operator 'not'. JsonLogic writes it '!'."])
    let problems = try compileProblems(#"{"contains": ["a", {"var": "s"}]}"#)
    #expect(
      problems.map(\.message) == [
        "unknown operator 'contains'. JsonLogic writes it 'in', with the value first: {\"in\": [value, list or text]}."
      ])
    // A comparison written backwards or as one sign: '==' was suggested for '=>' (rule author trial).
    for (written, meant) in [("=>", ">="), ("=<", "<="), ("≥", ">="), ("≠", "!=")] {
      #expect(
        try compileProblems(#"{""# + written + #"": [1, 2]}"#).map(\.message) == [
          "unknown operator '\(written)'. JsonLogic writes it '\(meant)'."
        ])
    }
  }

  @Test(arguments: [
    (#"{"!": [1, 2]}"#, "/!", "'!' takes 1 argument, found 2"),
    (#"{"today": [1]}"#, "/today", "'today' takes no arguments, found 1"),
    (#"{"max": []}"#, "/max", "'max' takes at least 1 argument, found 0"),
    (#"{"var": ["a", 1, 2]}"#, "/var", "'var' takes 0 to 2 arguments, found 3"),
    (#"{"/": [{"<": [1]}, 2]}"#, "/~1/0/<", "'<' takes at least 2 arguments, found 1"),
    (#"{"%": [1]}"#, "/%", "'%' takes at least 2 arguments, found 1"),
    (#"{"and": true}"#, "/and", "'and' needs an array of arguments, found true"),
    (#"{"if": {"var": "x"}}"#, "/if", "'if' needs an array of arguments, found {\"var\":\"x\"}"),
    (#"{"has_message": ["A", 3]}"#, "/has_message/1", "'has_message' needs message codes (strings), found 3"),
  ])
  func reportsArgumentProblems(_ rule: String, _ pointer: String, _ message: String) throws {
    let problems = try compileProblems(rule)
    #expect(problems == [LogicCompileFailure.Problem(pointer: pointer, message: message)])
  }

  @Test func acceptsEveryDocumentedShape() throws {
    for rule in [
      #"{"if": []}"#, #"{"merge": []}"#, #"{"missing": []}"#, #"{"var": []}"#, #"{"today": []}"#,
      #"{"matches": [{"var": "a"}, {"var": "b"}]}"#, #"{"date_add": [{"var": "d"}, 1, {"var": "unit"}]}"#,
      #"{"preserve": {"sbustr": 1}}"#, #"{}"#, #"{"preserve": {"a": 1, "b": 2}}"#, #"{"+": {"var": "a"}}"#,
    ] {
      #expect(try compileProblems(rule).isEmpty, "\(rule)")
    }
  }

  @Test func keepsTheSource() throws {
    let rule = try JSON(parsing: #"{"var": "a"}"#)
    #expect(try LogicExpression.compile(rule).source == rule)
  }
}
