/// One connection to the database that holds a store: an SQLite file or a PostgreSQL server.
///
/// The store's logic is written once against this interface. SQL is written once too, in the
/// subset both engines share, with `?` or `?NNN` parameters (as SQLite spells them); a driver
/// translates what its engine spells differently (see ``SQLDialect``), and the few constructs
/// with no common spelling come from the dialect's hooks.
///
/// A connection has one owner and is not `Sendable`: open one per thread or worker.
public protocol DatabaseConnection: AnyObject {
  /// Which engine this is, for the dialect hooks.
  var dialect: SQLDialect { get }

  /// Where the database is, safe to print: a file path, or a URI with any password removed.
  var location: String { get }

  /// A new connection to the same database, for reads on another thread (each thread has its
  /// own). Where a read can wait for a lock (SQLite), it gives up after 50 ms.
  func connectingReader() throws -> sending any DatabaseConnection

  /// Runs a script of one or more statements without parameters (DDL, migrations).
  func executeScript(_ sql: String) throws

  /// Runs one statement with `arguments` bound to its parameters in order, and returns how many
  /// rows it inserted, updated or deleted.
  @discardableResult
  func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int

  /// Runs an INSERT of one row into a table keyed by an integer `id` and returns the new row's
  /// id (SQLite's rowid; PostgreSQL's identity column, through `RETURNING`).
  func insert(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int64

  /// Whether ``listen(_:)`` and ``awaitNotification(milliseconds:)`` wake a waiter when another
  /// connection calls ``notify(_:)`` (PostgreSQL); without them (SQLite) a waiter polls.
  var supportsNotifications: Bool { get }

  /// Listens to `channel` on this connection.
  func listen(_ channel: String) throws

  /// Notifies the listeners of `channel` when the current transaction commits (at most once per
  /// transaction).
  func notify(_ channel: String) throws

  /// Waits up to `milliseconds` for a notification; returns whether one came.
  func awaitNotification(milliseconds: Int) throws -> Bool

  /// Runs a query and calls `body` with each row in turn. The row is valid only during the call.
  func forEachRow(_ sql: String, _ arguments: [DatabaseValue], _ body: (any DatabaseRow) throws -> Void) throws

  /// Whether a transaction is open on this connection.
  var isInTransaction: Bool { get }

  /// Runs `body` in one transaction: commits when it returns, rolls back when it throws.
  ///
  /// `body` may run more than once: a driver whose engine reports a conflict with a concurrent
  /// transaction (PostgreSQL's serialization failures and deadlocks) or a lost connection rolls
  /// back and runs it again, after a backoff with jitter. So `body` must only read and write
  /// through the connection, and leave the caller's state as it found it until it returns.
  ///
  /// Transactions do not nest; calling this inside one stops the program.
  ///
  /// - Parameters:
  ///   - kind: `.read` for a consistent snapshot that writes nothing; `.write` for changes, which
  ///     behave as if every write transaction ran alone, one after the other (SQLite's single
  ///     writer; PostgreSQL's SERIALIZABLE isolation).
  ///   - durability: `.relaxed` for a commit a power cut may take back without harm (a claim).
  func transaction<T>(_ kind: TransactionKind, durability: CommitDurability, _ body: () throws -> T) throws -> T
}

/// What a transaction does.
public enum TransactionKind: Hashable, Sendable {
  /// Reads a consistent snapshot and writes nothing.
  case read
  /// Reads and writes, serialized with every other writer.
  case write
  /// Reads and writes only rows it locks itself first (``SQLDialect/lockingSkipLocked``), such
  /// as a worker's claim: on PostgreSQL at `READ COMMITTED`, so that workers claiming at once skip
  /// each other's rows instead of failing on each other; on SQLite the same as ``write``.
  case lockedRows
}

/// How hard a commit waits for the disk.
public enum CommitDurability: Hashable, Sendable {
  /// The connection's own setting (durable, unless the store was opened for benchmarks).
  case standard
  /// Does not wait for the disk: a power cut may undo the commit, never corrupt the store.
  case relaxed
}

/// A failure of a database driver that says whether the same work may succeed when retried.
public protocol DatabaseFailure: Error, CustomStringConvertible {
  /// A lock held too long, a conflict with a concurrent transaction, a lost connection, a disk
  /// that may recover: waiting and retrying may help.
  var isTransient: Bool { get }
  /// A UNIQUE, NOT NULL, CHECK or FOREIGN KEY constraint rejected the change.
  var isConstraintViolation: Bool { get }
  /// The driver's message, without the SQL.
  var message: String { get }
  /// The statement that failed, when the failure concerns one (never its arguments).
  var sql: String? { get }
}

extension DatabaseConnection {
  /// Runs `body` in a write transaction with standard durability.
  @discardableResult
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try transaction(.write, durability: .standard, body)
  }

  /// Runs `body` in a transaction of `kind` with standard durability.
  @discardableResult
  public func transaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
    try transaction(kind, durability: .standard, body)
  }

  /// Runs a statement without arguments.
  @discardableResult
  public func execute(_ sql: String) throws -> Int { try execute(sql, []) }

  /// Runs a query and returns one value per row, made by `row`.
  public func query<T>(_ sql: String, _ arguments: [DatabaseValue] = [], row: (any DatabaseRow) throws -> T) throws
    -> [T]
  {
    var values: [T] = []
    try forEachRow(sql, arguments) { values.append(try row($0)) }
    return values
  }

  /// Runs a query and returns the value `row` makes from its first row, or nil when there is none.
  public func queryOne<T>(_ sql: String, _ arguments: [DatabaseValue] = [], row: (any DatabaseRow) throws -> T)
    throws -> T?
  {
    var value: T?
    try forEachRow(sql, arguments) { if value == nil { value = try row($0) } }
    return value
  }
}
