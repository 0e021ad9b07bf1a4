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
    var output: [UInt8] = []
    output.reserveCapacity(256)
    let names = JSONKey.allNames
    write(to: &output, names: names, pretty: pretty, indent: 0)
    return String(decoding: output, as: UTF8.self)
  }

  private func write(to output: inout [UInt8], names: [String], pretty: Bool, indent: Int) {
    switch self {
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
      for (i, element) in array.enumerated() {
        if i > 0 { output.append(UInt8(ascii: ",")) }
        if pretty { JSON.newline(&output, indent + 1) }
        element.write(to: &output, names: names, pretty: pretty, indent: indent + 1)
      }
      if pretty { JSON.newline(&output, indent) }
      output.append(UInt8(ascii: "]"))
    case .object(let object):
      if object.isEmpty {
        JSON.append("{}", to: &output)
        return
      }
      output.append(UInt8(ascii: "{"))
      for i in 0..<object.count {
        if i > 0 { output.append(UInt8(ascii: ",")) }
        if pretty { JSON.newline(&output, indent + 1) }
        JSON.writeString(names[Int(object.key(at: i).id)], to: &output)
        JSON.append(pretty ? ": " : ":", to: &output)
        object.value(at: i).write(to: &output, names: names, pretty: pretty, indent: indent + 1)
      }
      if pretty { JSON.newline(&output, indent) }
      output.append(UInt8(ascii: "}"))
    }
  }

  private static func append(_ text: String, to output: inout [UInt8]) {
    var text = text
    text.withUTF8 { output.append(contentsOf: $0) }
  }

  /// Decimal digits of `value`, written without making a `String`.
  private static func writeInteger(_ value: Int, to output: inout [UInt8]) {
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

  private static func newline(_ output: inout [UInt8], _ indent: Int) {
    output.append(UInt8(ascii: "\n"))
    output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
  }

  /// Formats a double as JavaScript would print it in JSON: integral values without a fraction.
  static func format(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
    return String(d)
  }

  /// A string literal: `"`, `\\` and control characters escaped, everything else (non-ASCII
  /// included) copied as its UTF-8 bytes.
  static func writeString(_ s: String, to output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { bytes in
      var runStart = 0
      for i in 0..<bytes.count {
        let byte = bytes[i]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
        runStart = i + 1
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
          let hex = Array("0123456789abcdef".utf8)
          output.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
          output.append(hex[Int(byte >> 4)])
          output.append(hex[Int(byte & 0x0F)])
        }
      }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
    }
    output.append(UInt8(ascii: "\""))
  }
}

extension JSON: CustomStringConvertible {
  public var description: String { serialized() }
}
