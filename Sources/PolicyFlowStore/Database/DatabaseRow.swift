/// The row a query is positioned on, read by 0-based column index.
///
/// A row is a view into its statement or result: valid only inside the closure that received it.
/// Copy the values out; never keep the row.
///
/// Both drivers read the same values the same way: integers (and booleans, as 0 and 1), reals,
/// text and bytes. A value of the wrong kind (text where an integer belongs, NULL where a value
/// must be) is a damaged row, thrown as a `.damaged` ``StoreError`` that names the column.
public protocol DatabaseRow {
  /// The number of columns.
  var columnCount: Int { get }

  /// The column's name, as the query spells it.
  func columnName(at index: Int) -> String

  /// The column's value, NULL included.
  func value(at index: Int) -> DatabaseValue
}

extension DatabaseRow {
  /// Whether the column holds NULL.
  public func isNull(at index: Int) -> Bool {
    if case .null = value(at: index) { return true }
    return false
  }

  public func int64(at index: Int) throws -> Int64 {
    switch value(at: index) {
    case .integer(let integer): return integer
    case .real(let real) where real == real.rounded() && abs(real) < 9.0e18: return Int64(real)
    case let other: throw damaged(at: index, expected: "an integer", found: other)
    }
  }

  public func int(at index: Int) throws -> Int { Int(try int64(at: index)) }

  /// A boolean stored as an integer (SQLite) or a boolean (PostgreSQL).
  public func bool(at index: Int) throws -> Bool { try int64(at: index) != 0 }

  public func double(at index: Int) throws -> Double {
    switch value(at: index) {
    case .real(let real): return real
    case .integer(let integer): return Double(integer)
    case let other: throw damaged(at: index, expected: "a number", found: other)
    }
  }

  public func string(at index: Int) throws -> String {
    switch value(at: index) {
    case .text(let text): return text
    case let other: throw damaged(at: index, expected: "text", found: other)
    }
  }

  public func blob(at index: Int) throws -> [UInt8] {
    switch value(at: index) {
    case .blob(let bytes): return bytes
    case let other: throw damaged(at: index, expected: "bytes", found: other)
    }
  }

  /// Text, or nil for NULL.
  public func optionalString(at index: Int) throws -> String? {
    isNull(at: index) ? nil : try string(at: index)
  }

  /// An integer, or nil for NULL.
  public func optionalInt64(at index: Int) throws -> Int64? {
    isNull(at: index) ? nil : try int64(at: index)
  }

  /// An integer, or nil for NULL.
  public func optionalInt(at index: Int) throws -> Int? {
    isNull(at: index) ? nil : try int(at: index)
  }

  /// A value spelled as text in the store (a status, a source), read through `make`.
  public func decode<T>(_ type: T.Type, at index: Int, _ make: (String) -> T?) throws -> T {
    let text = try string(at: index)
    guard let value = make(text) else {
      throw StoreError(
        .damaged,
        "The store holds '\(text)' in column \(columnName(at: index)), which is not a valid \(T.self); it was "
          + "changed outside PolicyFlow.")
    }
    return value
  }

  func damaged(at index: Int, expected: String, found: DatabaseValue) -> StoreError {
    StoreError(
      .damaged,
      "The store holds \(found.kindDescription) in column \(columnName(at: index)) where \(expected) belongs; it "
        + "was changed outside PolicyFlow.")
  }
}

extension DatabaseValue {
  /// The value's kind, for messages about damaged rows (never the value: it may be policy data).
  var kindDescription: String {
    switch self {
    case .null: "NULL"
    case .integer: "an integer"
    case .real: "a real number"
    case .text: "text"
    case .blob: "bytes"
    }
  }
}
