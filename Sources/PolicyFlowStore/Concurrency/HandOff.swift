import Dispatch
import Synchronization

/// Hands values from one thread to another in order, with at most `capacity` waiting: a sender
/// waits while it is full, so a fast producer holds no more than that in memory.
final class HandOff<Element: Sendable>: Sendable {
  private let waiting = Mutex<[Element?]>([])
  private let free: DispatchSemaphore
  private let filled = DispatchSemaphore(value: 0)

  init(capacity: Int) {
    free = DispatchSemaphore(value: capacity)
  }

  /// Passes `element` on, after waiting for room.
  func send(_ element: Element) {
    put(element)
  }

  /// Says that nothing more will be sent: ``receive()`` returns nil once the rest is taken.
  func finish() {
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
