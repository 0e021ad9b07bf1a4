public import PolicyFlowCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The durable home of policies, their history, the work queue, users and catalog snapshots:
/// one SQLite file in WAL mode, shared safely by several worker processes and CLI users.
///
/// A `PolicyStore` owns one connection and is used from one thread at a time (it is not
/// `Sendable`); each process or thread opens its own. Every change is one `BEGIN IMMEDIATE`
/// transaction: a refused command changes nothing.
public final class PolicyStore {
  public let path: String
  let db: SQLiteConnection
  /// The current time; replaced in tests that need a fixed clock.
  public var clock: @Sendable () -> StoreTime = StoreTime.now
  /// Catalogs loaded from snapshots, by hash.
  let catalogCache = Mutex<[String: Catalog]>([:])

  /// Opens (creating when missing) and migrates the store at `path`. A store written by a
  /// newer PolicyFlow is refused and left untouched.
  ///
  /// `upgradeProgress` is told, in sentences, when an existing store is upgraded to a newer
  /// schema (before each step, and when it is done): on a large store that takes a while.
  public convenience init(
    path: String, durability: Durability = .full, busyTimeoutMilliseconds: Int = 5000, create: Bool = true,
    upgradeProgress: ((String) -> Void)? = nil
  ) throws {
    try self.init(
      path: path, durability: durability, busyTimeoutMilliseconds: busyTimeoutMilliseconds, create: create,
      migrations: StoreSchema.migrations, upgradeProgress: upgradeProgress)
  }

  /// Opens the store migrated only as far as `migrations` go: for tests of upgrades from an
  /// older schema.
  init(
    path: String, durability: Durability = .full, busyTimeoutMilliseconds: Int = 5000, create: Bool = true,
    migrations: [SQLiteMigration], upgradeProgress: ((String) -> Void)? = nil
  ) throws {
    self.path = path
    if !create, access(path, F_OK) != 0 {
      throw StoreError(
        .notFound,
        "There is no store at \(path); create one with 'policyflow init --db \(path) --admin YOUR_NAME', "
          + "or point --db (or POLICYFLOW_DB) at an existing store.")
    }
    db = try SQLiteConnection(
      path: path,
      configuration: .init(
        busyTimeout: .milliseconds(busyTimeoutMilliseconds), synchronous: durability == .full ? .full : .normal))
    let started = StoreTime.now()
    // The migrator says which migrations upgrade an existing store (not the ones creating one).
    var upgraded = false
    let applied = try SQLiteMigrator(migrations).migrate(db) { migration in
      upgraded = true
      upgradeProgress?(
        "Upgrading the store at \(path) to schema version \(migration.version) (\(migration.name)); "
          + "on a large store this takes a while, and stopping it leaves the store as it was.")
    }
    if let upgradeProgress, upgraded, let last = applied.last {
      let tenths = (StoreTime.now().milliseconds - started.milliseconds + 50) / 100
      upgradeProgress("Upgraded the store to schema version \(last) in \(tenths / 10).\(tenths % 10) s.")
    }
  }

  /// How hard a commit waits for the disk.
  public enum Durability: Sendable {
    /// `synchronous=FULL`: a commit that returned survives a power cut.
    case full
    /// `synchronous=NORMAL`: survives a crash of the process, not of the machine.
    case normal
  }

  /// The schema version of the open store.
  public var schemaVersion: Int {
    get throws { try SQLiteMigrator(StoreSchema.migrations).currentVersion(of: db) }
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
