import CSQLite

extension SQLiteConnection {
  /// When a transaction takes the database's write lock.
  public enum TransactionKind: Hashable, Sendable {
    /// At the first write. A read-then-write transaction may then fail with a busy error that
    /// waiting cannot fix; use it for read-only work.
    case deferred
    /// At BEGIN, waiting up to the busy timeout. The default for writes.
    case immediate
    /// At BEGIN, like `immediate`; in WAL mode readers are not kept out.
    case exclusive

    var beginSQL: String {
      switch self {
      case .deferred: "BEGIN DEFERRED TRANSACTION"
      case .immediate: "BEGIN IMMEDIATE TRANSACTION"
      case .exclusive: "BEGIN EXCLUSIVE TRANSACTION"
      }
    }
  }

  /// Whether a transaction is open on this connection.
  public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

  /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
  ///
  /// The first error wins: the error `body` threw (or the one COMMIT failed with) is rethrown even
  /// if the rollback fails too, and nothing `body` wrote is kept.
  ///
  /// Transactions do not nest. Calling this inside another transaction is a programmer mistake and
  /// stops the program: a unit of work that must be all-or-nothing should be visible as one
  /// closure, not assembled from savepoints whose outcome the caller cannot see.
  ///
  /// - Throws: ``SQLiteError`` when BEGIN or COMMIT fails (`isBusy` when another connection kept
  ///   the write lock past the busy timeout), or whatever `body` throws.
  @discardableResult
  public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
    try transaction(kind, synchronous: configuration.synchronous, body)
  }

  /// Runs `body` in a transaction like ``transaction(_:_:)``, committed with the `synchronous`
  /// setting `synchronous` instead of the connection's.
  ///
  /// `.normal` is for changes a power cut may take back without harm, such as a worker's claim
  /// (the work stays queued): the commit does not wait for the disk, and the next commit that
  /// does (on any connection: it syncs the whole write-ahead log) makes it durable with its
  /// own. Checkpoints still sync, so the file is never corrupt. The connection's own setting is
  /// put back as soon as the transaction ends, and every transaction sets the one it needs
  /// before `BEGIN` too (in case putting it back failed), so one that asked for less never
  /// weakens what follows.
  @discardableResult
  public func transaction<T>(_ kind: TransactionKind = .immediate, synchronous: Synchronous, _ body: () throws -> T)
    throws -> T
  {
    precondition(!isInTransaction, "SQLiteConnection.transaction cannot be nested inside another transaction")
    try setSynchronous(synchronous)
    // A statement run outside any transaction (autocommit) also gets the connection's own.
    defer { try? setSynchronous(configuration.synchronous) }
    try execute(kind.beginSQL, [])
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
    try? execute("ROLLBACK TRANSACTION", [])
  }
}
