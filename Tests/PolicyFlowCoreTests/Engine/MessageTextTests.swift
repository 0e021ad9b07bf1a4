import Testing

@testable import PolicyFlowCore

/// Placeholders filled from policy data: the text grows with the template, not with the data.
struct MessageTextTests {
  @Test func aHugeValueIsCutInEveryPlaceholder() {
    let huge = JSON.string(String(repeating: "x", count: 1_000_000))
    let value = MessageText.display(huge)
    #expect(value == String(repeating: "x", count: MessageText.maximumValueLength) + "…")
    let text = MessageText.fill("{3} {3} {3} {3} {3}", with: ["R", "d", "policy", value])
    #expect(text.utf8.count < 5 * (MessageText.maximumValueLength + 4))
  }

  @Test(arguments: [
    (JSON.string("Anna"), "Anna"), (JSON.int(250_000), "250000"), (["a": 1] as JSON, #"{"a":1}"#),
    (JSON.string(String(repeating: "é", count: 200)), String(repeating: "é", count: 200)),
  ])
  func shortValuesAreShownWhole(_ value: JSON, _ expected: String) {
    #expect(MessageText.display(value) == expected)
  }
}
