import Synchronization

/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Integers without a fraction or exponent that fit in `Int` stay exact; every other number is
/// a `Double`. With `recordLocations` it also records where each value and key starts (for
/// catalog findings); without it, it does no bookkeeping beyond the value itself.
struct JSONParser {
  private let bytes: [UInt8]
  private var index = 0
  private var line = 1
  private var lineStart = 0
  private let recordLocations: Bool
  private var path: [String] = []
  private(set) var valueLocations: [String: SourceLocation] = [:]
  private(set) var keyLocations: [String: SourceLocation] = [:]
  private(set) var duplicateKeys: [String] = []
  private var depth = 0
  private static let maximumDepth = 512
  /// Member names already interned, by a hash of their bytes: a name that repeats (the same
  /// fields in every element of an array, in every policy) is found by comparing bytes instead
  /// of making a `String` and taking the global interning lock each time. The cache starts as
  /// a copy of the process-wide one and is handed back when the document parsed.
  private var keyCache: [KeyCacheEntry]
  private var keyCacheChanged = false
  private static let keyCacheSize = 1024
  private static let sharedKeyCache = Mutex(
    [KeyCacheEntry](repeating: KeyCacheEntry(name: [], key: JSONKey(id: 0)), count: keyCacheSize))

  /// A member name's UTF-8 bytes and its interned key.
  private struct KeyCacheEntry: Sendable {
    var name: [UInt8]
    var key: JSONKey
  }

  init(bytes: [UInt8], recordLocations: Bool = false) {
    self.bytes = bytes
    self.recordLocations = recordLocations
    keyCache = JSONParser.sharedKeyCache.withLock { $0 }
  }

  /// Parses one value that must fill the whole input (surrounding white space aside).
  mutating func parseDocument() throws(JSONParseError) -> JSON {
    // A UTF-8 byte order mark is tolerated, as editors on some systems write one.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    skipWhitespace()
    let value = try parseValue()
    skipWhitespace()
    if index < bytes.count {
      throw error("unexpected \(describeCurrent()) after the end of the JSON value")
    }
    if keyCacheChanged { JSONParser.sharedKeyCache.withLock { [keyCache] in $0 = keyCache } }
    return value
  }

  private var location: SourceLocation {
    SourceLocation(line: line, column: index - lineStart + 1)
  }

  private func error(_ message: String) -> JSONParseError {
    JSONParseError(location: location, message: message)
  }

  private func describeCurrent() -> String {
    guard index < bytes.count else { return "end of input" }
    let byte = bytes[index]
    if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x\(String(byte, radix: 16, uppercase: true))"
  }

  private var pointer: String {
    path.isEmpty ? "" : "/" + path.joined(separator: "/")
  }

  private mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
        index += 1
      case UInt8(ascii: "\n"):
        index += 1
        line += 1
        lineStart = index
      default:
        return
      }
    }
  }

  private mutating func parseValue() throws(JSONParseError) -> JSON {
    guard index < bytes.count else { throw error("expected a JSON value, found end of input") }
    if recordLocations { valueLocations[pointer] = location }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default:
      throw error(
        "expected a JSON value (object, array, string, number, true, false or null), found \(describeCurrent())")
    }
  }

  private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
    let start = index
    let count = literal.utf8CodeUnitCount
    let matches = literal.withUTF8Buffer { expected in
      index + count <= bytes.count && (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
    }
    guard matches else {
      throw error("expected '\(literal)', found \(describeCurrent())")
    }
    index = start + count
  }

  private mutating func enter() throws(JSONParseError) {
    depth += 1
    if depth > JSONParser.maximumDepth {
      throw error("values are nested more than \(JSONParser.maximumDepth) deep")
    }
  }

  private mutating func parseObject() throws(JSONParseError) -> JSON {
    try enter()
    defer { depth -= 1 }
    index += 1
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(JSONObject())
    }
    // Members are collected here and the object built once: appending through the object's
    // own arrays checked their uniqueness for every member.
    var keys: [JSONKey] = []
    var values: [JSON] = []
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a member name in double quotes, found \(describeCurrent())")
      }
      let keyLocation = location
      let key = try parseKey()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw error("expected ':' after the member name \"\(key.name)\", found \(describeCurrent())")
      }
      index += 1
      skipWhitespace()
      let existing = keys.withUnsafeBufferPointer { buffer in
        (0..<buffer.count).first { buffer[$0] == key }
      }
      if recordLocations {
        path.append(JSONDocument.escape(key.name))
        keyLocations[pointer] = keyLocation
        if existing != nil { duplicateKeys.append(pointer) }
      }
      let value = try parseValue()
      if recordLocations { path.removeLast() }
      // A repeated name keeps its first position and takes the last value.
      if let existing {
        values[existing] = value
      } else {
        keys.append(key)
        values.append(value)
      }
      skipWhitespace()
      guard index < bytes.count else { throw error("expected ',' or '}' after an object member, found end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(JSONObject(uniqueKeys: keys, values: values))
      }
      throw error("expected ',' or '}' after an object member, found \(describeCurrent())")
    }
  }

  /// A member name, interned; names without escapes are looked up in the key cache by their
  /// bytes.
  private mutating func parseKey() throws(JSONParseError) -> JSONKey {
    let start = index + 1
    var end = start
    var hash: UInt32 = 2_166_136_261
    while end < bytes.count {
      let byte = bytes[end]
      if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
      hash = (hash ^ UInt32(byte)) &* 16_777_619
      end += 1
    }
    guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return JSONKey(try parseString()) }
    let count = end - start
    // Two candidate slots, so two names that share one do not evict each other on every
    // document. An empty name never matches: unused slots hold an empty name.
    let first = Int(hash % UInt32(JSONParser.keyCacheSize))
    let second = Int((hash >> 16) % UInt32(JSONParser.keyCacheSize))
    let found = keyCache.withUnsafeBufferPointer { cache -> JSONKey? in
      guard count > 0 else { return nil }
      if cache[first].name.count == count && sameBytes(cache[first].name, start) { return cache[first].key }
      if cache[second].name.count == count && sameBytes(cache[second].name, start) { return cache[second].key }
      return nil
    }
    if let found {
      index = end + 1
      return found
    }
    let key = JSONKey(try parseString())
    guard count > 0 else { return key }
    let slot = keyCache[first].name.isEmpty || !keyCache[second].name.isEmpty ? first : second
    keyCache[slot] = KeyCacheEntry(name: Array(bytes[start..<end]), key: key)
    keyCacheChanged = true
    return key
  }

  /// Whether `name` equals the bytes at `start` (the caller checked the length).
  private func sameBytes(_ name: [UInt8], _ start: Int) -> Bool {
    name.withUnsafeBufferPointer { name in
      bytes.withUnsafeBufferPointer { buffer in
        for offset in 0..<name.count where name[offset] != buffer[start + offset] { return false }
        return true
      }
    }
  }

  private mutating func parseArray() throws(JSONParseError) -> JSON {
    try enter()
    defer { depth -= 1 }
    index += 1
    var array: [JSON] = []
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(array)
    }
    while true {
      skipWhitespace()
      if recordLocations { path.append(String(array.count)) }
      array.append(try parseValue())
      if recordLocations { path.removeLast() }
      skipWhitespace()
      guard index < bytes.count else { throw error("expected ',' or ']' after an array element, found end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(array)
      }
      throw error("expected ',' or ']' after an array element, found \(describeCurrent())")
    }
  }

  private mutating func parseString() throws(JSONParseError) -> String {
    index += 1  // opening quote
    let start = index
    // Fast path: no escapes.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let s = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return s
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw error("control characters must be escaped in strings, found \(describeCurrent())") }
      index += 1
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

  private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
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

  private mutating func parseNumber() throws(JSONParseError) -> JSON {
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
    guard let double = Double(text) else { throw error("the number \(text) cannot be represented") }
    return .double(double)
  }

  @inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
  }
}

extension JSON {
  /// Parses JSON text (no location bookkeeping).
  public init(parsing text: String) throws(JSONParseError) {
    var parser = JSONParser(bytes: Array(text.utf8))
    self = try parser.parseDocument()
  }

  /// Parses JSON from UTF-8 bytes (no location bookkeeping).
  public init(parsing bytes: [UInt8]) throws(JSONParseError) {
    var parser = JSONParser(bytes: bytes)
    self = try parser.parseDocument()
  }
}
