#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// systemd's notify protocol (sd_notify(3)) without libsystemd: each state is one datagram of
/// `KEY=VALUE` lines sent to the unix socket named by `NOTIFY_SOCKET` (a path, or `@name` for the
/// abstract namespace). A unit with `Type=notify` then knows when the worker is ready and when it
/// is stopping, and with `WatchdogSec=` restarts a worker whose loop stops pinging.
///
/// Nothing is sent when `NOTIFY_SOCKET` is unset, so the worker behaves the same outside systemd.
/// A failed send is ignored, as sd_notify's callers do: the service manager going away must not
/// stop the work.
final class ServiceNotifier {
  private let descriptor: Int32
  private var address = sockaddr_un()
  private let addressLength: socklen_t
  /// Half of `WATCHDOG_USEC`, in milliseconds; nil when no watchdog is asked for.
  let watchdogIntervalMilliseconds: Int64?
  private var lastPing: Int64 = 0
  private var stoppingSent = false

  /// Nil when `NOTIFY_SOCKET` is unset or names no socket this process can use.
  init?(environment: (String) -> String? = Terminal.environment) {
    guard let path = environment("NOTIFY_SOCKET"), path.hasPrefix("/") || path.hasPrefix("@") else { return nil }
    var bytes = Array(path.utf8)
    // The abstract namespace: a leading NUL instead of '@', and no terminating NUL.
    let abstract = bytes.first == UInt8(ascii: "@")
    if abstract { bytes[0] = 0 }
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else { return nil }
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      if !abstract { raw[bytes.count] = 0 }
    }
    let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
    addressLength = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
    descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { return nil }
    watchdogIntervalMilliseconds = Self.watchdogInterval(environment)
  }

  deinit {
    close(descriptor)
  }

  /// Half the watchdog timeout, as sd_watchdog_enabled(3) advises, when `WATCHDOG_USEC` is set
  /// and `WATCHDOG_PID` (when set) names this process.
  static func watchdogInterval(_ environment: (String) -> String?) -> Int64? {
    guard let text = environment("WATCHDOG_USEC"), let microseconds = Int64(text), microseconds > 0 else {
      return nil
    }
    if let pid = environment("WATCHDOG_PID"), Int32(pid) != getpid() { return nil }
    return max(microseconds / 2000, 1)
  }

  /// `READY=1`: the store and catalog are open and the worker is taking work.
  func ready(status: String) {
    send("READY=1\nSTATUS=\(status)\nMAINPID=\(getpid())")
  }

  /// `STOPPING=1`, once, however many ways the worker is told to stop.
  func stopping(status: String) {
    guard !stoppingSent else { return }
    stoppingSent = true
    send("STOPPING=1\nSTATUS=\(status)")
  }

  /// `WATCHDOG=1` when half the watchdog interval has passed since the last ping. Called from
  /// the worker's loop, so a loop that hangs stops pinging and systemd restarts the worker.
  func pingIfDue(now: Int64) {
    guard let interval = watchdogIntervalMilliseconds, now - lastPing >= interval else { return }
    lastPing = now
    send("WATCHDOG=1")
  }

  private func send(_ message: String) {
    var text = message
    text.withUTF8 { buffer in
      withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
          _ = sendto(
            descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress, addressLength)
        }
      }
    }
  }
}
