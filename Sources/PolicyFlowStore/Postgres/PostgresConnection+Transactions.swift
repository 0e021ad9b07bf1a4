#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension PostgresConnection {
  /// How many times a transaction runs before its conflict or lost connection is thrown.
  static let maximumAttempts = 10

  /// Runs `body` in one transaction: commits when it returns, rolls back when it throws (the
  /// first error wins, even when the rollback fails too).
  ///
  /// Write transactions are SERIALIZABLE: PostgreSQL lets them run side by side and fails one
  /// that could not have run in some order one after the other (SQLSTATE 40001), or one caught in
  /// a deadlock (40P01). Such a transaction, or one whose connection was lost (class 08,
  /// 57P01–57P03), is rolled back (reconnecting as needed) and `body` runs again after a pause
  /// that doubles from 5 ms up to 500 ms, with jitter so that the losers do not meet again; after
  /// ``maximumAttempts`` runs the error is thrown. The error counts when `body` lets it through,
  /// and also when `body` caught it and went on: PostgreSQL has aborted the transaction anyway.
  ///
  /// A connection lost while COMMIT was on its way is not retried: the commit may have happened.
  /// It throws SQLSTATE 08007 (transaction_resolution_unknown).
  ///
  /// Read transactions are REPEATABLE READ READ ONLY: one snapshot for the whole body.
  @discardableResult
  public func transaction<T>(_ kind: TransactionKind, durability: CommitDurability, _ body: () throws -> T)
    throws -> T
  {
    precondition(
      !isRunningTransaction && !isInTransaction,
      "PostgresConnection.transaction cannot be nested inside another transaction")
    var attempt = 1
    while true {
      do {
        return try runTransaction(kind, durability: durability, body)
      } catch {
        guard attempt < Self.maximumAttempts, let failure = (error as? PostgresError) ?? failureInTransaction,
          failure.isConflict || (failure.isConnectionLost && failure.sqlState != "08007")
        else { throw error }
        pause(beforeAttempt: attempt + 1)
        attempt += 1
      }
    }
  }

  private func runTransaction<T>(_ kind: TransactionKind, durability: CommitDurability, _ body: () throws -> T)
    throws -> T
  {
    if !isConnected {
      // Nothing was sent on the lost session: safe to start again on a new one.
      try reconnect()
    }
    isRunningTransaction = true
    failureInTransaction = nil
    // The failure stays after the attempt: ``transaction(_:durability:_:)`` reads it to decide.
    defer { isRunningTransaction = false }
    do {
      switch kind {
      case .read: try command("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
      case .write: try command("BEGIN ISOLATION LEVEL SERIALIZABLE")
      case .lockedRows: try command("BEGIN ISOLATION LEVEL READ COMMITTED")
      }
      if durability == .relaxed && !relaxedDurability {
        try command("SET LOCAL synchronous_commit = off")
      }
      let result = try body()
      if libpq.transactionStatus(handle) == PQ.transactionInError {
        // COMMIT would roll back and report success: surface the error the body swallowed.
        throw failureInTransaction
          ?? PostgresError(
            sqlState: "25P02", message: "the transaction was aborted by an error inside it; nothing was committed")
      }
      try commit()
      return result
    } catch {
      rollbackKeepingFirstError()
      throw error
    }
  }

  private func commit() throws {
    do {
      try command("COMMIT")
    } catch let error as PostgresError where error.isConnectionLost {
      throw PostgresError(
        sqlState: "08007",
        message: "the connection to \(location) was lost while committing, so whether the transaction was "
          + "committed is unknown: \(error.message)",
        sql: "COMMIT")
    }
  }

  private func rollbackKeepingFirstError() {
    guard isConnected else {
      // The server rolled back when the session ended; reconnect now if it can be done, else
      // the next statement or transaction will.
      try? reconnect()
      return
    }
    guard libpq.transactionStatus(handle) != PQ.transactionIdle else { return }
    // A failed rollback is dropped: the caller must see the error that caused it.
    if let result = libpq.exec(handle, "ROLLBACK") {
      libpq.clear(result)
    }
  }

  /// Sleeps 5 ms before the second attempt, doubling up to 500 ms, each time somewhere between
  /// half and all of that.
  private func pause(beforeAttempt attempt: Int) {
    let ceiling = min(500_000, 5_000 << min(attempt - 2, 16))
    usleep(UInt32(Int.random(in: ceiling / 2...ceiling)))
  }
}
