extension SQLiteConnection {
  /// Runs one statement with `arguments` bound to its parameters in order.
  ///
  /// Use it for INSERT, UPDATE and DELETE; read ``lastInsertRowID`` and ``changes`` afterwards.
  public func execute(_ sql: String, _ arguments: [DatabaseValue]) throws {
    let statement = try prepare(sql)
    defer { statement.reset() }
    try statement.bind(arguments)
    try statement.run()
  }

  /// Runs a query and returns one value per row, made by `row`.
  ///
  /// The row passed to `row` is valid only during that call.
  public func query<T>(
    _ sql: String,
    _ arguments: [DatabaseValue] = [],
    row: (SQLiteRow) throws -> T
  ) throws -> [T] {
    let statement = try prepare(sql)
    defer { statement.reset() }
    try statement.bind(arguments)
    var values: [T] = []
    try statement.forEachRow { values.append(try row($0)) }
    return values
  }

  /// Runs a query and returns the value `row` makes from its first row, or nil when there is none.
  public func queryOne<T>(
    _ sql: String,
    _ arguments: [DatabaseValue] = [],
    row: (SQLiteRow) throws -> T
  ) throws -> T? {
    let statement = try prepare(sql)
    // The reset also ends the read snapshot left open by not stepping to the end.
    defer { statement.reset() }
    try statement.bind(arguments)
    guard try statement.step() else { return nil }
    return try row(statement.row)
  }
}
