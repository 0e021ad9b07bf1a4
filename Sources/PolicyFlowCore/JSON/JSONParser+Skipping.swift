// Low-level code: values checked over the parser's `UnsafeBufferPointer` without being built.
// Benchmarks: `policyflow-bench import` (the top level only; building and freeing whole
// documents was most of an import's time) and `policyflow-bench cycle` (the deferred parse,
// BENCHMARKS.md "Results (2026-12-06, the flat document, #19 item 3)").

/// Checking values without building them. An import needs a policy's top-level fields and the
/// certainty that the whole record is valid JSON; building the tree of everything inside it,
/// and freeing it again, was most of what an import spent per policy.
extension JSONParser {
  /// Parses `bytes` as one JSON document but builds only its top level: every object and array
  /// inside the top-level value is checked as the full parser checks it, and stands in the
  /// result as an empty object or array. Accepts exactly what ``parse(_:recordLocations:)``
  /// accepts; a document it refuses is parsed in full for the error, so the message and its
  /// location are the full parser's too.
  /// With the value, the deepest nesting of objects and arrays the document has (its top
  /// level is 1), which the stand-ins no longer show.
  static func parseTopLevel(_ bytes: UnsafeBufferPointer<UInt8>, isStrict: Bool = false)
    -> Result<(JSON, depth: Int), JSONParseError>
  {
    var parser = JSONParser(bytes: bytes, skipsNested: true, isStrict: isStrict)
    do throws(JSONParseError) {
      let value = try parser.parseDocument()
      return .success((value, parser.deepest))
    } catch {
      return parse(bytes, recordLocations: false, isStrict: isStrict).map { ($0.root, JSONParser.maximumDepth) }
    }
  }

  /// Checks the object or array at the current byte and returns `standIn` for it.
  mutating func skipNested(_ standIn: JSON) throws(JSONParseError) -> JSON {
    try skipValue()
    return standIn
  }

  /// Checks one value, of any kind, and steps over it. Refuses what the full parser refuses;
  /// the messages are not its own (see ``parseTopLevel(_:)``).
  private mutating func skipValue() throws(JSONParseError) {
    guard index < bytes.count else { throw error("expected a JSON value, found end of input") }
    switch bytes[index] {
    case UInt8(ascii: "{"): try skipContainer(closedBy: UInt8(ascii: "}"), membersNamed: true)
    case UInt8(ascii: "["): try skipContainer(closedBy: UInt8(ascii: "]"), membersNamed: false)
    case UInt8(ascii: "\""): try skipString()
    case UInt8(ascii: "t"): try expectLiteral("true")
    case UInt8(ascii: "f"): try expectLiteral("false")
    case UInt8(ascii: "n"): try expectLiteral("null")
    // Numbers are read as the full parser reads them: an integer or a double costs no allocation.
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      let start = index
      let number = try parseNumber()
      if textIsCanonical { noteNumber(number, from: start) }
    default: throw error("expected a JSON value, found \(describeCurrent())")
    }
  }

  /// An object (members `"name": value`) or an array (values), separated by commas, up to
  /// `closer`. Repeated member names are allowed, as in the full parser (the last one wins).
  /// Returns how many members or elements it has (repeated names counted each time).
  @discardableResult
  mutating func skipContainer(closedBy closer: UInt8, membersNamed: Bool) throws(JSONParseError) -> Int {
    try enter()
    defer { depth -= 1 }
    index += 1
    skipWhitespaceNotingIt()
    if index < bytes.count && bytes[index] == closer {
      index += 1
      return 0
    }
    var count = 0
    var seenNames: UInt64 = 0
    let namesBase = skippedNames.count
    defer { if isStrict { skippedNames.removeSubrange(namesBase...) } }
    while true {
      count += 1
      skipWhitespaceNotingIt()
      if membersNamed {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("expected a member name in double quotes, found \(describeCurrent())")
        }
        let nameStart = index
        try skipString()
        if membersNamed { noteName(from: nameStart + 1, to: index - 1, seen: &seenNames) }
        if isStrict { try noteNameOnce(from: nameStart + 1, to: index - 1, since: namesBase) }
        skipWhitespaceNotingIt()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          throw error("expected ':' after a member name, found \(describeCurrent())")
        }
        index += 1
        skipWhitespaceNotingIt()
      }
      try skipValue()
      skipWhitespaceNotingIt()
      guard index < bytes.count else { throw error("expected ',' or the end of the value, found end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == closer {
        index += 1
        return count
      }
      throw error("expected ',' or the end of the value, found \(describeCurrent())")
    }
  }

  /// A string, with the checks of ``parseString()``: a closing quote, escapes from the JSON set,
  /// four hex digits after `\u`, a low surrogate escaped after a high one, no control characters.
  private mutating func skipString() throws(JSONParseError) {
    index += 1  // opening quote
    while true {
      index = simpleStringEnd(from: index)
      guard index < bytes.count else { throw error("unterminated string") }
      let byte = bytes[index]
      index += 1
      if byte == UInt8(ascii: "\"") { return }
      guard byte == UInt8(ascii: "\\") else { throw error("control characters must be escaped in strings") }
      textIsCanonical = false
      guard index < bytes.count else { throw error("unterminated string") }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
        continue
      case UInt8(ascii: "u"):
        let code = try parseHex4()
        if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
          bytes[index + 1] == UInt8(ascii: "u")
        {
          index += 2
          guard (0xDC00..<0xE000).contains(try parseHex4()) else {
            throw error("a high surrogate \\u escape must be followed by a low surrogate")
          }
        }
      default:
        throw error("invalid escape")
      }
    }
  }
}

extension JSON {
  /// Parses JSON text, reading the string's own UTF-8, but builds only the top level: objects
  /// and arrays inside the top-level value are checked and stand in the result empty. Refuses
  /// exactly what ``init(parsing:)-(String)`` refuses, with the same error.
  /// `depth` is the deepest nesting of objects and arrays in the whole document.
  static func topLevel(parsing text: String, isStrict: Bool = false) throws(JSONParseError) -> (
    value: JSON, depth: Int
  ) {
    var text = text
    return try text.withUTF8 { JSONParser.parseTopLevel($0, isStrict: isStrict) }.get()
  }
}

extension JSONParser {
  /// ``skipWhitespace()``, noting that the text is not as the serializer writes it when there
  /// was any.
  @inline(__always) mutating func skipWhitespaceNotingIt() {
    let start = index
    skipWhitespace()
    if index != start { textIsCanonical = false }
  }

  /// Notes a member name (its bytes, quotes excluded) of the object being skipped: a name that
  /// may repeat one before it (the same bit of a hash of its length and first bytes) means the
  /// text is not as the serializer writes it (it writes a repeated name once).
  @inline(__always) mutating func noteName(from start: Int, to end: Int, seen: inout UInt64) {
    guard textIsCanonical, let base = bytes.baseAddress else { return }
    let length = end - start
    var head: UInt64 = 0
    if start + 8 <= bytes.count {
      head = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
      if length < 8 { head &= (1 << UInt64(8 * length)) - 1 }
    } else {
      for i in 0..<Swift.min(length, 8) { head |= UInt64(bytes[start + i]) << UInt64(8 * i) }
    }
    let word = UInt64(length) ^ head
    let bit: UInt64 = 1 << ((word &* 0x9E37_79B9_7F4A_7C15) >> 58)
    if seen & bit != 0 { textIsCanonical = false }
    seen |= bit
  }

  /// Strict: refuses a name (its bytes, quotes excluded) that the object being skipped gave
  /// before (its names since `base` in ``skippedNames``), compared as written. A name with an
  /// escape is refused too, so that the full parse ``parseTopLevel(_:isStrict:)`` falls back to
  /// compares the names it stands for (`"co\u0064e"` is `"code"`) and decides.
  mutating func noteNameOnce(from start: Int, to end: Int, since base: Int) throws(JSONParseError) {
    if bytes[start..<end].contains(UInt8(ascii: "\\")) { throw error("a member name with an escape") }
    let length = end - start
    var earlier = base
    while earlier < skippedNames.count {
      let (otherStart, otherEnd) = (skippedNames[earlier], skippedNames[earlier + 1])
      if otherEnd - otherStart == length, (0..<length).allSatisfy({ bytes[otherStart + $0] == bytes[start + $0] }) {
        let name = String(decoding: bytes[start..<end], as: UTF8.self)
        throw error("the member name \"\(name)\" appears twice in this object; give each member once")
      }
      earlier += 2
    }
    skippedNames.append(start)
    skippedNames.append(end)
  }

  /// Notes a number of the object being skipped: only an integer (the parser reads a number
  /// with a fraction or an exponent, or beyond `Int`, as a double) other than `-0` is written
  /// back as it was read.
  @inline(__always) mutating func noteNumber(_ number: JSON, from start: Int) {
    guard case .int(let value) = number, value != 0 || bytes[start] != UInt8(ascii: "-") else {
      textIsCanonical = false
      return
    }
  }
}
