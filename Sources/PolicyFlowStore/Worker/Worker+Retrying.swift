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
      } catch let error as any DatabaseFailure where error.isTransient {
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
      } catch let error as any DatabaseFailure where error.isTransient && attempt < configuration.maxAttempts {
        let delay = configuration.backoff(attempt: attempt)
        totals.retries += 1
        onEvent(.retrying(attempt: attempt, delayMilliseconds: delay, error: error.message))
        sleep(delay)
        attempt += 1
      }
    }
  }

  /// Waits `milliseconds`, through interruptions by signals.
  public static func sleep(_ milliseconds: Int64) {
    pause(milliseconds: milliseconds)
  }
}
