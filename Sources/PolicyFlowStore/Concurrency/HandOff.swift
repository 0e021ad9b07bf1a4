import Dispatch
import Synchronization

/// Hands values from one thread to another in order, with at most `capacity` waiting: a sender
/// waits while it is full, so a fast producer holds no more than that in memory. One thread
/// sends; the receiver may ``cancel()`` when it wants no more.
final class HandOff<Element: Sendable>: Sendable {
  private let waiting = Mutex<[Element?]>([])
  private let free: DispatchSemaphore
  private let filled = DispatchSemaphore(value: 0)
  private let cancelled = Atomic<Bool>(false)

  init(capacity: Int) {
    free = DispatchSemaphore(value: capacity)
  }

  // libdispatch refuses to free a semaphore whose count is below the one it started with (it
  // takes that for a semaphore still in use). What is left unreceived (after a cancel) gives
  // its room back first; nothing else holds the hand-off now, so no wait here blocks.
  deinit {
    let left = waiting.withLock { $0.count }
    for _ in 0..<left {
      filled.wait()
      free.signal()
    }
  }

  /// Whether the receiver said it wants no more: the sender should stop producing.
  var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

  /// Passes `element` on, after waiting for room; once cancelled, drops it at once.
  func send(_ element: Element) {
    guard !isCancelled else { return }
    put(element)
  }

  /// For the receiver: takes nothing more. A sender waiting for room goes on at once, and every
  /// later ``send(_:)`` returns without waiting (``finish()`` too). Do not ``receive()`` after
  /// cancelling: no `nil` comes to end it.
  func cancel() {
    cancelled.store(true, ordering: .releasing)
    // The one sender waits for room at most once more: this room is for that wait.
    free.signal()
  }

  /// Says that nothing more will be sent: ``receive()`` returns nil once the rest is taken.
  func finish() {
    guard !isCancelled else { return }
    put(nil)
  }

  /// The next element sent, after waiting for one, or nil after ``finish()``.
  func receive() -> Element? {
    filled.wait()
    let element = waiting.withLock { $0.removeFirst() }
    free.signal()
    return element
  }

  private func put(_ element: Element?) {
    free.wait()
    waiting.withLock { $0.append(element) }
    filled.signal()
  }
}
