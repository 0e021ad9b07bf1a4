import Testing

@testable import PolicyFlowCore

/// "Did you mean" for a code that is a typo of a known one, or shortens each of its words.
struct SuggestionTests {
  static let codes = ["HIGH_RISK_DESTINATION_PEND", "HIGH_RISK_DESTINATION", "MSG_TRIP_TOO_LONG", "MSG_TRIP_TOO_SHORT"]

  @Test(arguments: [
    ("HIGH_RISK_DESTINATON", "HIGH_RISK_DESTINATION"),
    ("HIGH_RISK_DEST_PEND", "HIGH_RISK_DESTINATION_PEND"),
    ("high_risk_dest", "HIGH_RISK_DESTINATION"),
  ])
  func aTypoOrAnAbbreviationIsSuggested(_ word: String, _ expected: String) {
    #expect(Suggestion.closest(to: word, among: Self.codes) == expected)
  }

  /// An abbreviation that fits two codes, or words of another number, suggests nothing.
  @Test(arguments: ["MSG_TRIP_TOO", "MSG_TRIP_T_X", "PEND"])
  func anAmbiguousOrUnlikeWordGetsNoSuggestion(_ word: String) {
    #expect(Suggestion.closest(to: word, among: Self.codes + ["MSG_TRIP_TOO_LATE"]) == nil)
  }
}
