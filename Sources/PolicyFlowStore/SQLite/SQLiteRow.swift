import CSQLite

/// The row a statement is positioned on, read by 0-based column index.
///
/// A row is a view into its statement: it is valid only inside the closure that received it (or
/// until the statement steps again). Copy the values out; never keep the row.
///
/// Values are read as ``DatabaseRow`` reads them: a value of the wrong storage class is a damaged
/// row, not a silent conversion.
public struct SQLiteRow: DatabaseRow {
  let statement: SQLiteStatement

  private var handle: OpaquePointer { statement.handle }

  /// The number of columns.
  public var columnCount: Int { statement.columnCount }

  private func position(_ index: Int) -> Int32 {
    precondition(index >= 0 && index < columnCount, "column index \(index) is out of range 0..<\(columnCount)")
    return Int32(index)
  }

  public func columnName(at index: Int) -> String { statement.columnName(at: index) }

  func int64(at index: Int) -> Int64 {
    sqlite3_column_int64(handle, position(index))
  }

  func double(at index: Int) -> Double {
    sqlite3_column_double(handle, position(index))
  }

  func string(at index: Int) -> String {
    let column = position(index)
    // sqlite3_column_bytes must come after sqlite3_column_text, which may convert the value.
    guard let text = sqlite3_column_text(handle, column) else { return "" }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
  }

  func blob(at index: Int) -> [UInt8] {
    let column = position(index)
    guard let bytes = sqlite3_column_blob(handle, column) else { return [] }
    let count = Int(sqlite3_column_bytes(handle, column))
    return Array(UnsafeRawBufferPointer(start: bytes, count: count))
  }

  /// The column's value in its own storage class.
  public func value(at index: Int) -> DatabaseValue {
    switch sqlite3_column_type(handle, position(index)) {
    case SQLITE_INTEGER: .integer(int64(at: index))
    case SQLITE_FLOAT: .real(double(at: index))
    case SQLITE_TEXT: .text(string(at: index))
    case SQLITE_BLOB: .blob(blob(at: index))
    default: .null
    }
  }
}

@available(*, unavailable, message: "A row is a view into a statement with a single owner.")
extension SQLiteRow: Sendable {}
