#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Retries: transient database failures are waited out with backoff and jitter.
extension Worker {
  /// Runs `body` until it succeeds, backing off on transient failures, or returns nil once a
  /// stop is requested. A wait for an SQLite lock ends as soon as one is (the worker holds no
  /// work here): a stop used to wait out the busy timeout, five seconds, behind an import.
  func untilStopped<T>(_ body: () throws -> T) throws -> T? {
    var attempt = 1
    let started = StoreTime.now().milliseconds
    while !shouldStop() {
      do {
        let result: T
        if let connection = store.db as? SQLiteConnection {
          result = try connection.givingUpWaits(when: shouldStop, body)
        } else {
          result = try body()
        }
        recovered(after: attempt, since: started)
        return result
      } catch let error as any DatabaseFailure where error.isTransient {
        if shouldStop() { return nil }
        let delay = configuration.backoff(attempt: attempt)
        totals.retries += 1
        // Said plainly when the store is locked: "database is locked" alone did not say by what.
        let message =
          (error as? SQLiteError)?.isBusy == true
          ? "another process holds the store's write lock (a large import holds it until it ends): \(error.message)"
          : error.message
        onEvent(.retrying(attempt: attempt, delayMilliseconds: delay, error: message))
        sleep(delay)
        attempt += 1
      }
    }
    return nil
  }

  /// Runs `body`, retrying transient failures with backoff up to `maxAttempts` times.
  func retrying<T>(_ body: () throws -> T) throws -> T {
    var attempt = 1
    let started = StoreTime.now().milliseconds
    while true {
      do {
        let result = try body()
        recovered(after: attempt, since: started)
        return result
      } catch let error as any DatabaseFailure where error.isTransient && attempt < configuration.maxAttempts {
        let delay = configuration.backoff(attempt: attempt)
        totals.retries += 1
        onEvent(.retrying(attempt: attempt, delayMilliseconds: delay, error: error.message))
        sleep(delay)
        attempt += 1
      }
    }
  }

  /// Says that an operation went through after `attempts` tries, when it took more than one:
  /// an outage's last line was a retry, and a worker that recovered (an idle one above all) said
  /// nothing more (SRE trial).
  private func recovered(after attempts: Int, since started: Int64) {
    guard attempts > 1 else { return }
    onEvent(.recovered(attempts: attempts, milliseconds: StoreTime.now().milliseconds - started))
  }

  /// Waits `milliseconds`, through interruptions by signals.
  public static func sleep(_ milliseconds: Int64) {
    pause(milliseconds: milliseconds)
  }
}
