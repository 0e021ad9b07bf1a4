import Testing

@testable import PolicyFlowCore

/// The fast matcher must decide exactly as `Regex` does wherever it decides at all: every pattern
/// here is checked against every subject through both.
struct SimplePatternTests {
  static let patterns = [
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "^[A-Z]{2}[0-9]+$", "[0-9]{3,5}", "^a*b?c+$", "x{2,}", "^.+@.+\\..+$", "^[^ ]+$", "ab", "^$",
    "^HP-[0-9]{6}$", "[-_.]", "^[a-c-]+$", "\\$[0-9]", "a.c", "^a{0,2}$", "[^0-9]", "^a.b$", "^.*$",
    // Anchored at both ends with fixed repetitions: checked in one pass.
    "^ab{2}c$", "^[a-c]{3}$", "^x$",
  ]
  static let subjects = [
    "", "a", "ab", "abc", "aab", "acccc", "xx", "xxx", "12", "123", "123456", "NL123", "nl123", "HP-000123",
    "HP-00012", "3f2a9c1e-4b7d-4e8a-9f00-1a2b3c4d5e6f", "3f2a9c1e-4b7d-4e8a-9f00-1a2b3c4d5e6", "ann@example.org",
    "ann@example", "two words", "-", "b-a", "$5", "5$", "a-c", "abc ", "é", "ab\n", "a\nb", "a\u{0B}b", "a\u{0C}c",
    "a\tc", "3F2A9C1E-4B7D-4E8A-9F00-1A2B3C4D5E6F", "3f2a9c1e-4b7d-4e8a-9f00-1a2b3c4d5e6g",
    "3f2a9c1e-4b7d-4e8a-9f00-1a2b3c4d5e6fa", "3f2a9c1e4b7d-4e8a-9f00-1a2b3c4d5e6f0", "HP-1234567", "abbc", "abbbc", "x",
  ]

  @Test(arguments: patterns)
  func decidesLikeRegex(_ source: String) throws {
    let regex = try Regex(source)
    let simple = try #require(SimplePattern(source), "'\(source)' should be in the fast subset")
    for subject in Self.subjects {
      guard let fast = simple.matches(subject) else { continue }
      #expect(fast == subject.contains(regex), "'\(source)' on \(subject.debugDescription)")
    }
  }

  @Test(arguments: ["(a|b)", "\\d+", "a+?", "[[:alpha:]]", "[a&&b]", "^a$|^b$", "\\w", "[]a]", "a{,3}"])
  func leavesEverythingElseToRegex(_ source: String) {
    #expect(SimplePattern(source) == nil)
  }

  @Test func subjectsOutsideASCIIOrWithLineBreaksGoToRegex() throws {
    let simple = try #require(SimplePattern("^a.c$"))
    #expect(simple.matches("aéc") == nil)
    #expect(simple.matches("a\nc") == nil)
    #expect(simple.matches("a\u{0B}c") == nil)
    #expect(simple.matches("a\u{0C}c") == nil)
    #expect(simple.matches("abc") == true)
  }

  @Test func matchesRuleFindsTheSameThroughEitherPath() throws {
    let rule = try LogicExpression.compile(try JSON(parsing: #"{"matches": [{"var": "id"}, "^[A-Z]{2}[0-9]+$"]}"#))
    #expect(try rule.evaluate(["id": "NL123"]) == true)
    #expect(try rule.evaluate(["id": "nl123"]) == false)
    #expect(try rule.evaluate(["id": "ÉL123"]) == false)
  }
}
