import Synchronization

/// A value several threads share, behind a lock: a class, so escaping closures can hold it (a
/// `Mutex` on its own cannot be captured by them).
final class Locked<Value: Sendable>: Sendable {
  private let mutex: Mutex<Value>

  init(_ value: Value) { mutex = Mutex(value) }

  func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    try mutex.withLock { try body(&$0) }
  }
}
