import Testing

@testable import PolicyFlowCore

/// A catalog with a multi-megabyte string where a short code belongs: the findings quote an
/// excerpt, and loading takes time in proportion to the file (it took minutes when every
/// unknown code was compared with every known one, character by character, for a suggestion).
struct LargeValueFindingTests {
  static let huge = String(repeating: "C", count: 2_000_000)

  static func rules(messageCode: String, reference: String, ruleCode: String) -> String {
    """
    {
      "messages": [{ "code": "\(messageCode)", "severity": "fatal", "text": "Bad." }],
      "validationRules": [
        { "code": "\(ruleCode)", "description": "A rule.", "level": "policy", "condition": true, "message": "\(reference)" }
      ]
    }
    """
  }

  @Test func hugeCodesAreQuotedAsShortExcerpts() throws {
    // The reference is almost the message code, so a suggestion search would compare them.
    let rules = Self.rules(messageCode: Self.huge, reference: Self.huge + "D", ruleCode: Self.huge)
    let start = ContinuousClock.now
    let result = CatalogLoader.load(files: [CatalogFile(path: "rules/rules.json", contents: rules)])
    #expect(ContinuousClock.now - start < .seconds(120), "not quadratic in the value's size")
    #expect(result.catalog == nil)
    let unknown = try #require(result.findings.first { $0.message.hasPrefix("unknown message") })
    #expect(
      unknown.message.hasPrefix("unknown message '\(String(repeating: "C", count: Excerpt.length))…' (2000001 bytes)"))
    for finding in result.findings {
      #expect(finding.description.utf8.count < 400, "\(finding.description.prefix(400))")
    }
  }

  @Test func aHugeStepNameIsQuotedAsAnExcerptInTheFindingsThatNameTheStep() throws {
    let flow = """
      {
        "code": "MAIN", "description": "Main.", "default": true, "active": true,
        "steps": [
          {
            "sequence": 10, "name": "\(String(repeating: "s", count: 100_000))", "displayName": "Checks",
            "resolvers": { "roles": ["administrator"] }, "rules": [{ "sequence": 10, "rule": "NO_SUCH_RULE" }]
          }
        ]
      }
      """
    let result = CatalogLoader.load(files: [CatalogFile(path: "flows/main.json", contents: flow)])
    let unknown = try #require(result.findings.first { $0.message.hasPrefix("unknown rule") })
    #expect(unknown.message.contains("in step '\(String(repeating: "s", count: Excerpt.length))…' (100000 bytes)"))
    for finding in result.findings { #expect(finding.description.utf8.count < 400) }
  }

  @Test func shortCodesAreQuotedWhole() throws {
    let rules = Self.rules(messageCode: "MSG_BAD", reference: "MSG_BDA", ruleCode: "R1")
    let result = CatalogLoader.load(files: [CatalogFile(path: "rules/rules.json", contents: rules)])
    let unknown = try #require(result.findings.first { $0.message.hasPrefix("unknown message") })
    #expect(unknown.message == "unknown message 'MSG_BDA' in rule 'R1'; did you mean 'MSG_BAD'?")
  }

  @Test(arguments: [
    ("ABC", "'ABC'"), (String(repeating: "é", count: 61), "'\(String(repeating: "é", count: 60))…' (122 bytes)"),
    (String(repeating: "x", count: 60), "'\(String(repeating: "x", count: 60))'"),
  ])
  func excerptsCutLongValuesOnly(_ value: String, _ expected: String) {
    #expect(Excerpt.name(value) == expected)
  }
}
