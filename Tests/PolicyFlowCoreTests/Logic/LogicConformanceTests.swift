import Foundation
import PolicyFlowCore
import Testing

/// The jsonlogic.com conformance suite, every case.
struct LogicConformanceTests {
  struct Case: CustomTestStringConvertible, Sendable {
    let section: String
    let rule: JSON
    let data: JSON
    let expected: JSON

    var testDescription: String { "\(section): \(rule.serialized()) with \(data.serialized())" }
  }

  static let cases: [Case] = {
    let url = #filePath.split(separator: "/").dropLast(2).joined(separator: "/")
    let path = "/" + url + "/Fixtures/jsonlogic-tests.json"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8),
      case .array(let entries) = try? JSON(parsing: text)
    else { return [] }
    var section = ""
    var cases: [Case] = []
    for entry in entries {
      switch entry {
      case .string(let comment): section = comment
      case .array(let triple) where triple.count == 3:
        cases.append(Case(section: section, rule: triple[0], data: triple[1], expected: triple[2]))
      default: continue
      }
    }
    return cases
  }()

  @Test func suiteIsLoaded() {
    #expect(Self.cases.count > 250)
  }

  @Test(arguments: cases)
  func conforms(_ testCase: Case) throws {
    let expression = try LogicExpression.compile(testCase.rule)
    let actual = try expression.evaluate(testCase.data)
    #expect(
      actual == testCase.expected,
      "rule \(testCase.rule.serialized()) data \(testCase.data.serialized()): expected \(testCase.expected.serialized()), got \(actual.serialized())"
    )
  }
}
