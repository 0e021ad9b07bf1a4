// Low-level code: strings decoded straight from the parser's `UnsafeBufferPointer` (slicing an
// array had retained and released it for every string). Benchmark: `policyflow-bench cycle`
// (BENCHMARKS.md, "Parsing in place", 2026-11-30).

/// Strings and numbers: the scalar values of the parser, byte by byte.
extension JSONParser {
  mutating func parseString() throws(JSONParseError) -> String {
    index += 1  // opening quote
    let start = index
    // Fast path: no escapes, scanned and decoded straight from the buffer (slicing an array
    // retained and released it for every string).
    let end = simpleStringEnd(from: start)
    let string: String? =
      end < bytes.count && bytes[end] == UInt8(ascii: "\"")
      ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) : nil
    index = end
    if let string {
      index += 1
      return string
    }
    if index < bytes.count && bytes[index] < 0x20 {
      throw error("control characters must be escaped in strings, found \(describeCurrent())")
    }
    var scalars = Array(bytes[start..<index])
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        return String(decoding: scalars, as: UTF8.self)
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { break }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count,
            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          {
            index += 2
            let low = try parseHex4()
            if (0xDC00..<0xE000).contains(low) {
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else {
              throw error("a high surrogate \\u escape must be followed by a low surrogate")
            }
          }
          // Half a pair alone is no character: read as U+FFFD, it would be stored as the text
          // escaped and read back as another (an import refuses it).
          if isStrict, Unicode.Scalar(code) == nil {
            var refused = error(
              "\\u\(String(code, radix: 16, uppercase: true)) is half of a UTF-16 surrogate pair without its other "
                + "half: it is no character; write the character itself, or both halves of its pair")
            refused.isValidJSON = true
            throw refused
          }
          let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
          scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
          index -= 1
          throw error(
            "invalid escape '\\\(Character(Unicode.Scalar(escape)))'; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"
          )
        }
      default:
        if byte < 0x20 { throw error("control characters must be escaped in strings, found \(describeCurrent())") }
        scalars.append(byte)
        index += 1
      }
    }
    throw error("unterminated string: expected a closing '\"' before the end of input")
  }

  mutating func parseHex4() throws(JSONParseError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("expected four hex digits after \\u") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error("expected four hex digits after \\u, found \(describeCurrent())")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  mutating func parseNumber() throws(JSONParseError) -> JSON {
    let start = index
    var isInteger = true
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count, isDigit(bytes[index]) else {
      throw error("expected a digit in the number, found \(describeCurrent())")
    }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < bytes.count, isDigit(bytes[index]) {
        throw error("numbers must not have leading zeros; write the number without them or as a string")
      }
    } else {
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard index < bytes.count, isDigit(bytes[index]) else {
        throw error("expected a digit after the decimal point, found \(describeCurrent())")
      }
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < bytes.count, isDigit(bytes[index]) else {
        throw error("expected a digit in the exponent, found \(describeCurrent())")
      }
      while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }
    if isInteger, index - start <= 19 {
      // Up to 18 digits always fits; 19 may overflow and falls through to the checked path.
      var value = 0
      var overflow = false
      let negative = bytes[start] == UInt8(ascii: "-")
      for i in (negative ? start + 1 : start)..<index {
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.subtractingReportingOverflow(Int(bytes[i] - UInt8(ascii: "0")))
        overflow = overflow || o1 || o2
        value = s
      }
      if !overflow {
        if negative { return .int(value) }
        if value != Int.min { return .int(-value) }
      }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    // 20 characters: -9223372036854775808, the least Int, which the quick path above leaves out.
    if isInteger, let exact = Int(text) { return .int(exact) }
    if isStrict, isInteger {
      throw JSONParseError(
        location: SourceLocation(line: line, column: start - lineStart + 1),
        message: "the integer \(text) does not fit in 64 bits; write it as a string to keep every digit",
        isValidJSON: true, refusedNumber: text)
    }
    guard let double = Double(text) else { throw error("the number \(text) cannot be represented") }
    // Strict: a number with a fraction or an exponent is a `Double`, which holds every integer
    // only below 2^53 (20000000000170001.0 would be kept as …170000) and nothing beyond its range
    // (1e400 would be written back as null).
    if isStrict, !double.isFinite || double.magnitude >= 0x1p53 {
      throw JSONParseError(
        location: SourceLocation(line: line, column: start - lineStart + 1),
        message: "the number \(text) cannot be kept as written (with a fraction or an exponent, a number is exact "
          + "only below 2^53); write it as an integer of up to 64 bits, or as a string",
        isValidJSON: true, refusedNumber: text)
    }
    return .double(double)
  }

  @inline(__always) func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}
