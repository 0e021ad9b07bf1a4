/// A short quotation of a value for a finding or an error message: a message about a
/// multi-megabyte string says what is wrong with it without printing it back, in time that
/// depends on the excerpt, not on the value.
public enum Excerpt {
  /// Characters of a value quoted before the rest is left out.
  public static let length = 60

  /// `'CODE'`, the way findings quote a name or a code; a longer one is cut after ``length``
  /// characters and says its size: `'AAAA…' (2000000 bytes)`.
  public static func name(_ value: some CustomStringConvertible) -> String {
    let text = value.description
    guard let shown = cut(text) else { return "'\(text)'" }
    return "'\(shown)…' (\(text.utf8.count) bytes)"
  }

  /// `text` as a JSON string literal, cut like ``name(_:)``: `"AAAA…" (2000000 bytes)`.
  public static func quoted(_ text: String) -> String {
    guard let shown = cut(text) else { return JSON.string(text).serialized() }
    return "\(JSON.string(shown).serialized().dropLast())…\" (\(text.utf8.count) bytes)"
  }

  /// A value found where another was expected, as a sentence names it: a text quoted, `null`
  /// alone, anything else by its kind and its JSON (`integer 3`, `array [1,2]`).
  public static func found(_ value: JSON) -> String {
    switch value {
    case .string(let text): name(text)
    case .null: "null"
    // Written with a point (`1.0`): quoted as `1`, it read as the whole number it was refused for.
    case .double(let number) where number.rounded() == number && abs(number) < 1e15: "number \(number)"
    default: "\(value.typeName) \(json(value))"
    }
  }

  /// `value` serialized as JSON, cut like ``quoted(_:)``. Containers are serialized whole
  /// first, which is linear in their size.
  public static func json(_ value: JSON) -> String {
    if case .string(let text) = value { return quoted(text) }
    let serialized = value.serialized()
    guard let shown = cut(serialized) else { return serialized }
    return "\(shown)… (\(serialized.utf8.count) bytes)"
  }

  /// The first ``length`` characters of `text`, or nil when it has no more than that.
  private static func cut(_ text: String) -> String? {
    // Counting UTF-8 bytes is constant time for native strings; characters are walked only
    // as far as the excerpt goes.
    guard text.utf8.count > length else { return nil }
    var index = text.startIndex
    for _ in 0..<length {
      guard index < text.endIndex else { return nil }
      index = text.index(after: index)
    }
    return index < text.endIndex ? String(text[..<index]) : nil
  }
}
