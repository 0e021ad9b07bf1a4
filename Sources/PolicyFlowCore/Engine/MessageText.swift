/// Fills message placeholders `{0}`…`{9}`.
enum MessageText {
  /// Replaces each `{n}` with `values[n]`; a placeholder without a value is left as written (the
  /// catalog loader rejects such messages, so this only happens for engine-built texts).
  static func fill(_ template: String, with values: [String]) -> String {
    guard template.contains("{") else { return template }
    var result = ""
    result.reserveCapacity(template.utf8.count + 16)
    var characters = template[...]
    while let open = characters.firstIndex(of: "{") {
      result += characters[..<open]
      let afterOpen = characters.index(after: open)
      if afterOpen < characters.endIndex, let digit = characters[afterOpen].wholeNumberValue,
        characters.index(after: afterOpen) < characters.endIndex,
        characters[characters.index(after: afterOpen)] == "}", digit < values.count
      {
        result += values[digit]
        characters = characters[characters.index(afterOpen, offsetBy: 2)...]
      } else {
        result += "{"
        characters = characters[afterOpen...]
      }
    }
    result += characters
    return result
  }

  /// How a computed value reads inside a sentence: strings without quotes, the rest as JSON.
  static func display(_ value: JSON) -> String {
    if case .string(let s) = value { return s }
    return value.serialized()
  }
}
