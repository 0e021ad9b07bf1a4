/// Text that is not valid JSON, with where it went wrong and what was expected there.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  public var location: SourceLocation
  /// A plain sentence, e.g. "expected ',' or '}' after an object member, found 'x'".
  public var message: String

  public var description: String { "\(location): \(message)" }
}
