import Foundation
import PolicyFlowCore

/// The JsonLogic conformance suites kept in `shared/conformance` beside the clone
/// (`<packageRoot>/../shared/conformance`; its README describes both formats).
struct ConformanceSuite {
  /// What a case expects: a result (deep equality, numbers by value) or an error of a type.
  enum Expectation: CustomStringConvertible {
    case result(JSON)
    case error(type: String)

    var description: String {
      switch self {
      case .result(let value): value.serialized()
      case .error(let type): "an error of type \(type)"
      }
    }
  }

  struct Case {
    /// The suite file, relative to the conformance folder.
    var file: String
    var description: String
    var rule: JSON
    var data: JSON
    var expected: Expectation
  }

  static let directory = PolicyFlowBinary.packageRoot.deletingLastPathComponent()
    .appendingPathComponent("shared/conformance")

  /// Every case of `community/**/*.json`, files in path order.
  static func community() throws -> [Case] {
    let root = directory.appendingPathComponent("community")
    let files = try FileManager.default.subpathsOfDirectory(atPath: root.path)
      .filter { $0.hasSuffix(".json") }.sorted()
    return try files.flatMap { try cases(in: "community/\($0)") }
  }

  /// Every case of `jsonlogic-tests.json`.
  static func jsonLogic() throws -> [Case] { try cases(in: "jsonlogic-tests.json") }

  /// One file's cases: `{"description", "rule", "data"?, "result" | "error"}` objects or
  /// `[rule, data, expected]` arrays; strings are comments (the jsonlogic.com suite's section
  /// titles, which name the cases after them).
  static func cases(in file: String) throws -> [Case] {
    let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    guard case .array(let entries) = try JSON(parsing: text) else { return [] }
    var section = ""
    var result: [Case] = []
    for (index, entry) in entries.enumerated() {
      switch entry {
      case .string(let comment):
        section = comment
      case .array(let triple) where triple.count == 3:
        let description = "#\(index) \(section) \(triple[0].serialized())"
        result.append(
          Case(file: file, description: description, rule: triple[0], data: triple[1], expected: .result(triple[2])))
      case .object(let object):
        guard let rule = object["rule"] else { continue }
        let expected: Expectation
        if let value = object["result"] {
          expected = .result(value)
        } else {
          expected = .error(type: object["error"]?[path: "type"]?.stringValue ?? "")
        }
        let description = object["description"]?.stringValue ?? "#\(index)"
        result.append(
          Case(file: file, description: description, rule: rule, data: object["data"] ?? .null, expected: expected))
      default:
        continue
      }
    }
    return result
  }

  /// Runs every case through `policyflow logic eval --jsonl` and returns a sentence for each one
  /// that fails: its file, description, what it expected and what it got.
  static func failures(_ cases: [Case]) throws -> [String] {
    let input = cases.map { (["rule": $0.rule, "data": $0.data] as JSON).serialized() }.joined(separator: "\n")
    let run = try PolicyFlowBinary.run(["logic", "eval", "--jsonl"], stdin: input + "\n")
    let lines = run.stdout.split(separator: "\n").map(String.init)
    guard run.exitCode == 0, lines.count == cases.count else {
      return [
        "logic eval --jsonl exited \(run.exitCode) with \(lines.count) lines for \(cases.count) cases: \(run.stderr)"
      ]
    }
    var failures: [String] = []
    for (testCase, line) in zip(cases, lines) {
      let output = try JSON(parsing: line)
      let passed: Bool
      switch testCase.expected {
      case .result(let value): passed = output[path: "result"].map { sameValue($0, value) } ?? false
      case .error(let type): passed = output[path: "error.type"]?.stringValue == type
      }
      if !passed {
        failures.append("\(testCase.file): \(testCase.description): expected \(testCase.expected), got \(line)")
      }
    }
    return failures
  }

  /// Deep equality with numbers compared by value (`1` equals `1.0`).
  static func sameValue(_ a: JSON, _ b: JSON) -> Bool {
    switch (a, b) {
    case (.int, .int), (.int, .double), (.double, .int), (.double, .double):
      return JSON.compareNumbers(a, b) == .orderedSame
    case (.array(let x), .array(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
    case (.object(let x), .object(let y)):
      return x.count == y.count && x.keys.allSatisfy { key in y[key].map { sameValue(x[key]!, $0) } ?? false }
    default:
      return a == b
    }
  }
}
