import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Stops the worker process when one policy's cycle runs past the lease.
///
/// A cycle is pure computation that nothing can interrupt; a rule that never finishes on one
/// policy's data (a regular expression that backtracks for hours) would hold the worker, and the
/// batch it claimed, for good, and a stop request would wait for it forever. Past the lease the
/// cycle's outcome could not be committed anyway, so the process exits as a crash would: the
/// claimed work comes back when the lease expires and is claimed in smaller and smaller groups
/// until the policy that stalls is parked alone (``PolicyStore`` claims, schema 8). A service
/// manager restarts the worker (the shipped systemd unit does).
public final class CycleWatch: Sendable {
  /// The exit status: `EX_SOFTWARE`.
  public static let exitStatus: Int32 = 70

  private let limitMilliseconds: Int64
  private let running = Mutex<(policy: String, since: Int64)?>(nil)

  /// Starts watching on a thread of its own; `limitMilliseconds` is how long one cycle may run.
  public init(limitMilliseconds: Int64) {
    self.limitMilliseconds = limitMilliseconds
    let thread = Thread { [weak self] in
      while let watch = self {
        watch.check()
        Thread.sleep(forTimeInterval: 0.25)
      }
    }
    thread.name = "policyflow cycle watch"
    thread.start()
  }

  /// Marks the cycle of `policy` as running.
  func begin(_ policy: String) {
    let now = Self.milliseconds()
    running.withLock { $0 = (policy, now) }
  }

  /// Marks that no cycle runs.
  func end() {
    running.withLock { $0 = nil }
  }

  private func check() {
    guard let current = running.withLock({ $0 }) else { return }
    let elapsed = Self.milliseconds() - current.since
    guard elapsed > limitMilliseconds else { return }
    let message =
      "Error: the processing cycle of policy \(current.policy) has run for \(elapsed / 1000) s, past the lease "
      + "(\(limitMilliseconds / 1000) s); the worker stops so that the policy's batch comes back and the policy "
      + "that stalls is set apart and parked alone. Start the worker again (a service manager does).\n"
    _ = message.withCString { write(2, $0, strlen($0)) }
    _exit(Self.exitStatus)
  }

  private static func milliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
  }
}
