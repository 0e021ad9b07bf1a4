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

  /// SQLite has no notifications: a waiter polls.
  public var supportsNotifications: Bool { false }

  public func listen(_ channel: String) throws {}

  public func notify(_ channel: String) throws {}

  /// Sleeps `milliseconds`: nothing can wake it sooner.
  public func awaitNotification(milliseconds: Int) throws -> Bool {
    pause(milliseconds: Int64(milliseconds))
    return false
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
