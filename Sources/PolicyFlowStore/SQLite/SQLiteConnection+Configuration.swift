extension SQLiteConnection {
  /// How a connection is set up when it opens.
  public struct Configuration: Hashable, Sendable {
    /// How long a statement waits for another connection's lock before failing with a busy error.
    public var busyTimeout: Duration

    /// How hard SQLite works to make a commit durable.
    public var synchronous: Synchronous

    public init(busyTimeout: Duration = .milliseconds(5000), synchronous: Synchronous = .full) {
      self.busyTimeout = busyTimeout
      self.synchronous = synchronous
    }

    /// The busy timeout rounded down to whole milliseconds, as SQLite takes it.
    var busyTimeoutMilliseconds: Int32 {
      let (seconds, attoseconds) = busyTimeout.components
      let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
      return Int32(clamping: max(0, milliseconds))
    }
  }

  /// The `synchronous` setting: durability against speed.
  public enum Synchronous: Hashable, Sendable {
    /// Every commit is on disk before it returns: a policy reported processed survives a power
    /// cut. The default, and the only setting for real data.
    case full

    /// In WAL mode a power cut may lose the last commits (never corrupt the file). For benchmarks.
    case normal

    var pragmaValue: String {
      switch self {
      case .full: "FULL"
      case .normal: "NORMAL"
      }
    }
  }
}
