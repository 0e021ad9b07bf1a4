import CSQLite

extension SQLiteConnection {
  /// Whether a transaction is open on this connection.
  public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

  /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
  ///
  /// A write transaction takes the database's write lock at `BEGIN IMMEDIATE`, waiting up to the
  /// busy timeout, so writers run one after the other; a read transaction (`DEFERRED`) reads one
  /// snapshot and never waits. `body` runs once: a lock held past the busy timeout is thrown as
  /// a transient ``SQLiteError`` (`isBusy`), and the caller decides whether to try again.
  ///
  /// `.relaxed` durability commits with `synchronous=NORMAL`, for changes a power cut may take
  /// back without harm, such as a worker's claim (the work stays queued): the commit does not
  /// wait for the disk, and the next commit that does (on any connection: it syncs the whole
  /// write-ahead log) makes it durable with its own. The connection's own setting is put back as
  /// soon as the transaction ends, and every transaction sets the one it needs before `BEGIN`
  /// too (in case putting it back failed), so one that asked for less never weakens what follows.
  ///
  /// The first error wins: the error `body` threw (or the one COMMIT failed with) is rethrown even
  /// if the rollback fails too, and nothing `body` wrote is kept.
  ///
  /// Transactions do not nest. Calling this inside another transaction is a programmer mistake and
  /// stops the program: a unit of work that must be all-or-nothing should be visible as one
  /// closure, not assembled from savepoints whose outcome the caller cannot see.
  @discardableResult
  public func transaction<T>(_ kind: TransactionKind, durability: CommitDurability, _ body: () throws -> T) throws
    -> T
  {
    precondition(!isInTransaction, "SQLiteConnection.transaction cannot be nested inside another transaction")
    try setSynchronous(durability == .relaxed ? .normal : configuration.synchronous)
    // A statement run outside any transaction (autocommit) also gets the connection's own.
    defer { try? setSynchronous(configuration.synchronous) }
    try execute(kind == .read ? "BEGIN DEFERRED TRANSACTION" : "BEGIN IMMEDIATE TRANSACTION", [])
    do {
      let result = try body()
      guard isInTransaction else {
        throw SQLiteError(
          code: SQLITE_ABORT,
          message: "SQLite rolled the transaction back after an error inside it; nothing was committed",
          sql: "COMMIT TRANSACTION"
        )
      }
      try execute("COMMIT TRANSACTION", [])
      return result
    } catch {
      rollbackKeepingFirstError()
      throw error
    }
  }

  private func setSynchronous(_ synchronous: Synchronous) throws {
    guard synchronous != synchronousInForce else { return }
    try execute("PRAGMA synchronous = \(synchronous.pragmaValue)", [])
    synchronousInForce = synchronous
  }

  private func rollbackKeepingFirstError() {
    // SQLite rolls back on its own after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM…).
    guard isInTransaction else { return }
    // A failed rollback is dropped: the caller must see the error that caused it. SQLite then
    // rolls back when the connection closes.
    _ = try? execute("ROLLBACK TRANSACTION", [])
  }
}
