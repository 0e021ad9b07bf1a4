import CSQLite

extension SQLiteConnection {
  /// Waits up to `limit` (instead of the configured busy timeout) for a lock another connection
  /// holds, and calls `notice` once, the first time a wait passes `noticeAfter`: for a person's
  /// command, which may meet a large import holding the write lock for minutes and should then
  /// wait, saying so, rather than fail after a few seconds or sit silent.
  public func waitForLocks(upTo limit: Duration, noticeAfter: Duration, notice: @escaping () -> Void) {
    let wait = LockWait(limit: limit, noticeAfter: noticeAfter, notice: notice)
    lockWait = wait
    install(wait)
  }

  /// Runs `body` with the lock waits ending early once `stop` turns true: for a worker that holds
  /// no work, which should act on a stop at once rather than at the end of a wait for an import's
  /// lock. Waits keep the configured busy timeout otherwise, and get it back after `body`.
  public func givingUpWaits<T>(when stop: @escaping () -> Bool, _ body: () throws -> T) rethrows -> T {
    let previous = lockWait
    install(
      LockWait(
        limit: .milliseconds(configuration.busyTimeoutMilliseconds), noticeAfter: .seconds(86_400), notice: {},
        giveUp: stop))
    defer {
      if let previous {
        install(previous)
      } else {
        lockWait = nil
        sqlite3_busy_timeout(handle, configuration.busyTimeoutMilliseconds)
      }
    }
    return try body()
  }

  private func install(_ wait: LockWait) {
    lockWait = wait
    sqlite3_busy_handler(
      handle,
      { context, count in
        guard let context else { return 0 }
        return Unmanaged<LockWait>.fromOpaque(context).takeUnretainedValue().retries(count) ? 1 : 0
      }, Unmanaged.passUnretained(wait).toOpaque())
  }
}

/// The state of ``SQLiteConnection/waitForLocks(upTo:noticeAfter:notice:)``'s busy handler,
/// kept alive by the connection and used only on its thread.
final class LockWait {
  private let limit: Duration
  private let noticeAfter: Duration
  private let notice: () -> Void
  /// Ends the wait early when it turns true.
  private let giveUp: () -> Bool
  private var started = ContinuousClock.now
  private var noticed = false

  init(limit: Duration, noticeAfter: Duration, notice: @escaping () -> Void, giveUp: @escaping () -> Bool = { false }) {
    (self.limit, self.noticeAfter, self.notice, self.giveUp) = (limit, noticeAfter, notice, giveUp)
  }

  /// Whether SQLite should try again, `count` tries into this wait: after a pause that grows
  /// from a millisecond to fifty, until the wait has lasted `limit` or `giveUp` says to end it.
  func retries(_ count: Int32) -> Bool {
    let now = ContinuousClock.now
    if count == 0 { started = now }
    let waited = now - started
    guard waited < limit, !giveUp() else { return false }
    if !noticed, waited >= noticeAfter {
      noticed = true
      notice()
    }
    sqlite3_sleep(count < 6 ? 1 << count : 50)
    return true
  }
}
