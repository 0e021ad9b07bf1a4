import Foundation
import PolicyFlowCore
import Testing

/// `policyflow logic eval` through the binary.
struct LogicEvalTests {
  @Test func evaluatesARuleAgainstData() throws {
    let result = try PolicyFlowBinary.run([
      "logic", "eval", "--rule", #"{"if": [{">": [{"var": "sum"}, 1000]}, "review", "ok"]}"#, "--data",
      #"{"sum": 5000}"#,
    ])
    #expect(result.exitCode == 0)
    #expect(result.stdout == "\"review\"\n")
    #expect(result.stderr.isEmpty)
  }

  @Test func largeIntegersStayExact() throws {
    let result = try PolicyFlowBinary.run(["logic", "eval", "--rule", #"{"+": [9007199254740993, 1]}"#])
    #expect(result.stdout == "9007199254740994\n")
  }

  @Test func malformedRuleJSONIsAUsageError() throws {
    let result = try PolicyFlowBinary.run(["logic", "eval", "--rule", #"{"+": [1,"#])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: Invalid JSON for '--rule <json>'"))
  }

  @Test func jsonlWritesOneLinePerInputLineInOrderEvenForBadLines() throws {
    let input = [
      #"{"rule": {"var": "a"}, "data": {"a": 1}}"#,
      #"not json"#,
      #"{"rule": {"+": ["abc", 1]}}"#,
      #"[1, 2]"#,
      #"{"rule": {"cat": ["x", {"var": "b"}]}, "data": {"b": 2}}"#,
      #"{"rule": {"nosuchop": [1]}}"#,
      #"{"rule": {"var": "a"}}"#,
    ].joined(separator: "\n")
    let result = try PolicyFlowBinary.run(["logic", "eval", "--jsonl"], stdin: input + "\n")
    #expect(result.exitCode == 0)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    try #require(lines.count == 7)
    let parsed = try lines.map { try JSON(parsing: $0) }
    #expect(parsed[0] == ["result": 1])
    #expect(parsed[1][path: "error.type"] != nil)
    #expect(parsed[2][path: "error.type"] == "NaN")
    #expect(parsed[3][path: "error.type"] != nil)
    #expect(parsed[4] == ["result": "x2"])
    #expect(parsed[5][path: "error.message"]?.stringValue?.contains("nosuchop") == true)
    #expect(parsed[6] == ["result": nil])
  }

  /// A line that is not UTF-8 is answered with an error naming the byte, not read with the byte
  /// replaced (it answered "\u{FFFD}"); the lines around it, Windows line ends included, as usual.
  @Test func jsonlAnswersALineThatIsNotUTF8WithAnError() throws {
    let script =
      #"printf '{"rule":{"var":"a"},"data":{"a":"\377"}}\n{"rule":{"var":"a"},"data":{"a":"x"}}\r\n' | "#
      + "'\(PolicyFlowBinary.executable.path)' logic eval --jsonl"
    let result = try PolicyFlowBinary.run(["-c", script], program: URL(fileURLWithPath: "/bin/sh"))
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(
      result.stdout
        == #"{"error":{"type":"Invalid JSON","message":"the line is not UTF-8 text at column 34 (byte 0xFF)"}}"#
        + "\n" + #"{"result":"x"}"# + "\n")
  }

  /// The jsonlogic.com suite, fed through the binary line by line, must agree case by case.
  @Test func jsonlAgreesWithTheJsonLogicSuite() throws {
    let suiteURL = PolicyFlowBinary.packageRoot.appendingPathComponent(
      "Tests/PolicyFlowCoreTests/Fixtures/jsonlogic-tests.json")
    let suite = try JSON(parsing: String(contentsOf: suiteURL, encoding: .utf8))
    let cases = (suite.arrayValue ?? []).compactMap { $0.arrayValue }.filter { $0.count == 3 }
    try #require(cases.count > 250)
    let input = cases.map { (["rule": $0[0], "data": $0[1]] as JSON).serialized() }.joined(separator: "\n")
    let result = try PolicyFlowBinary.run(["logic", "eval", "--jsonl"], stdin: input + "\n")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    try #require(lines.count == cases.count)
    for (testCase, line) in zip(cases, lines) {
      let output = try JSON(parsing: line)
      #expect(output == ["result": testCase[2]], "rule \(testCase[0]) data \(testCase[1])")
    }
  }
}
