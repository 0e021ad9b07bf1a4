// Low-level code: all-ASCII templates filled over their bytes through an `UnsafeBufferPointer`.
// Benchmark: `policyflow-bench cycle` (commit 11ec361: walking Characters was 9% of a cycle).

/// Fills message placeholders `{0}`…`{9}`.
enum MessageText {
  /// Replaces each `{n}` with `values[n]`; a placeholder without a value is left as written (the
  /// catalog loader rejects such messages, so this only happens for engine-built texts).
  static func fill(_ template: String, with values: [String]) -> String {
    var template = template
    if let filled = template.withUTF8({ fillASCII($0, with: values) }) { return filled }
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

  /// The same filling over the bytes of an all-ASCII template (nil for any other), where every
  /// byte is one `Character`: walking `Character`s was most of the cost of attaching a message.
  private static func fillASCII(_ template: UnsafeBufferPointer<UInt8>, with values: [String]) -> String? {
    var hasPlaceholder = false
    for byte in template {
      if byte >= 0x80 { return nil }
      if byte == UInt8(ascii: "{") { hasPlaceholder = true }
    }
    guard hasPlaceholder else { return String(decoding: template, as: UTF8.self) }
    var result: [UInt8] = []
    result.reserveCapacity(template.count + 16)
    var i = 0
    while i < template.count {
      let byte = template[i]
      if byte == UInt8(ascii: "{"), i + 2 < template.count, template[i + 2] == UInt8(ascii: "}"),
        template[i + 1] >= UInt8(ascii: "0"), template[i + 1] <= UInt8(ascii: "9"),
        Int(template[i + 1] - UInt8(ascii: "0")) < values.count
      {
        result.append(contentsOf: values[Int(template[i + 1] - UInt8(ascii: "0"))].utf8)
        i += 3
      } else {
        result.append(byte)
        i += 1
      }
    }
    return String(decoding: result, as: UTF8.self)
  }

  /// The most characters of one computed value a message shows. A value comes from policy
  /// data, and a template may use it in every placeholder: uncut, a megabyte field in a
  /// message of ten placeholders would make ten megabytes of text per message, stored with
  /// every outcome.
  static let maximumValueLength = 200

  /// How a computed value reads inside a sentence: strings without quotes, the rest as JSON;
  /// beyond ``maximumValueLength`` characters, cut with `…`.
  static func display(_ value: JSON) -> String {
    let text: String
    if case .string(let s) = value { text = s } else { text = value.serialized() }
    guard text.utf8.count > maximumValueLength else { return text }
    var end = text.startIndex
    for _ in 0..<maximumValueLength {
      guard end < text.endIndex else { return text }
      end = text.index(after: end)
    }
    return end < text.endIndex ? text[..<end] + "…" : text
  }
}
