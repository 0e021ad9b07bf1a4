/// JavaScript's conversions and strict equality for JSON values, as JsonLogic relies on them
/// (comparisons, stricter than JavaScript's, are in `JSON+Comparison.swift`).
///
/// Integers stay exact: a string such as `"42"` converts to an `Int`, and two integers compare as
/// integers, so amounts beyond 2^53 keep their order.
extension JSON {
  /// `String(value)` in JavaScript: `1.0` is `"1"`, `null` is `"null"`, arrays join with commas.
  var jsString: String {
    switch self {
    case .null: "null"
    case .bool(let b): b ? "true" : "false"
    case .int(let i): String(i)
    case .double(let d): JSON.jsString(d)
    case .string(let s): s
    case .array(let elements):
      elements.map { element in
        if case .null = element { return "" }
        return element.jsString
      }.joined(separator: ",")
    case .object: "[object Object]"
    }
  }

  /// `ToNumber` (unary `+`): `null` is 0, `true` is 1, `""` is 0, `"abc"` and objects are NaN.
  var jsNumber: JSON {
    switch self {
    case .null: .int(0)
    case .bool(let b): .int(b ? 1 : 0)
    case .int, .double: self
    case .string(let s): JSON.parseJSNumber(s)
    case .array, .object: JSON.parseJSNumber(jsString)
    }
  }

  /// Number formatting as `Number.prototype.toString`: shortest round-trip digits, no `.0`,
  /// exponent form below 1e-6 and from 1e21.
  static func jsString(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    if d == 0 { return "0" }
    let text = abs(d).description
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = text[..<e]
      exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    let dot = mantissa.firstIndex(of: ".") ?? mantissa.endIndex
    let integerPart = mantissa[..<dot]
    let fractionPart = dot < mantissa.endIndex ? mantissa[mantissa.index(after: dot)...] : ""
    var digits = Array(integerPart + fractionPart)
    var n = integerPart.count + exponent
    while digits.first == "0" {
      digits.removeFirst()
      n -= 1
    }
    while digits.last == "0" { digits.removeLast() }
    let k = digits.count
    let sign = d < 0 ? "-" : ""
    let all = String(digits)
    if k <= n && n <= 21 { return sign + all + String(repeating: "0", count: n - k) }
    if 0 < n && n <= 21 { return sign + String(digits[..<n]) + "." + String(digits[n...]) }
    if -6 < n && n <= 0 { return sign + "0." + String(repeating: "0", count: -n) + all }
    let e = n - 1
    let exponentText = (e < 0 ? "-" : "+") + String(abs(e))
    if k == 1 { return sign + all + "e" + exponentText }
    return sign + String(digits[0]) + "." + String(digits[1...]) + "e" + exponentText
  }

  /// `StringToNumber`: surrounding white space ignored, empty is 0, decimal with optional
  /// fraction and exponent, `Infinity`, `0x`/`0o`/`0b` integers; anything else is NaN.
  static func parseJSNumber(_ string: String) -> JSON {
    let scalars = Array(string.unicodeScalars)
    var start = 0
    var end = scalars.count
    while start < end, isJSWhitespace(scalars[start]) { start += 1 }
    while end > start, isJSWhitespace(scalars[end - 1]) { end -= 1 }
    if start == end { return .int(0) }
    let text = String(String.UnicodeScalarView(scalars[start..<end]))
    switch text {
    case "Infinity", "+Infinity": return .double(.infinity)
    case "-Infinity": return .double(-.infinity)
    default: break
    }
    let bytes = Array(text.utf8)
    if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
      let radix: Int? =
        switch bytes[1] {
        case UInt8(ascii: "x"), UInt8(ascii: "X"): 16
        case UInt8(ascii: "o"), UInt8(ascii: "O"): 8
        case UInt8(ascii: "b"), UInt8(ascii: "B"): 2
        default: nil
        }
      if let radix {
        let body = String(decoding: bytes[2...], as: UTF8.self)
        if let value = Int(body, radix: radix) { return .int(value) }
        return .double(.nan)
      }
    }
    // Validate the decimal grammar ourselves: Swift's parser also takes "nan", "inf" and hex floats.
    var i = 0
    if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
    var digitCount = 0
    var isInteger = true
    while i < bytes.count, isDigit(bytes[i]) {
      i += 1
      digitCount += 1
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      isInteger = false
      i += 1
      while i < bytes.count, isDigit(bytes[i]) {
        i += 1
        digitCount += 1
      }
    }
    guard digitCount > 0 else { return .double(.nan) }
    if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      isInteger = false
      i += 1
      if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
      var exponentDigits = 0
      while i < bytes.count, isDigit(bytes[i]) {
        i += 1
        exponentDigits += 1
      }
      guard exponentDigits > 0 else { return .double(.nan) }
    }
    guard i == bytes.count else { return .double(.nan) }
    if isInteger, let value = Int(text) { return .int(value) }
    return .double(Double(text) ?? .nan)
  }

  private static func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }

  private static func isJSWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.isWhitespace || scalar == "\u{FEFF}"
  }
}

extension JSON {
  /// `===`: same type and value; numbers compare numerically (JavaScript has one number type).
  ///
  /// Decision: JavaScript compares arrays and objects by reference, which a JSON value has not;
  /// PolicyFlow compares them structurally (`==` refuses them: see `JSON+Comparison.swift`).
  @inline(__always)
  static func jsStrictEquals(_ a: JSON, _ b: JSON) -> Bool {
    // The shapes rules compare most, decided without building a tuple of both values.
    if case .int(let x) = a, case .int(let y) = b { return x == y }
    if case .string(let x) = a, case .string(let y) = b { return x == y }
    return jsStrictEqualsSlow(a, b)
  }

  static func jsStrictEqualsSlow(_ a: JSON, _ b: JSON) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x == y
    // Swift compares strings by canonical equivalence, JavaScript by code units; they differ
    // only for unnormalised text, and Swift's comparison is the fast one.
    case (.string(let x), .string(let y)): return x == y
    case (.int, .double), (.double, .int), (.double, .double):
      return JSON.compareNumbers(a, b) == .orderedSame
    default: return a == b
    }
  }
}
