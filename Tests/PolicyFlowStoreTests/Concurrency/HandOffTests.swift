import Synchronization
import Testing

@testable import PolicyFlowStore

/// The bounded hand-off between an import's reading thread and its creating thread.
struct HandOffTests {
  /// Values arrive in order, and at most `capacity` wait: the sender is held while it is full.
  @Test func valuesArriveInOrderAndTheSenderWaitsForRoom() {
    let handOff = HandOff<Int>(capacity: 1)
    let sent = Atomic<Int>(0)
    let sender = BackgroundJob {
      for value in 1...3 {
        handOff.send(value)
        sent.add(1, ordering: .relaxed)
      }
      handOff.finish()
      return true
    }
    // One value fits; the second send waits until the first is taken.
    while sent.load(ordering: .relaxed) < 1 { pause() }
    pause(milliseconds: 50)
    #expect(sent.load(ordering: .relaxed) == 1)
    var received: [Int] = []
    while let value = handOff.receive() { received.append(value) }
    #expect(received == [1, 2, 3])
    #expect(sender.wait())
  }

  /// A receiver that wants no more cancels: the sender waiting for room goes on at once, and
  /// its later sends and its finish return without waiting for a receiver that never comes.
  @Test(.timeLimit(.minutes(1))) func aCancelReleasesTheWaitingSenderAndDropsWhatFollows() {
    let handOff = HandOff<Int>(capacity: 1)
    let sent = Atomic<Int>(0)
    let sender = BackgroundJob {
      for value in 1...100 {
        handOff.send(value)
        sent.add(1, ordering: .relaxed)
      }
      handOff.finish()
      return handOff.isCancelled
    }
    #expect(handOff.receive() == 1)
    while sent.load(ordering: .relaxed) < 2 { pause() }
    #expect(sent.load(ordering: .relaxed) == 2)
    handOff.cancel()
    #expect(sender.wait())
    #expect(sent.load(ordering: .relaxed) == 100)
  }
}

/// Sleeps a little, for a test waiting on another thread.
private func pause(milliseconds: Int64 = 1) {
  Worker.sleep(milliseconds)
}
