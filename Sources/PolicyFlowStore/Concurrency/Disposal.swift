import Dispatch

/// Frees values on a thread of its own, for a thread whose time is what everything waits on: a
/// worker's committed batch is a tree of many small allocations (parsed documents, outcomes)
/// that took a tenth of the claiming and committing thread's time to free.
///
/// At most `limit` values wait to be freed; past that, the caller frees the value itself
/// rather than let memory grow behind a disposal that cannot keep up.
final class Disposal<Value: Sendable>: Sendable {
  private let queue = DispatchQueue(label: "PolicyFlow disposal")
  private let room: DispatchSemaphore

  init(limit: Int) {
    room = DispatchSemaphore(value: limit)
  }

  /// Takes `value` to be freed on the disposal's thread, or frees it now when `limit` values
  /// are already waiting.
  func drop(_ value: consuming Value) {
    guard room.wait(timeout: .now()) == .success else { return }
    let box = Box(value)
    // The closure holds the semaphore, so that it outlives the disposal until its count is
    // back where it started (libdispatch traps on freeing a semaphore below that).
    queue.async { [room] in
      box.empty()
      room.signal()
    }
  }

  /// `@unchecked Sendable`: the value is written by the dropping thread before the hand-off to
  /// the queue and cleared on the queue; dispatch orders the two.
  private final class Box: @unchecked Sendable {
    private var value: Value?

    init(_ value: consuming Value) {
      self.value = value
    }

    func empty() {
      value = nil
    }
  }
}
