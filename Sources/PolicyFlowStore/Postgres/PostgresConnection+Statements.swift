extension PostgresConnection {
  public func executeScript(_ sql: String) throws {
    try reconnectIfLost()
    let result = try check(libpq.exec(handle, sql), sql: sql)
    libpq.clear(result)
  }

  @discardableResult
  public func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int {
    let result = try run(sql, arguments)
    defer { libpq.clear(result) }
    return libpq.cmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
  }

  /// Runs an INSERT of one row into a table keyed by an integer `id` and returns the new row's
  /// id, read through a `RETURNING id` the driver appends (PostgreSQL has no last-insert id).
  ///
  /// What SQLite reads from `last_insert_rowid()`; the store's converted interface requires it.
  ///
  /// - Throws: ``PostgresError`` `02000` (no_data) when the statement inserted no row (an
  ///   `ON CONFLICT DO NOTHING` that met a conflict): there is no new id to return.
  public func insert(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int64 {
    let returning: String
    if let cached = returningStatements[sql] {
      returning = cached
    } else {
      returning = sql + "\nRETURNING id"
      if returningStatements.count < Self.cacheLimit {
        returningStatements[sql] = returning
      }
    }
    var id: Int64?
    try forEachRow(returning, arguments) { row in
      if id == nil { id = try row.int64(at: 0) }
    }
    guard let id else {
      throw PostgresError(sqlState: "02000", message: "the INSERT added no row, so there is no new id", sql: sql)
    }
    return id
  }

  public func forEachRow(_ sql: String, _ arguments: [DatabaseValue], _ body: (any DatabaseRow) throws -> Void)
    throws
  {
    let result = try run(sql, arguments)
    defer { libpq.clear(result) }
    let types = (0..<libpq.nfields(result)).map { libpq.ftype(result, $0) }
    for row in 0..<libpq.ntuples(result) {
      try body(PostgresRow(libpq: libpq, result: result, row: row, types: types))
    }
  }

  /// Runs a command without arguments or result rows (BEGIN, COMMIT, SET).
  func command(_ sql: String) throws {
    let result = try check(libpq.exec(handle, sql), sql: sql)
    libpq.clear(result)
  }

  /// Runs one statement and returns its successful result, which the caller clears.
  ///
  /// A statement is prepared the first time its SQL runs and executed by name after that. On a
  /// connection known to be lost, outside a transaction, the driver reconnects before sending
  /// anything; and when preparing fails because the connection was lost, it reconnects and
  /// tries once more, since a statement that was not yet prepared cannot have run. A statement
  /// whose execution meets a lost connection is never sent again: it may have run.
  private func run(_ sql: String, _ arguments: [DatabaseValue]) throws -> LibPQ.Result {
    let statement = translation(of: sql)
    precondition(
      arguments.count == statement.parameterCount,
      "The statement takes \(statement.parameterCount) arguments but was given \(arguments.count): \(sql)")
    let parameters = try PostgresParameters(arguments, sql: sql)
    try reconnectIfLost()
    let name: String
    let key = parameters.signature.isEmpty ? sql : sql + "\u{0}" + parameters.signature
    if let prepared = preparedNames[key] {
      name = prepared
    } else if preparedNames.count < Self.cacheLimit {
      name = "pf_\(preparedCount)"
      do {
        try prepare(statement.text, as: name, types: parameters.types, sql: sql)
      } catch let error as PostgresError where error.isConnectionLost && !isRunningTransaction {
        try reconnect()
        try prepare(statement.text, as: name, types: parameters.types, sql: sql)
      }
      preparedCount += 1
      preparedNames[key] = name
    } else {
      return try parameters.values.withUnsafeBufferPointer { values in
        try parameters.types.withUnsafeBufferPointer { types in
          try parameters.lengths.withUnsafeBufferPointer { lengths in
            try parameters.formats.withUnsafeBufferPointer { formats in
              try check(
                libpq.execParams(
                  handle, statement.text, parameters.count, types.baseAddress, values.baseAddress, lengths.baseAddress,
                  formats.baseAddress, 0), sql: sql)
            }
          }
        }
      }
    }
    return try parameters.values.withUnsafeBufferPointer { values in
      try parameters.lengths.withUnsafeBufferPointer { lengths in
        try parameters.formats.withUnsafeBufferPointer { formats in
          try check(
            libpq.execPrepared(
              handle, name, parameters.count, values.baseAddress, lengths.baseAddress, formats.baseAddress, 0),
            sql: sql)
        }
      }
    }
  }

  private func prepare(_ text: String, as name: String, types: [UInt32], sql: String) throws {
    let result = try types.withUnsafeBufferPointer { types in
      try check(libpq.prepare(handle, name, text, Int32(types.count), types.baseAddress), sql: sql)
    }
    libpq.clear(result)
  }

  /// `sql` in PostgreSQL's spelling, translated once per text.
  private func translation(of sql: String) -> PostgresSQL {
    if let translated = translations[sql] { return translated }
    let translated = PostgresSQL(translating: sql)
    if translations.count < Self.cacheLimit {
      translations[sql] = translated
    }
    return translated
  }

  /// Reconnects a connection libpq knows to be lost, before anything is sent on it; inside a
  /// transaction, whose work the lost session took with it, throws instead.
  func reconnectIfLost() throws {
    guard !isConnected else { return }
    guard !isRunningTransaction else {
      throw PostgresError(
        sqlState: "08003", message: "the connection to \(location) was lost during the transaction")
    }
    try reconnect()
  }

  /// Returns `result` when it succeeded; otherwise clears it and throws its error.
  func check(_ result: LibPQ.Result?, sql: String) throws -> LibPQ.Result {
    guard let result else {
      throw remember(
        connectionError(sqlState: isConnected ? "53200" : "08006", "no result from \(location)", sql: sql))
    }
    let status = libpq.resultStatus(result)
    if status == PQ.commandOK || status == PQ.tuplesOK || status == PQ.emptyQuery {
      return result
    }
    defer { libpq.clear(result) }
    var message = libpq.resultErrorField(result, PQ.fieldPrimaryMessage).map { String(cString: $0) }
    if message == nil {
      message = Self.message(libpq.resultErrorMessage(result))
    }
    // libpq's own reports (a dropped connection above all) carry no code.
    let sqlState =
      libpq.resultErrorField(result, PQ.fieldSQLState).map { String(cString: $0) } ?? (isConnected ? "XX000" : "08006")
    let text = message.map(scrubbed) ?? ""
    throw remember(PostgresError(sqlState: sqlState, message: text.isEmpty ? "no message" : text, sql: sql))
  }

  private func remember(_ error: PostgresError) -> PostgresError {
    if isRunningTransaction {
      failureInTransaction = error
    }
    return error
  }
}
