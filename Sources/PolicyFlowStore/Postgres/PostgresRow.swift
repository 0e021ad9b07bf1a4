/// One row of a PostgreSQL result, read in text format and turned into the values SQLite would
/// give for the same column, so that store code reads both engines alike.
///
/// Values are told apart by the column's type: integers (`int2`, `int4`, `int8`, `oid`) and
/// booleans (as 1 and 0) are `.integer`; `float4` and `float8` are `.real`; `numeric` (what `sum`
/// of bigints returns) is `.integer` when it is whole and fits, `.real` otherwise; `bytea` is
/// `.blob`; every other type is `.text`.
struct PostgresRow: DatabaseRow {
  let libpq: LibPQ
  let result: LibPQ.Result
  let row: Int32
  let types: [UInt32]

  var columnCount: Int { types.count }

  func columnName(at index: Int) -> String {
    libpq.fname(result, Int32(index)).map { String(cString: $0) } ?? "column \(index + 1)"
  }

  func value(at index: Int) -> DatabaseValue {
    let column = Int32(index)
    guard libpq.getisnull(result, row, column) == 0, let start = libpq.getvalue(result, row, column) else {
      return .null
    }
    let length = Int(libpq.getlength(result, row, column))
    let bytes = UnsafeRawBufferPointer(start: start, count: length).bindMemory(to: UInt8.self)
    return PostgresRow.decode(bytes, type: types[index])
  }

  /// The value of one column sent in text format, by the column's type OID.
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, type: UInt32) -> DatabaseValue {
    let text = String(decoding: bytes, as: UTF8.self)
    switch type {
    case TypeOID.int2, TypeOID.int4, TypeOID.int8, TypeOID.oid:
      return Int64(text).map { .integer($0) } ?? .text(text)
    case TypeOID.bool:
      return .integer(text == "t" ? 1 : 0)
    case TypeOID.float4, TypeOID.float8:
      return Double(text).map { .real($0) } ?? .text(text)
    case TypeOID.numeric:
      return decodeNumeric(text)
    case TypeOID.bytea:
      return .blob(decodeBytea(bytes))
    default:
      return .text(text)
    }
  }

  private static func decodeNumeric(_ text: String) -> DatabaseValue {
    let whole = text.split(separator: ".", maxSplits: 1)
    if let integer = whole.first.flatMap({ Int64($0) }), whole.count == 1 || whole[1].allSatisfy({ $0 == "0" }) {
      return .integer(integer)
    }
    return Double(text).map { .real($0) } ?? .text(text)
  }

  /// `bytea` in the hex output format (`\x0aff`), PostgreSQL's default since 9.0.
  private static func decodeBytea(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x") else {
      return Array(bytes)
    }
    var decoded: [UInt8] = []
    decoded.reserveCapacity((bytes.count - 2) / 2)
    var index = 2
    while index + 1 < bytes.count, let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) {
      decoded.append(high << 4 | low)
      index += 2
    }
    return decoded
  }
}

/// The built-in type OIDs the driver reads specially (`pg_type.oid`, fixed since PostgreSQL 7).
enum TypeOID {
  static let bool: UInt32 = 16
  static let bytea: UInt32 = 17
  static let int8: UInt32 = 20
  static let int2: UInt32 = 21
  static let int4: UInt32 = 23
  static let oid: UInt32 = 26
  static let float4: UInt32 = 700
  static let float8: UInt32 = 701
  static let numeric: UInt32 = 1700
}
