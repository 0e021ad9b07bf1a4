/// Text that is not valid JSON, with where it went wrong and what was expected there.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  public var location: SourceLocation
  /// A plain sentence, e.g. "expected ',' or '}' after an object member, found 'x'".
  public var message: String
  /// The text is JSON, but a strict parse refused what its value would lose (a name given twice,
  /// an integer beyond 64 bits).
  public var isValidJSON = false

  public var description: String { "\(location): \(message)" }
}
