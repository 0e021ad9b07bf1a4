extension JSON {
  /// The value as JSON text: compact on one line, or indented by two spaces per level.
  /// Object members keep their order. Non-finite doubles, which JSON cannot express, become null.
  public func serialized(pretty: Bool = false) -> String {
    var output = ""
    write(to: &output, pretty: pretty, indent: 0)
    return output
  }

  private func write(to output: inout String, pretty: Bool, indent: Int) {
    switch self {
    case .null: output += "null"
    case .bool(let b): output += b ? "true" : "false"
    case .int(let i): output += String(i)
    case .double(let d): output += JSON.format(d)
    case .string(let s): JSON.writeString(s, to: &output)
    case .array(let array):
      if array.isEmpty {
        output += "[]"
        return
      }
      output += "["
      for (i, element) in array.enumerated() {
        if i > 0 { output += "," }
        if pretty { JSON.newline(&output, indent + 1) }
        element.write(to: &output, pretty: pretty, indent: indent + 1)
      }
      if pretty { JSON.newline(&output, indent) }
      output += "]"
    case .object(let object):
      if object.isEmpty {
        output += "{}"
        return
      }
      output += "{"
      for i in 0..<object.count {
        if i > 0 { output += "," }
        if pretty { JSON.newline(&output, indent + 1) }
        JSON.writeString(object.keys[i].name, to: &output)
        output += pretty ? ": " : ":"
        object.values[i].write(to: &output, pretty: pretty, indent: indent + 1)
      }
      if pretty { JSON.newline(&output, indent) }
      output += "}"
    }
  }

  private static func newline(_ output: inout String, _ indent: Int) {
    output += "\n"
    output += String(repeating: "  ", count: indent)
  }

  /// Formats a double as JavaScript would print it in JSON: integral values without a fraction.
  static func format(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
    return String(d)
  }

  static func writeString(_ s: String, to output: inout String) {
    output += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case "\u{08}": output += "\\b"
      case "\u{0C}": output += "\\f"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          output.unicodeScalars.append(scalar)
        }
      }
    }
    output += "\""
  }
}

extension JSON: CustomStringConvertible {
  public var description: String { serialized() }
}
