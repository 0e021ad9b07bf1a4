/// The worker loop's decisions, as a value with no store, threads or clock: given what just
/// happened, what the driver (``Worker/run()``) does next. Every path of the loop (two batches in
/// hand, a stop while computing, draining, parked work, waiting) is a transition here, tested
/// without a database; the driver only carries the actions out.
///
/// The loop keeps at most two batches in hand: one computing on another thread while the next is
/// claimed, then the first committed while the next computes.
struct WorkerLoop: Sendable {
  enum State: Sendable, Hashable {
    /// Nothing in hand.
    case idle
    /// A batch is computing on the other thread.
    case computing
    /// Finished: the driver returns.
    case finished
  }

  enum Event: Sendable, Hashable {
    /// The loop begins.
    case started
    /// A claim was made: `hasWork` when it holds activities, `parkedSome` when it parked
    /// work that stopped its workers (which may have left more behind).
    case claimed(hasWork: Bool, parkedSome: Bool)
    /// No claim was made: a stop was requested, or the batch computing was claimed apart and
    /// must be committed alone.
    case notClaimed
    /// The batch just claimed started computing.
    case computingStarted
    /// The batch that was computing is committed (and the one claimed after it, if any, computes).
    case committed
    /// The wait for new work is over.
    case waited
    /// The queue was asked whether anything is left; `pending` activities are.
    case drainChecked(pending: Int)
  }

  enum Action: Sendable, Hashable {
    /// Claim a batch; `holdingAnother` when one computes meanwhile (``PolicyStore/claimUnparsed(owner:limit:leaseMilliseconds:holdingAnother:)``).
    case claim(holdingAnother: Bool)
    /// Start computing the batch just claimed, on the other thread.
    case startComputing
    /// Wait for the computing batch, start computing the one just claimed when `startNext`, then
    /// commit the first.
    case commit(startNext: Bool)
    /// Ask the queue whether anything is left to drain.
    case checkDrained
    /// Wait for new work (a poll interval, or a notification).
    case wait
    /// Return: `drained` when the queue is empty and the worker drains; otherwise a stop.
    case exit(drained: Bool)
  }

  /// Whether the worker ends once nothing is left (`--drain`).
  let drains: Bool
  private(set) var state: State = .idle
  /// The commit under way starts computing the claim after it.
  private var nextComputes = false

  init(drains: Bool) {
    self.drains = drains
  }

  /// What to do after `event`.
  mutating func next(after event: Event) -> Action {
    switch (state, event) {
    case (.finished, _):
      return .exit(drained: false)
    case (.idle, .started), (.idle, .waited):
      return .claim(holdingAnother: false)
    case (.idle, .notClaimed):
      state = .finished
      return .exit(drained: false)
    case (.idle, .claimed(hasWork: true, _)):
      return .startComputing
    case (.idle, .claimed(hasWork: false, parkedSome: true)):
      // Parking returned work may have left more of it, or fresh work, behind.
      return .claim(holdingAnother: false)
    case (.idle, .claimed(hasWork: false, parkedSome: false)):
      return drains ? .checkDrained : .wait
    case (.idle, .drainChecked(let pending)):
      // Work leased by another worker (maybe a crashed one whose lease will expire) is waited for.
      guard pending == 0 else { return .wait }
      state = .finished
      return .exit(drained: true)
    case (.idle, .computingStarted):
      state = .computing
      return .claim(holdingAnother: true)
    case (.computing, .claimed(let hasWork, _)):
      nextComputes = hasWork
      return .commit(startNext: hasWork)
    case (.computing, .notClaimed):
      nextComputes = false
      return .commit(startNext: false)
    case (.computing, .committed):
      state = nextComputes ? .computing : .idle
      return .claim(holdingAnother: nextComputes)
    case (.idle, .committed), (.computing, .started), (.computing, .computingStarted), (.computing, .waited),
      (.computing, .drainChecked):
      preconditionFailure("the worker loop got \(event) while \(state)")
    }
  }
}
