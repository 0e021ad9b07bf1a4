#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Waits `milliseconds` on this thread, through interruptions by signals: a worker's backoff and
/// poll, and an SQLite connection's wait for a notification that cannot come.
func pause(milliseconds: Int64) {
  var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
  var remaining = timespec()
  while nanosleep(&request, &remaining) != 0 { request = remaining }
}
