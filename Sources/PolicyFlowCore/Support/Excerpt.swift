/// A short quotation of a value for a finding or an error message: a message about a
/// multi-megabyte string says what is wrong with it without printing it back.
public enum Excerpt {
  /// Characters of a string quoted before the rest is summarised.
  public static let length = 60

  /// `text` as a JSON string literal, cut after ``length`` characters with a note of how many
  /// were left out: `"AAAA…" (2,000,000 characters)`. Costs time in the excerpt, not the text.
  public static func quoted(_ text: String) -> String {
    var shown = ""
    var index = text.startIndex
    var count = 0
    while index < text.endIndex, count < length {
      shown.append(text[index])
      index = text.index(after: index)
      count += 1
    }
    let literal = JSON.string(shown).serialized()
    guard index < text.endIndex else { return literal }
    return "\(literal.dropLast())…\" (\(text.utf8.count) bytes)"
  }

  /// `value` serialized as JSON, cut as ``quoted(_:)`` cuts a string. Containers are
  /// serialized whole first, which is linear in their size.
  public static func json(_ value: JSON) -> String {
    if case .string(let text) = value { return quoted(text) }
    let serialized = value.serialized()
    guard serialized.utf8.count > length * 2 else { return serialized }
    return "\(serialized.prefix(length))… (\(serialized.utf8.count) bytes)"
  }
}
