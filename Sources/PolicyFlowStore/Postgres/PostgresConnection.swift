/// One connection to a PostgreSQL database, through libpq loaded at run time (see ``LibPQ``).
///
/// Store SQL is written in SQLite's spelling and translated once per SQL text (see
/// ``PostgresSQL``); each statement is prepared on the server the first time it runs and executed
/// by name after that. Arguments travel as text and the server infers their types; results come
/// back as text and are read by column type (see ``PostgresRow``).
///
/// Write transactions are SERIALIZABLE, and one that loses to a concurrent transaction, or whose
/// connection was lost, is rolled back and run again (see ``transaction(_:durability:_:)``).
///
/// A connection has one owner and is deliberately not `Sendable`: libpq allows one thread per
/// connection at a time, and the statement caches are plain mutable fields.
public final class PostgresConnection: DatabaseConnection {
  public var dialect: SQLDialect { .postgres }

  /// The URI with any password removed.
  public let location: String

  /// Whether every commit skips waiting for the server's disk (`synchronous_commit = off`): for
  /// benchmarks only, where a crash of the server may lose the last commits.
  public let relaxedDurability: Bool

  let libpq: LibPQ
  let handle: LibPQ.Connection
  /// The passwords of the URI, scrubbed from every message before it leaves the driver.
  let secrets: [String]
  /// The URI connected to, password included, for ``connectingReader()``; never printed.
  private let uri: String

  /// Statement names on the server by store SQL text; emptied when the connection is reset,
  /// since prepared statements live in the server session.
  var preparedNames: [String: String] = [:]
  /// Channels this connection listens to (``listen(_:)``), listened to again after a reconnect.
  var listening: Set<String> = []
  /// A reconnect may have lost a notification: the next wait returns at once.
  var missedNotifications = false
  var preparedCount = 0
  /// Translations by store SQL text; they do not depend on the session.
  var translations: [String: PostgresSQL] = [:]
  /// ``insert(_:_:)``'s statements with their `RETURNING id`, by store SQL text.
  var returningStatements: [String: String] = [:]
  /// Bounds of the caches. Store SQL is a fixed set of texts, far below this; a caller that
  /// builds SQL texts from data gets correct, unprepared statements past it.
  static let cacheLimit = 2000

  /// Whether ``transaction(_:durability:_:)`` is running its body: statements then must not
  /// reconnect on their own, which would carry on outside the transaction.
  var isRunningTransaction = false
  /// The last error a statement met inside the running transaction: after one, PostgreSQL
  /// refuses everything but a rollback, whether or not the body let the error through.
  var failureInTransaction: PostgresError?

  /// Connects to the database `uri` names.
  ///
  /// - Parameters:
  ///   - uri: a `postgresql://` or `postgres://` URI, handed to libpq as it is, so every libpq
  ///     parameter (`sslmode`, `host=/socket/dir`) and variable (PGHOST, PGPASSFILE, `.pgpass`,
  ///     PGSERVICE) works as in psql.
  ///   - relaxedDurability: commit without waiting for the disk; for benchmarks only.
  /// - Throws: ``PostgresError`` when libpq is not installed, `uri` is not a PostgreSQL URI, or the
  ///   server cannot be reached or refuses the login (the message names the URI without its
  ///   password, and libpq's reason).
  public init(uri given: String, relaxedDurability: Bool = false) throws {
    let uri = PostgresURI.withLowercaseScheme(given)
    self.uri = uri
    libpq = try LibPQ.library()
    secrets = PostgresURI.passwords(in: uri)
    location = PostgresURI.redacted(uri)
    self.relaxedDurability = relaxedDurability
    guard PostgresURI.isPostgres(uri) else {
      // Not quoted: text that is not a URI may be a key=value string holding a password.
      throw PostgresError(
        sqlState: "22023",
        message: "the database location is not a PostgreSQL URI; write it as postgresql://user@host:5432/database")
    }
    guard let handle = libpq.connectdb(uri) else {
      throw PostgresError(sqlState: "08001", message: "cannot connect to \(location): libpq is out of memory")
    }
    guard libpq.status(handle) == PQ.connectionOK else {
      let reason = PostgresURI.scrub(Self.message(libpq.errorMessage(handle)), passwordsOf: uri)
      libpq.finish(handle)
      let sqlState = Self.refusalCode(uri, libpq: libpq, after: reason) ?? Self.refusalState(reason)
      throw PostgresError(sqlState: sqlState, message: "cannot connect to \(location): \(reason)")
    }
    self.handle = handle
    // From here on a thrown error releases self, and deinit closes the handle.
    // NOTICEs ("relation already exists, skipping") would go to stderr, mixed with the output.
    _ = libpq.setNoticeProcessor(handle, { _, _ in }, nil)
    try configureSession()
  }

  deinit {
    libpq.finish(handle)
  }

  public func connectingReader() throws -> sending any DatabaseConnection {
    try PostgresConnection(uri: uri, relaxedDurability: relaxedDurability)
  }

  public var isInTransaction: Bool {
    let status = libpq.transactionStatus(handle)
    return status != PQ.transactionIdle && status != PQ.transactionUnknown
  }

  /// The settings every session needs, made again after a reconnect: UTF-8 (rows are decoded as
  /// UTF-8 whatever the database's encoding), and the relaxed commits asked for.
  private func configureSession() throws {
    guard libpq.setClientEncoding(handle, "UTF8") == 0 else {
      throw connectionError(sqlState: "08006", "cannot set the client encoding to UTF-8")
    }
    if relaxedDurability {
      try command("SET synchronous_commit = off")
    }
  }

  /// Whether the connection to the server is up, as far as libpq knows: a server that closed
  /// it is noticed only at the next statement.
  var isConnected: Bool { libpq.status(handle) == PQ.connectionOK }

  /// Connects again with the same parameters, forgetting the statements prepared in the old
  /// session.
  func reconnect() throws {
    preparedNames.removeAll()
    libpq.reset(handle)
    guard isConnected else {
      throw connectionError(sqlState: "08001", "cannot connect to \(location) again")
    }
    try configureSession()
    // A new session listens to nothing; what the old one listened to is listened to again, and
    // a notification sent meanwhile may have been lost: say one came, so the caller looks.
    for channel in listening.sorted() { try command("LISTEN \(channel)") }
    if !listening.isEmpty { missedNotifications = true }
  }

  /// An error for a failure libpq reports on the connection rather than in a result.
  func connectionError(sqlState: String, _ what: String, sql: String? = nil) -> PostgresError {
    let reason = scrubbed(Self.message(libpq.errorMessage(handle)))
    return PostgresError(sqlState: sqlState, message: reason.isEmpty ? what : "\(what): \(reason)", sql: sql)
  }

  func scrubbed(_ message: String) -> String {
    secrets.sorted { $0.count > $1.count }.reduce(message) { $0.replacing($1, with: "***") }
  }

  /// A message from libpq without its trailing newline.
  /// The SQLSTATE for a connection the server refused, read from libpq's sentence (libpq gives
  /// no code before a session exists): a login refused (28P01 a password, 28000 a login or a
  /// pg_hba.conf entry) or a database that does not exist (3D000) are not waited out, as a server
  /// that cannot be reached yet (08001) is.
  static func refusalState(_ reason: String) -> String {
    // libpq's own words when the server asks for a password and none is given (no .pgpass line,
    // or a .pgpass it ignores for its permissions): a login to mend, not a server to wait for.
    if reason.contains("password authentication failed") || reason.contains("no password supplied") { return "28P01" }
    if reason.contains("no pg_hba.conf entry")
      || reason.range(of: #"role "[^"]*" does not exist"#, options: .regularExpression) != nil
      || reason.contains("authentication failed")
    {
      return "28000"
    }
    if reason.range(of: #"database "[^"]*" does not exist"#, options: .regularExpression) != nil { return "3D000" }
    return "08001"
  }

  static func message(_ text: UnsafePointer<CChar>?) -> String {
    guard let text else { return "" }
    var message = String(cString: text)
    while message.last?.isWhitespace == true { message.removeLast() }
    return message
  }
}

@available(*, unavailable, message: "A connection has a single owner; open one per thread or worker.")
extension PostgresConnection: Sendable {}

extension PostgresConnection: CustomReflectable {
  /// Only the location: `dump` and debuggers must not show the passwords kept for scrubbing.
  public var customMirror: Mirror {
    Mirror(self, children: ["location": location, "relaxedDurability": relaxedDurability])
  }
}
