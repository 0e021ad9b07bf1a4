extension SQLiteConnection {
  /// Runs one statement with `arguments` bound to its parameters in order, and returns the number
  /// of rows it inserted, updated or deleted.
  @discardableResult
  public func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int {
    let statement = try prepare(sql)
    defer { statement.reset() }
    try statement.bind(arguments)
    try statement.run()
    return changes
  }

  /// Runs an INSERT of one row and returns its rowid.
  public func insert(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int64 {
    try execute(sql, arguments)
    return lastInsertRowID
  }

  /// Runs a query and calls `body` with each row; the row is valid only during that call.
  public func forEachRow(_ sql: String, _ arguments: [DatabaseValue], _ body: (any DatabaseRow) throws -> Void) throws {
    let statement = try prepare(sql)
    // The reset also ends the read snapshot left open by not stepping to the end.
    defer { statement.reset() }
    try statement.bind(arguments)
    try statement.forEachRow { try body($0) }
  }
}
