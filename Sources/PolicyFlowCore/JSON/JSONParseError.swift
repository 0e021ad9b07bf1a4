/// Text that is not valid JSON, with where it went wrong and what was expected there.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
  public var location: SourceLocation
  /// A plain sentence, e.g. "expected ',' or '}' after an object member, found 'x'".
  public var message: String
  /// The text is JSON, but a strict parse refused what its value would lose (a name given twice,
  /// an integer beyond 64 bits).
  public var isValidJSON = false
  /// Strict: where in the value the refused part lies, outermost first (member names and array
  /// indexes), so that a policy's finding names its field; empty for text that is not JSON.
  public var path: [String] = []
  /// Strict: the number refused, as written (an integer beyond 64 bits, a number with a fraction
  /// or an exponent from 2^53 on).
  public var refusedNumber: String?

  public var description: String { "\(location): \(message)" }
}
