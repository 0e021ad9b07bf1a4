#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Retries: transient database failures are waited out with backoff and jitter.
extension Worker {
  /// Runs `body` until it succeeds, backing off on transient failures, or returns nil once a
  /// stop is requested.
  func untilStopped<T>(_ body: () throws -> T) throws -> T? {
    var attempt = 1
    while !shouldStop() {
      do {
        return try body()
      } catch let error as SQLiteError where Worker.isTransient(error) {
        let delay = configuration.backoff(attempt: attempt)
        totals.retries += 1
        onEvent(.retrying(attempt: attempt, delayMilliseconds: delay, error: error.message))
        sleep(delay)
        attempt += 1
      }
    }
    return nil
  }

  /// Runs `body`, retrying transient failures with backoff up to `maxAttempts` times.
  func retrying<T>(_ body: () throws -> T) throws -> T {
    var attempt = 1
    while true {
      do {
        return try body()
      } catch let error as SQLiteError where Worker.isTransient(error) && attempt < configuration.maxAttempts {
        let delay = configuration.backoff(attempt: attempt)
        totals.retries += 1
        onEvent(.retrying(attempt: attempt, delayMilliseconds: delay, error: error.message))
        sleep(delay)
        attempt += 1
      }
    }
  }

  /// Busy and locked databases, and I/O errors, may pass; everything else will not.
  static func isTransient(_ error: SQLiteError) -> Bool {
    // 10 is SQLITE_IOERR, 13 SQLITE_FULL: a disk that may recover.
    error.isBusy || error.primaryCode == 10 || error.primaryCode == 13
  }

  /// Waits `milliseconds`, through interruptions by signals.
  public static func sleep(_ milliseconds: Int64) {
    var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 { request = remaining }
  }
}
