/// One way a test's outcome departs from its expectation: what was expected and what happened.
public struct TestDifference: Sendable, Hashable, CustomStringConvertible {
  /// The expectation member (`status`, `messages`…), or the dotted path of a derived field.
  public var member: String
  public var expected: String
  public var actual: String
  /// Where the expectation is written.
  public var location: SourceLocation
  /// Codes expected but not attached (messages, pend reasons).
  public var missing: [String]
  /// Codes attached but not expected.
  public var unexpected: [String]

  init<Value>(
    member: String, expected: String, actual: String, at written: TestExpectation.Member<Value>,
    missing: [String] = [], unexpected: [String] = []
  ) {
    self.member = member
    self.expected = expected
    self.actual = actual
    self.location = written.location
    self.missing = missing
    self.unexpected = unexpected
  }

  /// A short diff: `status: expected Pended, got Approved`, or for lists what is missing and
  /// what is extra, then what the cycle attached
  /// (`messages: missing MSG_SENIOR_APPLICANT (got MSG_AGE_AT_START)`); a list where none was
  /// expected reads `pendReasons: expected none, got UNDERWRITER_REFERRAL`.
  public var description: String {
    let expectedNone = missing.isEmpty && expected == "none"
    if (missing.isEmpty && unexpected.isEmpty) || expectedNone {
      return "\(member): expected \(expected), got \(actual)"
    }
    var parts: [String] = []
    if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
    if !unexpected.isEmpty { parts.append("unexpected \(unexpected.joined(separator: ", "))") }
    return "\(member): \(parts.joined(separator: ", ")) (got \(actual))"
  }
}
