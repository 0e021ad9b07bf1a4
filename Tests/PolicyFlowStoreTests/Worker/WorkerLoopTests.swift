import Testing

@testable import PolicyFlowStore

/// The worker loop's decisions without a database: each scenario is the events a driver would
/// report and the actions the loop must answer with.
struct WorkerLoopTests {
  /// Feeds `events` after `.started` and returns the actions, the first one included.
  private func actions(_ events: [WorkerLoop.Event], drains: Bool = false) -> [WorkerLoop.Action] {
    var loop = WorkerLoop(drains: drains)
    return [loop.next(after: .started)] + events.map { loop.next(after: $0) }
  }

  @Test func twoBatchesAreInHandOneComputingWhileTheNextIsClaimed() {
    #expect(
      actions([
        .claimed(hasWork: true, parkedSome: false), .computingStarted,
        .claimed(hasWork: true, parkedSome: false), .committed,
        .claimed(hasWork: false, parkedSome: false), .committed,
      ]) == [
        .claim(holdingAnother: false), .startComputing, .claim(holdingAnother: true), .commit(startNext: true),
        .claim(holdingAnother: true), .commit(startNext: false), .claim(holdingAnother: false),
      ])
  }

  @Test func aStopWhileComputingCommitsTheBatchInHandThenExits() {
    #expect(
      actions([
        .claimed(hasWork: true, parkedSome: false), .computingStarted, .notClaimed, .committed, .notClaimed,
      ]) == [
        .claim(holdingAnother: false), .startComputing, .claim(holdingAnother: true), .commit(startNext: false),
        .claim(holdingAnother: false), .exit(drained: false),
      ])
  }

  @Test func anEmptyQueueIsWaitedOnOrDrained() {
    #expect(
      actions([.claimed(hasWork: false, parkedSome: false), .waited])
        == [.claim(holdingAnother: false), .wait, .claim(holdingAnother: false)])
    #expect(
      actions([.claimed(hasWork: false, parkedSome: false), .drainChecked(pending: 0)], drains: true)
        == [.claim(holdingAnother: false), .checkDrained, .exit(drained: true)])
    // Work another worker still leases is waited for, then claimed.
    #expect(
      actions([.claimed(hasWork: false, parkedSome: false), .drainChecked(pending: 3), .waited], drains: true)
        == [.claim(holdingAnother: false), .checkDrained, .wait, .claim(holdingAnother: false)])
  }

  @Test func parkingReturnedWorkIsFollowedByAnotherClaimAtOnce() {
    #expect(
      actions([.claimed(hasWork: false, parkedSome: true)], drains: true)
        == [.claim(holdingAnother: false), .claim(holdingAnother: false)])
  }

  @Test func aBatchClaimedApartIsCommittedAloneBeforeAnythingElseIsClaimed() {
    // Holding a batch claimed apart, the driver makes no claim (notClaimed) and commits it alone.
    var loop = WorkerLoop(drains: false)
    _ = loop.next(after: .started)
    #expect(loop.next(after: .claimed(hasWork: true, parkedSome: false)) == .startComputing)
    #expect(loop.next(after: .computingStarted) == .claim(holdingAnother: true))
    #expect(loop.state == .computing)
    #expect(loop.next(after: .notClaimed) == .commit(startNext: false))
    #expect(loop.next(after: .committed) == .claim(holdingAnother: false))
    #expect(loop.state == .idle)
  }
}
