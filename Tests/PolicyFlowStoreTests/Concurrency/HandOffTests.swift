import Synchronization
import Testing

@testable import PolicyFlowStore

/// The bounded hand-off between an import's reading thread and its creating thread.
struct HandOffTests {
  /// How many sends have returned, counted on the sending thread.
  final class Sends: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func add() { count.add(1, ordering: .relaxed) }

    /// Waits until at least `sends` sends have returned.
    func waitFor(_ sends: Int) {
      while value < sends { Worker.sleep(1) }
    }
  }

  /// Sends `1...values` on another thread, counting each send, then finishes.
  static func send(_ values: Int, to handOff: HandOff<Int>, counting sends: Sends) -> BackgroundJob<Void> {
    BackgroundJob {
      for value in 1...values {
        handOff.send(value)
        sends.add()
      }
      handOff.finish()
    }
  }

  /// Values arrive in order, and at most `capacity` wait: the sender is held while it is full.
  @Test(.timeLimit(.minutes(1))) func valuesArriveInOrderAndTheSenderWaitsForRoom() {
    let handOff = HandOff<Int>(capacity: 1)
    let sends = Sends()
    let sender = Self.send(3, to: handOff, counting: sends)
    // One value fits; the second send waits until the first is taken.
    sends.waitFor(1)
    Worker.sleep(50)
    #expect(sends.value == 1)
    var received: [Int] = []
    while let value = handOff.receive() { received.append(value) }
    #expect(received == [1, 2, 3])
    sender.wait()
  }

  /// A receiver that wants no more cancels: the sender waiting for room goes on at once, and
  /// its later sends and its finish return without waiting for a receiver that never comes.
  @Test(.timeLimit(.minutes(1))) func aCancelReleasesTheWaitingSenderAndDropsWhatFollows() {
    let handOff = HandOff<Int>(capacity: 1)
    let sends = Sends()
    let sender = Self.send(100, to: handOff, counting: sends)
    #expect(handOff.receive() == 1)
    sends.waitFor(2)
    #expect(sends.value == 2)
    handOff.cancel()
    sender.wait()
    #expect(sends.value == 100)
    #expect(handOff.isCancelled)
  }
}
