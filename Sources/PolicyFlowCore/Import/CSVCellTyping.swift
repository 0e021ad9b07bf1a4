/// How a CSV cell becomes a JSON value, chosen so that no cell ever loses information.
///
/// - An empty cell (also `""`) means the field is absent.
/// - A canonical integer becomes a JSON integer: an optional `-`, then `0` or digits without a
///   leading zero, fitting in Int64. `00123`, `+5`, `-0` and `99999999999999999999` stay text,
///   so codes, postcodes and account numbers keep their exact characters.
/// - Everything else stays text, including decimals (`12.50`: amounts are integer minor units,
///   and a decimal cell kept as text can be fixed later instead of rounded now) and
///   `true`/`false` (the policy schema types no field as boolean; a `:json` column gives real
///   booleans, decimals and null).
/// - Engine text fields (`code`, `brand`, `currency`, dates…) and `:string` columns always stay
///   text.
enum CSVCellTyping {
  /// The integer the bytes spell canonically, or nil.
  static func canonicalInteger(_ bytes: ArraySlice<UInt8>) -> Int? {
    let negative = bytes.first == UInt8(ascii: "-")
    let digits = negative ? bytes.dropFirst() : bytes
    guard digits.count >= 1, digits.count <= 19 else { return nil }
    if digits.first == UInt8(ascii: "0") && (digits.count > 1 || negative) { return nil }
    var value: Int64 = 0
    for byte in digits {
      let digit = byte &- UInt8(ascii: "0")
      guard digit < 10 else { return nil }
      // Accumulate on the negative side so that Int64.min fits.
      let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
      let (next, overflowB) = shifted.subtractingReportingOverflow(Int64(digit))
      guard !overflowA, !overflowB else { return nil }
      value = next
    }
    if negative { return Int(value) }
    guard value != .min else { return nil }
    return Int(-value)
  }

  /// The JSON value of a non-empty cell read with `typing`; a `:json` cell that does not parse,
  /// or holds what a record may not (see ``JSONParser/isStrict``), returns the parser's refusal.
  static func value(_ bytes: ArraySlice<UInt8>, typing: CSVHeader.Typing) -> Result<JSON, JSONParseError> {
    switch typing {
    case .inferred:
      if let integer = canonicalInteger(bytes) { return .success(.int(integer)) }
      return .success(.string(String(decoding: bytes, as: UTF8.self)))
    case .string:
      return .success(.string(String(decoding: bytes, as: UTF8.self)))
    case .json:
      // Strictly, as a JSON record is read: a name given twice or an integer beyond 64 bits would
      // be stored as something else than the cell says.
      return bytes.withUnsafeBufferPointer { JSONParser.parse($0, recordLocations: false, isStrict: true) }.map(\.root)
    }
  }
}
