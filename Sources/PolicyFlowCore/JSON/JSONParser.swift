// Low-level code: the parser reads the text through an `UnsafeBufferPointer` (the string's own
// UTF-8, not a copy of it) and keeps a process-wide cache of interned member names (1,024
// entries, a fixed size). Benchmark: `policyflow-bench cycle` (BENCHMARKS.md: "Parsing in place",
// 2026-11-30, and the key cache of 2026-12-01: parsing 91,500 -> 63,400 instructions a policy).

import Synchronization

/// A strict RFC 8259 JSON parser over UTF-8 bytes, read in place: the caller keeps the bytes
/// alive and unchanged while the parser runs.
///
/// Integers without a fraction or exponent that fit in `Int` stay exact; every other number is
/// a `Double`. With `recordLocations` it also records where each value and key starts (for
/// catalog findings); without it, it does no bookkeeping beyond the value itself.
struct JSONParser {
  let bytes: UnsafeBufferPointer<UInt8>
  var index = 0
  var line = 1
  var lineStart = 0
  private let recordLocations: Bool
  private var path: [String] = []
  private(set) var valueLocations: [String: SourceLocation] = [:]
  private(set) var keyLocations: [String: SourceLocation] = [:]
  private(set) var duplicateKeys: [String] = []
  var depth = 0
  /// The deepest nesting entered so far, counted as ``depth`` is.
  var deepest = 0
  /// Objects and arrays inside the top-level value are checked, not built (see
  /// ``JSONParser/parseTopLevel(_:)``).
  private var skipsNested = false
  /// Objects two levels or more inside the top-level value (`policyholder.address`, each of
  /// `enrollments`) are checked, not built, and stand in the result as objects that read their
  /// members from this text when first asked (see ``DeferredMembers``). The objects directly
  /// inside it (`policyholder`) are built: rules read most of them, and reading one in later,
  /// and following paths through it on the slower route, cost the `cycle` benchmark more than
  /// building it (118,800 against 109,200 instructions a cycle).
  private var defersNestedObjects: DocumentText?
  /// Refuses what JSON allows but would lose data as a value (an import): a member name given
  /// twice in one object (all but the last value would be dropped) and an integer beyond 64 bits
  /// (it would be rounded to a `Double`).
  let isStrict: Bool
  /// Members and elements of the objects and arrays being read, innermost last: each container
  /// is built once, at its exact size, from the top of these stacks, instead of growing arrays
  /// of its own element by element.
  private let memberStack: ParserStack<JSONObjectStorage.Member>
  private let elementStack: ParserStack<JSON>
  /// The deepest nesting of objects and arrays accepted. Parsing, compiling a rule, validating
  /// and evaluating recurse once per level; 128 levels (far beyond any policy or rule) keep
  /// that within a 512 KiB thread stack even under the address sanitizer (scripts/fuzz).
  static let maximumDepth = 128
  /// Member names already interned, by a hash of their bytes: a name that repeats (the same
  /// fields in every element of an array, in every policy) is found by comparing bytes instead
  /// of making a `String` and taking the global interning lock each time. The cache starts as
  /// a copy of the process-wide one and is handed back when the document parsed.
  var keyCache: [KeyCacheEntry]
  var keyCacheChanged = false
  static let keyCacheSize = 1024
  private static let sharedKeyCache = Mutex(
    [KeyCacheEntry](repeating: .empty, count: keyCacheSize))

  init(
    bytes: UnsafeBufferPointer<UInt8>, recordLocations: Bool = false, skipsNested: Bool = false,
    defersNestedObjectsOf text: DocumentText? = nil, isLarge: Bool? = nil, isStrict: Bool = false
  ) {
    self.bytes = bytes
    self.isStrict = isStrict
    self.recordLocations = recordLocations
    self.skipsNested = skipsNested
    defersNestedObjects = text
    keyCache = JSONParser.sharedKeyCache.withLock { $0 }
    // Room for a policy's usual nesting from the start: grown from empty, the stacks were
    // reallocated and copied a dozen times per document. Small values (logic constants, CLI
    // arguments) need none.
    let large = isLarge ?? (bytes.count > 256)
    memberStack = ParserStack(capacity: large ? 64 : 4)
    elementStack = ParserStack(capacity: large ? 32 : 4)
  }

  /// Parses one value that must fill the whole input (surrounding white space aside).
  /// Hands the key cache back to the process-wide one when this parser interned new names.
  func shareKeyCache() {
    if keyCacheChanged { JSONParser.sharedKeyCache.withLock { [keyCache] in $0 = keyCache } }
  }

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

  var location: SourceLocation {
    SourceLocation(line: line, column: index - lineStart + 1)
  }

  func error(_ message: String) -> JSONParseError {
    JSONParseError(location: location, message: message)
  }

  func describeCurrent() -> String {
    guard index < bytes.count else { return "end of input" }
    let byte = bytes[index]
    if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x\(String(byte, radix: 16, uppercase: true))"
  }

  /// What a person most likely wrote where a value or a name was expected, said plainly: a comma
  /// before a closing bracket, a comment, single quotes. Empty otherwise.
  func mistakeHint() -> String {
    guard index < bytes.count else { return "" }
    switch bytes[index] {
    case UInt8(ascii: "]"), UInt8(ascii: "}"):
      // Only where a comma is what came before: `{"a": }` lacks a value instead.
      var before = index - 1
      while before >= 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[before]) { before -= 1 }
      guard before >= 0, bytes[before] == UInt8(ascii: ",") else { return "" }
      return " (a comma before it: JSON allows none after the last item; remove that comma)"
    case UInt8(ascii: "/"): return " (JSON has no comments; remove the comment)"
    case UInt8(ascii: "'"): return " (JSON strings and names are in double quotes)"
    default: return ""
    }
  }

  private var pointer: String {
    path.isEmpty ? "" : "/" + path.joined(separator: "/")
  }

  /// Inlined for its first test: most calls find no white space at all (compact JSON between
  /// tokens), and the call itself cost more than that test.
  @inline(__always) mutating func skipWhitespace() {
    guard index < bytes.count, bytes[index] <= UInt8(ascii: " ") else { return }
    skipWhitespaceRun()
  }

  private mutating func skipWhitespaceRun() {
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
    case UInt8(ascii: "{"):
      if skipsNested && depth > 0 { return try skipNested(.object(JSONObject())) }
      if let text = defersNestedObjects, depth > 1 { return try deferObject(in: text) }
      return try parseObject()
    case UInt8(ascii: "["):
      if skipsNested && depth > 0 { return try skipNested(.array([])) }
      return try parseArray()
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
        "expected a JSON value (object, array, string, number, true, false or null), found \(describeCurrent())"
          + mistakeHint())
    }
  }

  mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
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

  mutating func enter() throws(JSONParseError) {
    depth += 1
    deepest = max(deepest, depth)
    if depth > JSONParser.maximumDepth {
      throw error("values are nested more than \(JSONParser.maximumDepth) deep")
    }
  }

  /// Reads the object at the current byte; its members go into `target` (which has room for
  /// them) when one is given, else into a new object.
  mutating func parseObject(
    into target: (UnsafeMutablePointer<JSONObjectStorage.Header>, UnsafeMutablePointer<JSONObjectStorage.Member>)? =
      nil
  ) throws(JSONParseError) -> JSON {
    try enter()
    defer { depth -= 1 }
    index += 1
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(JSONObject())
    }
    let start = memberStack.count
    var seenKeys: UInt64 = 0
    while true {
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a member name in double quotes, found \(describeCurrent())" + mistakeHint())
      }
      let keyLocation = location
      let key = try parseKey()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
        throw error("expected ':' after the member name \"\(key.name)\", found \(describeCurrent())")
      }
      index += 1
      skipWhitespace()
      // Repeated names are rare: a bit per key id (modulo 64; the hash of a name that is not interned) says when this
      // object may already have the name, and only then are its members searched.
      let bit: UInt64 = 1 << (key.bucket & 63)
      let existing =
        seenKeys & bit == 0
        ? nil
        : (start..<memberStack.count).first { memberStack.pointer(at: $0).pointee.key == key }
      seenKeys |= bit
      if isStrict, existing != nil {
        // At the member given twice (its field), as the parents add theirs.
        throw JSONParseError(
          location: keyLocation,
          message: "the member name \"\(key.name)\" appears twice in this object; give each member once",
          isValidJSON: true
        ).inside(key.name)
      }
      if recordLocations {
        path.append(JSONDocument.escape(key.name))
        keyLocations[pointer] = keyLocation
        if existing != nil { duplicateKeys.append(pointer) }
      }
      let value: JSON
      if isStrict {
        do throws(JSONParseError) {
          value = try parseValue()
        } catch  where error.isValidJSON {
          throw error.inside(key.name)
        }
      } else {
        value = try parseValue()
      }
      if recordLocations { path.removeLast() }
      // A repeated name keeps its first position and takes the last value.
      if let existing {
        memberStack.pointer(at: existing).pointee.value = consume value
      } else {
        memberStack.push(JSONObjectStorage.Member(key: key, value: consume value))
      }
      skipWhitespace()
      guard index < bytes.count else { throw error("expected ',' or '}' after an object member, found end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "}") {
        index += 1
        if let (header, members) = target {
          memberStack.moveOut(from: start) { top in
            precondition(header.pointee.count == 0 && top.count <= header.pointee.capacity, "no room for the members")
            if let base = top.baseAddress { members.moveInitialize(from: base, count: top.count) }
            header.pointee.count = top.count
          }
          return .null
        }
        return .object(memberStack.moveOut(from: start) { JSONObject(movingUniqueMembers: $0) })
      }
      throw error("expected ',' or '}' after an object member, found \(describeCurrent())")
    }
  }

  private mutating func parseArray() throws(JSONParseError) -> JSON {
    try enter()
    defer { depth -= 1 }
    index += 1
    skipWhitespace()
    if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array([])
    }
    let start = elementStack.count
    while true {
      skipWhitespace()
      if recordLocations { path.append(String(elementStack.count - start)) }
      let element: JSON
      if isStrict {
        // Taken before: an inner array that fails leaves its elements on the stack.
        let position = elementStack.count - start
        do throws(JSONParseError) {
          element = try parseValue()
        } catch  where error.isValidJSON {
          throw error.inside(String(position))
        }
      } else {
        element = try parseValue()
      }
      elementStack.push(consume element)
      if recordLocations { path.removeLast() }
      skipWhitespace()
      guard index < bytes.count else { throw error("expected ',' or ']' after an array element, found end of input") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
        continue
      }
      if bytes[index] == UInt8(ascii: "]") {
        index += 1
        let array = elementStack.moveOut(from: start) { top in
          [JSON](unsafeUninitializedCapacity: top.count) { buffer, initialized in
            if let base = top.baseAddress { buffer.baseAddress?.moveInitialize(from: base, count: top.count) }
            initialized = top.count
          }
        }
        return .array(array)
      }
      throw error("expected ',' or ']' after an array element, found \(describeCurrent())")
    }
  }

}

extension JSON {
  /// Parses JSON text (no location bookkeeping), reading the string's own UTF-8 storage.
  public init(parsing text: String) throws(JSONParseError) {
    var text = text
    self = try text.withUTF8 { JSONParser.parse($0, recordLocations: false) }.get().root
  }

  /// Parses JSON text, refusing a member name given twice in one object and an integer beyond 64
  /// bits, which the value would not keep (see ``JSONParser/isStrict``): what an import stores.
  public static func parsingStrictly(_ text: String) throws(JSONParseError) -> JSON {
    var text = text
    return try text.withUTF8 { JSONParser.parse($0, recordLocations: false, isStrict: true) }.get().root
  }

  /// Parses JSON from UTF-8 bytes (no location bookkeeping).
  public init(parsing bytes: [UInt8]) throws(JSONParseError) {
    self = try bytes.withUnsafeBufferPointer { JSONParser.parse($0, recordLocations: false) }.get().root
  }
}

extension JSONParser {
  /// A parsed value, with the locations the parser recorded (empty unless asked for).
  struct Parsed {
    var root: JSON
    var valueLocations: [String: SourceLocation]
    var keyLocations: [String: SourceLocation]
    var duplicateKeys: [String]
  }

  /// Parses `bytes` as one JSON document. A `Result` rather than a throwing closure, so that the
  /// error keeps its type through `withUTF8`.
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, recordLocations: Bool, isStrict: Bool = false)
    -> Result<Parsed, JSONParseError>
  {
    var parser = JSONParser(bytes: bytes, recordLocations: recordLocations, isStrict: isStrict)
    do throws(JSONParseError) {
      let root = try parser.parseDocument()
      return .success(
        Parsed(
          root: root, valueLocations: parser.valueLocations, keyLocations: parser.keyLocations,
          duplicateKeys: parser.duplicateKeys))
    } catch {
      return .failure(error)
    }
  }
}

extension JSONParseError {
  /// The same refusal, one level further out: inside the member or element `component`.
  func inside(_ component: String) -> JSONParseError {
    var error = self
    error.path.insert(component, at: 0)
    return error
  }
}
