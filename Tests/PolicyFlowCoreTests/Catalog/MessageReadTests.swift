import Testing

@testable import PolicyFlowCore

/// A `has_message` that names a code no message has can never be true: the catalog is refused
/// at the code, with the closest message named (a stored catalog only warns, so that what runs on
/// it keeps running).
struct MessageReadTests {
  static let flow = """
    {
      "code": "MAIN", "description": "Main.", "default": true, "active": true,
      "steps": [
        {
          "sequence": 10, "name": "checks", "displayName": "Checks", "resolvers": { "roles": ["administrator"] },
          "rules": [{ "sequence": 10, "rule": "SMOKER" }, { "sequence": 20, "rule": "REVIEW_SMOKER" }]
        }
      ]
    }
    """

  static func rules(condition: String) -> String {
    """
    {
      "messages": [{ "code": "MSG_SMOKER", "severity": "informative", "text": "Smoker." }],
      "pendReasons": [{ "code": "REVIEW", "description": "Review.", "reattach": true }],
      "validationRules": [
        { "code": "SMOKER", "description": "Smoker.", "level": "policy", "condition": { "var": "smoker" },
          "message": "MSG_SMOKER" }
      ],
      "pendRules": [
        { "code": "REVIEW_SMOKER", "description": "Review smokers.",
          "condition": \(condition), "pendReason": "REVIEW" }
      ]
    }
    """
  }

  static func load(condition: String, isStored: Bool = false) -> CatalogLoadResult {
    CatalogLoader.load(
      files: [
        CatalogFile(path: "flows/main.json", contents: flow),
        CatalogFile(path: "rules/rules.json", contents: rules(condition: condition)),
      ], isStored: isStored)
  }

  @Test func anUnknownCodeInHasMessageIsRefusedWhereItIsWritten() throws {
    let result = Self.load(condition: #"{ "and": [true, { "has_message": ["MSG_SMOKER", "MSG_SMOKR"] }] }"#)
    #expect(result.catalog == nil)
    #expect(
      result.findings.errors.map(\.description) == [
        "rules/rules.json:10:68: error: unknown message 'MSG_SMOKR' in 'has_message': no rule can attach it, so the "
          + "test is always false; did you mean 'MSG_SMOKER'? name a message of the catalog"
      ])
  }

  @Test func knownCodesLoadAndAStoredCatalogOnlyWarns() throws {
    #expect(Self.load(condition: #"{ "has_message": "MSG_SMOKER" }"#).findings.errors.isEmpty)
    let stored = Self.load(condition: #"{ "has_message": "MSG_GONE" }"#, isStored: true)
    #expect(stored.catalog != nil)
    #expect(stored.findings.warnings.contains { $0.message.hasPrefix("unknown message 'MSG_GONE' in 'has_message'") })
  }
}

/// Braces in a message text that look like a placeholder and are none would be shown as written.
struct MessageBraceTests {
  @Test func aNumberOfTwoDigitsIsRefusedAndANameOrAnOpenBraceIsWarned() throws {
    let rules = MessageReadTests.rules(condition: "true").replacingOccurrences(
      of: #""text": "Smoker.""#, with: #""text": "Smoker {3} list {x} {03} {3. {10} {{3}} {}""#)
    let result = CatalogLoader.load(
      files: [
        CatalogFile(path: "flows/main.json", contents: MessageReadTests.flow),
        CatalogFile(path: "rules/rules.json", contents: rules),
      ])
    #expect(result.catalog == nil)
    #expect(
      Set(result.findings.map(\.message).filter { $0.contains(" has ") }) == [
        "message 'MSG_SMOKER' has {x}, which is no placeholder and is shown as written: placeholders are numbered, "
          + "{0} to {9} ({3} is the rule's first value)",
        "message 'MSG_SMOKER' has {03}, which is no placeholder: placeholders are {0} to {9}, one digit each ({3} is "
          + "the rule's first value)",
        "message 'MSG_SMOKER' has '{' before 3 with no '}' after it: the text shows it as written; write a "
          + "placeholder as {3}",
        "message 'MSG_SMOKER' has {10}, which is no placeholder: placeholders are {0} to {9}, one digit each ({3} is "
          + "the rule's first value)",
      ], "\(result.findings)")
  }
}
