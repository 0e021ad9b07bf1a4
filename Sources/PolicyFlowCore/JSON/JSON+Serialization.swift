// Low-level code: members written in place through the objects' storage, pre-quoted names copied
// from a table taken once, strings scanned eight bytes at a time. Benchmark: `policyflow-bench
// worker` (BENCHMARKS.md: the serializer reading members in place and copying pre-quoted names,
// 51,000 -> 28,000 instructions a policy).

extension JSON {
  /// The value as JSON text: compact on one line, or indented by two spaces per level.
  /// Object members keep their order. Non-finite doubles, which JSON cannot express, become null.
  ///
  /// The text is written as UTF-8 bytes and made a `String` once: appending to a `String`
  /// scalar by scalar was most of the cost of storing a policy.
  public func serialized(pretty: Bool = false) -> String {
    switch self {
    // Scalars without a buffer: message placeholders serialize numbers on every cycle.
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    default: break
    }
    var writer = JSONWriter(pretty: pretty)
    writer.write(self, indent: 0)
    return String(decoding: writer.output, as: UTF8.self)
  }

  static func append(_ text: String, to output: inout [UInt8]) {
    var text = text
    text.withUTF8 { output.append(contentsOf: $0) }
  }

  /// Decimal digits of `value`, written without making a `String`.
  static func writeInteger(_ value: Int, to output: inout [UInt8]) {
    if value < 0 { output.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for 20 digits
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      for i in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[i]) }
    }
  }

  /// Formats a double as JavaScript would print it in JSON: integral values without a fraction.
  static func format(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
    return String(d)
  }

  /// A string literal: `"`, `\\` and control characters escaped, everything else (non-ASCII
  /// included) copied as its UTF-8 bytes, in runs found eight bytes at a time.
  static func writeString(_ s: String, to output: inout [UInt8]) {
    var s = s
    s.withUTF8 { writeString($0, to: &output) }
  }

  static func writeString(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    var runStart = 0
    while true {
      let end = JSONText.plainRunEnd(bytes, from: runStart)
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
      guard end < bytes.count else { break }
      let byte = bytes[end]
      output.append(UInt8(ascii: "\\"))
      switch byte {
      case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
      case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
      case 0x0A: output.append(UInt8(ascii: "n"))
      case 0x0D: output.append(UInt8(ascii: "r"))
      case 0x09: output.append(UInt8(ascii: "t"))
      case 0x08: output.append(UInt8(ascii: "b"))
      case 0x0C: output.append(UInt8(ascii: "f"))
      default:
        let hex: StaticString = "0123456789abcdef"
        output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
        hex.withUTF8Buffer { digits in
          output.append(digits[Int(byte >> 4)])
          output.append(digits[Int(byte & 0x0F)])
        }
      }
      runStart = end + 1
    }
    output.append(UInt8(ascii: "\""))
  }
}

/// Writes a value as JSON text into one growing byte buffer.
///
/// Object members are read where they lie in their object's storage and member names are
/// copied from their interned, already quoted and escaped bytes: copying each value out of its
/// object (a reference count up and down) and escaping each name again were most of the cost of
/// storing an outcome.
struct JSONWriter {
  private(set) var output: [UInt8] = []
  let pretty: Bool
  /// Every interned key's string literal (quotes included), by key id, as of the last look.
  private var names: [[UInt8]]

  init(pretty: Bool) {
    self.pretty = pretty
    names = JSONKey.allQuotedNames
    output.reserveCapacity(1024)
  }

  mutating func write(_ value: JSON, indent: Int) {
    switch value {
    case .null: JSON.append("null", to: &output)
    case .bool(let b): JSON.append(b ? "true" : "false", to: &output)
    case .int(let i): JSON.writeInteger(i, to: &output)
    case .double(let d): JSON.append(JSON.format(d), to: &output)
    case .string(let s): JSON.writeString(s, to: &output)
    case .array(let array):
      if array.isEmpty {
        JSON.append("[]", to: &output)
        return
      }
      output.append(UInt8(ascii: "["))
      array.withUnsafeBufferPointer { elements in
        for i in elements.indices {
          if i > 0 { output.append(UInt8(ascii: ",")) }
          if pretty { newline(indent + 1) }
          write(elements[i], indent: indent + 1)
        }
      }
      if pretty { newline(indent) }
      output.append(UInt8(ascii: "]"))
    case .object(let object):
      if !pretty, object.withCanonicalText({ output.append(contentsOf: $0) }) != nil { return }
      if object.isEmpty {
        JSON.append("{}", to: &output)
        return
      }
      output.append(UInt8(ascii: "{"))
      object.withMembers { header, members in
        for i in 0..<header.pointee.count {
          if i > 0 { output.append(UInt8(ascii: ",")) }
          if pretty { newline(indent + 1) }
          write(key: members[i].key)
          if pretty { output.append(UInt8(ascii: " ")) }
          write(members[i].value, indent: indent + 1)
        }
      }
      if pretty { newline(indent) }
      output.append(UInt8(ascii: "}"))
    }
  }

  /// A member name and its colon (compact). A key interned since the writer was made (a value
  /// streamed later may bring one) is looked up again; a key the intern table had no room for
  /// is quoted from its name.
  mutating func write(key: JSONKey) {
    guard key.isInterned else {
      JSON.writeString(key.name, to: &output)
      output.append(UInt8(ascii: ":"))
      return
    }
    if Int(key.id) >= names.count { names = JSONKey.allQuotedNames }
    names[Int(key.id)].withUnsafeBufferPointer { output.append(contentsOf: $0) }
    output.append(UInt8(ascii: ":"))
  }

  mutating func append(_ byte: UInt8) { output.append(byte) }

  private mutating func newline(_ indent: Int) {
    output.append(UInt8(ascii: "\n"))
    output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
  }
}

/// Compact JSON text written member by member, for values made only to be stored: building a
/// tree of objects first, to serialize it and free it at once, cost more than the writing.
struct JSONStreamWriter {
  private var writer = JSONWriter(pretty: false)
  /// No comma is due before the next member or element: the container has none yet.
  private var atStart = true

  /// The text written so far.
  var text: String { String(decoding: writer.output, as: UTF8.self) }

  mutating func object(_ body: (inout JSONStreamWriter) -> Void) {
    container(open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), body)
  }

  mutating func array(_ body: (inout JSONStreamWriter) -> Void) {
    container(open: UInt8(ascii: "["), close: UInt8(ascii: "]"), body)
  }

  /// A member of the object being written, holding `value`.
  mutating func member(_ key: JSONKey, _ value: JSON) {
    self.key(key)
    writer.write(value, indent: 0)
  }

  /// A member of the object being written, holding what `body` writes (an object or array).
  mutating func member(_ key: JSONKey, _ body: (inout JSONStreamWriter) -> Void) {
    self.key(key)
    body(&self)
  }

  /// An element of the array being written.
  mutating func element(_ value: JSON) {
    separate()
    writer.write(value, indent: 0)
  }

  /// An element of the array being written, holding what `body` writes.
  mutating func element(_ body: (inout JSONStreamWriter) -> Void) {
    separate()
    body(&self)
  }

  private mutating func key(_ key: JSONKey) {
    separate()
    writer.write(key: key)
  }

  private mutating func separate() {
    if !atStart { writer.append(UInt8(ascii: ",")) }
    atStart = false
  }

  private mutating func container(open: UInt8, close: UInt8, _ body: (inout JSONStreamWriter) -> Void) {
    writer.append(open)
    atStart = true
    body(&self)
    writer.append(close)
    atStart = false
  }
}

extension JSON: CustomStringConvertible {
  public var description: String { serialized() }
}
