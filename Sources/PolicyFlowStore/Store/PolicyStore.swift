public import PolicyFlowCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The durable home of policies, their history, the work queue, users and catalog snapshots:
/// one SQLite file in WAL mode, or a PostgreSQL database shared by a team, with the same logic
/// over both (``DatabaseConnection``), shared safely by several worker processes and CLI users.
///
/// A `PolicyStore` owns one connection and is used from one thread at a time (it is not
/// `Sendable`); each process or thread opens its own. Every change is one write transaction: a
/// refused command changes nothing.
public final class PolicyStore {
  /// Where the store is, safe to print: the file's path, or the PostgreSQL URI without its
  /// password.
  public let path: String
  let db: any DatabaseConnection
  /// The current time; replaced in tests that need a fixed clock.
  public var clock: @Sendable () -> StoreTime = StoreTime.now
  /// Catalogs loaded from snapshots, by hash.
  let catalogCache = Mutex<[String: Catalog]>([:])
  /// History rows the current write transaction wrote, chained when it ends (``writing(_:durability:_:)``).
  var auditWrites = AuditChain.Writes()
  /// On PostgreSQL, the database login connected: the user every command acts as (see
  /// ``requireActing(as:)``). Nil on SQLite, where `--as` is self-declared.
  public private(set) var databaseLogin: String?
  /// Whether the login owns the store's tables (or is a superuser): it could change any row
  /// anyway, so it may act as any user, as an administrator's login may.
  private(set) var loginOwnsStore = false

  /// Whether this store is opened with the login that owns its tables (PostgreSQL), which may act
  /// for anyone with `--as`.
  public var isOwnersLogin: Bool { loginOwnsStore }

  /// Opens (creating when missing) and migrates the store at `path`: an SQLite file's path, or a
  /// PostgreSQL connection URI (`postgresql://…` or `postgres://…`). A store written by a newer
  /// PolicyFlow is refused and left untouched.
  ///
  /// `upgradeProgress` is told, in sentences, when an existing store is upgraded to a newer
  /// schema (before each step, and when it is done): on a large store that takes a while.
  /// `lockWait`, for a person's command: how long to wait for the write lock another process
  /// holds (a large import holds it until it ends), from the first statement on, an upgrade's
  /// included (see ``LockWait``).
  public convenience init(
    path: String, durability: Durability = .full, busyTimeoutMilliseconds: Int = 5000, create: Bool = true,
    lockWait: LockWait? = nil, upgradeProgress: ((String) -> Void)? = nil
  ) throws {
    let migrations = StoreSchema.migrations(for: PostgresURI.isPostgres(path) ? .postgres : .sqlite)
    try self.init(
      path: path, durability: durability, busyTimeoutMilliseconds: busyTimeoutMilliseconds, create: create,
      migrations: migrations, lockWait: lockWait, upgradeProgress: upgradeProgress)
  }

  /// For a person's command: wait up to `limit` for the write lock another process holds, and
  /// call `notice` once when a wait passes `noticeAfter`. On PostgreSQL, where writers wait only
  /// for the rows they share, this changes nothing.
  public struct LockWait: Sendable {
    public var limit: Duration
    public var noticeAfter: Duration
    public var notice: @Sendable () -> Void

    public init(limit: Duration, noticeAfter: Duration, notice: @escaping @Sendable () -> Void) {
      self.limit = limit
      self.noticeAfter = noticeAfter
      self.notice = notice
    }
  }

  /// Opens the store migrated only as far as `migrations` go: for tests of upgrades from an
  /// older schema.
  convenience init(
    path: String, durability: Durability = .full, busyTimeoutMilliseconds: Int = 5000, create: Bool = true,
    migrations: [Migration], lockWait: LockWait? = nil, upgradeProgress: ((String) -> Void)? = nil
  ) throws {
    let configuration = SQLiteConnection.Configuration(
      busyTimeout: .milliseconds(busyTimeoutMilliseconds), synchronous: durability == .full ? .full : .normal)
    if create, !PostgresURI.isPostgres(path) {
      try Self.createWhole(at: path, configuration: configuration, migrations: migrations)
    }
    let connection = try Self.connect(path, durability: durability, configuration: configuration, create: create)
    if let lockWait {
      (connection as? SQLiteConnection)?.waitForLocks(
        upTo: lockWait.limit, noticeAfter: lockWait.noticeAfter, notice: lockWait.notice)
    }
    try self.init(connection: connection, migrations: migrations, create: create, upgradeProgress: upgradeProgress)
  }

  /// Opens the connection `location` names.
  private static func connect(
    _ location: String, durability: Durability, configuration: SQLiteConnection.Configuration, create: Bool
  ) throws -> any DatabaseConnection {
    if PostgresURI.isPostgres(location) {
      return try PostgresConnection(uri: location, relaxedDurability: durability == .normal)
    }
    if !create, access(location, F_OK) != 0 {
      throw StoreError(
        .notFound,
        "There is no store at \(location); create one with 'policyflow init --db \(location) --admin YOUR_NAME', "
          + "or point --db (or POLICYFLOW_DB) at an existing store.")
    }
    return try SQLiteConnection(path: location, configuration: configuration)
  }

  /// Creates a new SQLite store whole before anyone can see it: migrated in a hidden file beside
  /// `location`, closed (so its write-ahead log is folded in and gone), then linked into place,
  /// which fails if another process put a file there first (then that one is opened). A file
  /// made in place would be empty for a moment, and another process opening it then could not
  /// tell it from an empty file of the user's. Nothing is done when a file is there already, the
  /// directory cannot be written, or the file system has no links (the store is then made in
  /// place, and opening says what is wrong in its own words).
  private static func createWhole(
    at location: String, configuration: SQLiteConnection.Configuration, migrations: [Migration]
  ) throws {
    let slash = location.lastIndex(of: "/")
    let directory = slash.map { $0 == location.startIndex ? "/" : String(location[..<$0]) } ?? "."
    let name = slash.map { String(location[location.index(after: $0)...]) } ?? location
    // A file there (an empty one `init` was given: `mktemp`'s) is made a store in place, keeping
    // its mode, owner and any link to it.
    guard !name.isEmpty, access(location, F_OK) != 0 else { return }
    // A folder that is not there, or not writable, is named as such (SQLite says only that it is
    // "unable to open database file").
    var folder = stat()
    guard stat(directory, &folder) == 0, (folder.st_mode & S_IFMT) == S_IFDIR else {
      throw StoreError(
        .invalidInput,
        "The folder \(directory) does not exist, so no store can be made at \(location); create the folder first "
          + "(mkdir -p \(directory)) or give --db a path in an existing one. Nothing was created.")
    }
    guard access(directory, W_OK) == 0 else {
      throw StoreError(
        .invalidInput,
        "The folder \(directory) is not writable by this user, so no store can be made at \(location); give --db a "
          + "path in a folder you may write to. Nothing was created.")
    }
    removeAbandonedPartials(of: name, in: directory)
    let partial = "\(directory)/.\(name).creating-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    defer { for suffix in ["", "-wal", "-shm"] { unlink(partial + suffix) } }
    do {
      _ = try PolicyStore(
        connection: SQLiteConnection(path: partial, configuration: configuration), migrations: migrations,
        upgradeProgress: nil)
    } catch {
      // Named by the path the user gave: the hidden file is gone when this is read.
      let reason = ((error as? any DatabaseFailure)?.message ?? String(describing: error)).replacing(
        partial, with: location)
      throw StoreError(.damaged, "The store at \(location) could not be created: \(reason); nothing was created.")
    }
    guard access(partial + "-wal", F_OK) != 0 else {
      // A checkpoint that could not write: most often a full disk, which SQLite does not say here.
      var space = statvfs()
      let isFull = statvfs(directory, &space) == 0 && UInt64(space.f_bavail) * UInt64(space.f_frsize) < 1 << 20
      throw StoreError(
        .damaged,
        "The new store at \(location) could not be closed cleanly"
          + (isFull ? ": the disk holding \(directory) is full (less than 1 MB free); free some space" : "")
          + "; nothing was created.")
    }
    // Group-writable when the umask allows it (SQLite makes 0644): a store shared with operators
    // through its group (the systemd unit's UMask=0007) is theirs to write too, and SQLite gives
    // its -wal and -shm files the store's mode, so an operator's read leaves none the workers
    // cannot open.
    let mask = umask(0)
    umask(mask)
    chmod(partial, 0o666 & ~mask)
    guard link(partial, location) == 0 else { return }
    // The new name is on disk once the directory is: else a power cut could leave no store
    // behind an init that said it made one.
    let handle = open(directory, O_RDONLY)
    if handle >= 0 {
      fsync(handle)
      close(handle)
    }
  }

  /// Removes the hidden files an `init` of `name` left when it was killed while it made the store
  /// (`.NAME.creating-PID-…`, with their `-wal` and `-shm`): those of processes no longer running.
  private static func removeAbandonedPartials(of name: String, in directory: String) {
    let prefix = ".\(name).creating-"
    guard let listing = opendir(directory) else { return }
    defer { closedir(listing) }
    while let entry = readdir(listing) {
      let file = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
      guard file.hasPrefix(prefix), let pid = Int32(file.dropFirst(prefix.count).prefix { $0 != "-" }) else { continue }
      if kill(pid, 0) != 0, errno == ESRCH { unlink("\(directory)/\(file)") }
    }
  }

  /// Migrates the database `connection` opened and keeps the connection. Without `create`, a
  /// PostgreSQL database that holds no store is refused, as a missing SQLite file is: any command
  /// made the store in an empty database (with no administrator), and a login that may not
  /// create it was told it lacked a privilege (SRE trial).
  init(
    connection: any DatabaseConnection, migrations: [Migration], create: Bool = true,
    upgradeProgress: ((String) -> Void)?
  ) throws {
    db = connection
    path = connection.location
    if !create, connection.dialect == .postgres,
      try connection.queryOne("SELECT to_regclass('schema_migrations') IS NULL", row: { try $0.bool(at: 0) }) == true
    {
      let location = PostgresURI.redacted(connection.location)
      throw StoreError(
        .notFound,
        "There is no store in the database at \(location); create one with 'policyflow init --db \(location) "
          + "--admin YOUR_NAME' on the login that is to own it, or point --db (or POLICYFLOW_DB) at an existing store.")
    }
    let started = StoreTime.now()
    // The migrator says which migrations upgrade an existing store (not the ones creating one).
    var upgraded = false
    let applied = try Migrator(migrations).migrate(db) { [path] migration in
      upgraded = true
      upgradeProgress?(
        "Upgrading the store at \(path) to schema version \(migration.version) (\(migration.name)); "
          + "on a large store this takes a while, and stopping it leaves the store as it was.")
    }
    if let upgradeProgress, upgraded, let last = applied.last {
      let tenths = (StoreTime.now().milliseconds - started.milliseconds + 50) / 100
      upgradeProgress("Upgraded the store to schema version \(last) in \(tenths / 10).\(tenths % 10) s.")
    }
    if db.dialect == .postgres {
      let identity = try db.queryOne(
        """
        SELECT session_user, r.rolsuper OR pg_has_role(session_user, t.tableowner, 'MEMBER')
        FROM pg_roles r, pg_tables t
        WHERE r.rolname = session_user AND t.schemaname = current_schema() AND t.tablename = 'policy'
        """
      ) { (try $0.string(at: 0), try $0.bool(at: 1)) }
      databaseLogin = identity?.0
      loginOwnsStore = identity?.1 ?? false
    }
  }

  /// Folds an SQLite store's write-ahead log into the file this store opened and empties it, for
  /// a worker whose file was replaced at its path (a store put back from a backup): the log left
  /// there would be read by the new file as its own. False when the log could not be emptied
  /// whole (another process reading the store holds frames of it; SQLite answers so in a row,
  /// not an error). True on PostgreSQL, which has no such file.
  public func emptyWriteAheadLog() throws -> Bool {
    guard db.dialect == .sqlite else { return true }
    let result = try db.queryOne("PRAGMA wal_checkpoint(TRUNCATE)") {
      (busy: try $0.int(at: 0), frames: try $0.int(at: 1), folded: try $0.int(at: 2))
    }
    return result.map { $0.busy == 0 && $0.frames == $0.folded } ?? false
  }

  /// How hard a commit waits for the disk.
  public enum Durability: Sendable {
    /// A commit that returned survives a power cut (`synchronous=FULL`; PostgreSQL's
    /// `synchronous_commit=on`).
    case full
    /// Survives a crash of the process, not of the machine (for benchmarks).
    case normal
  }

  /// Which engine holds the store.
  public var dialect: SQLDialect { db.dialect }

  /// The schema version this build writes (the same number on both engines).
  public static var latestSchemaVersion: Int { Migrator(StoreSchema.sqliteMigrations).latestVersion }

  /// The schema version of the open store.
  public var schemaVersion: Int {
    get throws { try Migrator(StoreSchema.migrations(for: db.dialect)).currentVersion(of: db) }
  }
}

/// A point in time as the store records it: Unix milliseconds, written as ISO 8601 UTC text.
public struct StoreTime: Sendable, Hashable, Comparable {
  public var milliseconds: Int64

  public init(milliseconds: Int64) { self.milliseconds = milliseconds }

  @Sendable public static func now() -> StoreTime {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return StoreTime(milliseconds: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
  }

  /// The reference time a processing cycle runs at.
  public var timestamp: Timestamp { Timestamp(secondsSinceEpoch: milliseconds / 1000) }

  /// `2026-11-22T03:12:00.123Z`.
  ///
  /// A commit stamps every row it writes with the same time; the last text made is kept, so
  /// formatting (several µs) happens once per batch instead of several times per policy.
  public var iso8601: String {
    if let cached = StoreTime.lastText.withLock({ $0.milliseconds == milliseconds ? $0.text : nil }) {
      return cached
    }
    let text = formatted
    StoreTime.lastText.withLock { $0 = (milliseconds, text) }
    return text
  }

  private static let lastText = Mutex<(milliseconds: Int64, text: String)>((Int64.min, ""))

  private var formatted: String {
    let seconds = timestamp.iso8601
    let millis = Int(milliseconds % 1000)
    let fraction = ".\(millis < 100 ? "0" : "")\(millis < 10 ? "0" : "")\(millis)"
    guard seconds.hasSuffix("Z") else { return seconds }
    return String(seconds.dropLast()) + fraction + "Z"
  }

  public static func < (lhs: StoreTime, rhs: StoreTime) -> Bool { lhs.milliseconds < rhs.milliseconds }

  public func adding(milliseconds delta: Int64) -> StoreTime { StoreTime(milliseconds: milliseconds + delta) }
}
