import CSQLite

extension SQLiteStatement {
  /// Binds `value` to the parameter at `index`, counted from 1 as in SQLite.
  ///
  /// Text and blobs are copied, so the caller's buffers need not outlive the call.
  public func bind(_ value: DatabaseValue, at index: Int) throws {
    guard index >= 1 && index <= parameterCount else {
      throw SQLiteError(
        code: SQLITE_RANGE,
        message: "parameter index \(index) is out of range; the statement has \(parameterCount) parameters",
        sql: sql
      )
    }
    let position = Int32(index)
    let code: Int32
    switch value {
    case .null:
      code = sqlite3_bind_null(handle, position)
    case .integer(let integer):
      code = sqlite3_bind_int64(handle, position, integer)
    case .real(let real):
      code = sqlite3_bind_double(handle, position, real)
    case .text(let text):
      code = Self.bind(text: text, to: handle, at: position)
    case .blob(let bytes):
      code = bytes.withUnsafeBytes { buffer in
        // A null pointer would bind NULL, not an empty blob.
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
          return sqlite3_bind_zeroblob(handle, position, 0)
        }
        return sqlite3_bind_blob64(handle, position, base, UInt64(buffer.count), policyflow_sqlite_transient())
      }
    }
    try check(code)
  }

  private static func bind(text: String, to handle: OpaquePointer, at position: Int32) -> Int32 {
    var text = text
    return text.withUTF8 { utf8 in
      // The explicit length keeps embedded NUL characters; a null pointer would bind NULL, not "".
      guard let base = utf8.baseAddress, !utf8.isEmpty else {
        return sqlite3_bind_text64(handle, position, "", 0, policyflow_sqlite_transient(), UInt8(SQLITE_UTF8))
      }
      return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: utf8.count) { chars in
        sqlite3_bind_text64(
          handle, position, chars, UInt64(utf8.count), policyflow_sqlite_transient(), UInt8(SQLITE_UTF8))
      }
    }
  }

  /// Binds `value` to the parameter called `name`.
  ///
  /// Write the name as in the SQL (`:code`, `@code`, `$code`); a bare `code` means `:code`.
  public func bind(_ value: DatabaseValue, named name: String) throws {
    try bind(value, at: try parameterIndex(named: name))
  }

  /// Binds `arguments` to the parameters in order; their count must equal ``parameterCount``.
  public func bind(_ arguments: [DatabaseValue]) throws {
    guard arguments.count == parameterCount else {
      throw SQLiteError(
        code: SQLITE_RANGE,
        message: "the statement has \(parameterCount) parameters but \(arguments.count) arguments were given",
        sql: sql
      )
    }
    for (offset, argument) in arguments.enumerated() {
      try bind(argument, at: offset + 1)
    }
  }

  private func parameterIndex(named name: String) throws -> Int {
    var index = sqlite3_bind_parameter_index(handle, name)
    if index == 0, let first = name.first, !":@$".contains(first) {
      index = sqlite3_bind_parameter_index(handle, ":" + name)
    }
    guard index > 0 else {
      throw SQLiteError(code: SQLITE_RANGE, message: "the statement has no parameter named '\(name)'", sql: sql)
    }
    return Int(index)
  }
}

// Typed conveniences, so call sites need not wrap every value in a `DatabaseValue`.
extension SQLiteStatement {
  public func bind(_ value: Int, at index: Int) throws { try bind(.integer(Int64(value)), at: index) }
  public func bind(_ value: Int64, at index: Int) throws { try bind(.integer(value), at: index) }
  public func bind(_ value: Double, at index: Int) throws { try bind(.real(value), at: index) }
  public func bind(_ value: String, at index: Int) throws { try bind(.text(value), at: index) }
  public func bind(_ value: [UInt8], at index: Int) throws { try bind(.blob(value), at: index) }
  /// Binds NULL to the parameter at `index`.
  public func bindNull(at index: Int) throws { try bind(.null, at: index) }

  public func bind(_ value: Int, named name: String) throws { try bind(.integer(Int64(value)), named: name) }
  public func bind(_ value: Int64, named name: String) throws { try bind(.integer(value), named: name) }
  public func bind(_ value: Double, named name: String) throws { try bind(.real(value), named: name) }
  public func bind(_ value: String, named name: String) throws { try bind(.text(value), named: name) }
  public func bind(_ value: [UInt8], named name: String) throws { try bind(.blob(value), named: name) }
  /// Binds NULL to the parameter called `name`.
  public func bindNull(named name: String) throws { try bind(.null, named: name) }
}
