public import PolicyFlowCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The worker loop: claim a batch under a lease, run each policy's cycle (pure, in memory),
/// commit the batch in one transaction, repeat; the next batch's cycles run while the one
/// before it commits (see ``run()``).
///
/// Crash safety comes from the store: a crashed worker's leases expire and another worker takes
/// the work; a commit from a lease that was taken over is rejected; each policy's outcome and
/// the acknowledgement of its activity are written together. Work that comes back after its
/// worker stopped is claimed apart, in smaller and smaller groups, and processed with nothing
/// else in hand, so that a policy that crashes its worker ends up parked alone (see
/// ``PolicyStore/claimUnparsed(owner:limit:leaseMilliseconds:holdingAnother:)``). Transient
/// database failures retry with backoff and jitter; after `maxAttempts` failed commits an
/// activity is parked as failed.
public final class Worker {
  public let store: PolicyStore
  public let configuration: WorkerConfiguration
  /// Set by the worker alone (its files only).
  public internal(set) var totals = WorkerTotals()
  /// Whether the store wakes this worker when work is submitted (``idle()``).
  private var listening = false
  /// The cycle batches run: of the catalog the worker started with, or of the store's published
  /// catalog once one is published (``followPublishedCatalog()``).
  public internal(set) var cycle: ProcessingCycle
  /// When the store was last asked which catalog is published.
  var catalogCheckedAt: Int64 = 0
  /// When the worker last told the store it is alive, and last committed a batch.
  private var beatAt: Int64 = 0
  private var lastCommitAt: StoreTime?
  let onEvent: (WorkerEvent) -> Void
  let shouldStop: () -> Bool
  let sleep: (Int64) -> Void
  /// Frees committed batches off this thread; two may wait (a few MB each).
  private let disposal = Disposal<ComputedBatch>(limit: 2)
  /// Stops the process when a cycle runs past the lease (``CycleWatch``); nil when the caller
  /// runs the worker inside a process it must not end (tests).
  let cycleWatch: CycleWatch?
  /// Reads what a batch needs of its chains beside the commit before it; nil when a second
  /// connection could not be opened.
  private let chainReader: ChainReader?

  /// - Parameters:
  ///   - shouldStop: polled between batches and while idle; when it turns true the worker
  ///     claims nothing more, commits the batches in hand and returns.
  ///   - sleep: waits the given milliseconds (tests shorten it).
  ///   - watchesCycles: end the process when one policy's cycle runs past the lease
  ///     (``CycleWatch``), as the `policyflow worker` command does.
  public init(
    store: PolicyStore, catalog: Catalog, configuration: WorkerConfiguration,
    onEvent: @escaping (WorkerEvent) -> Void = { _ in }, shouldStop: @escaping () -> Bool = { false },
    sleep: @escaping (Int64) -> Void = Worker.sleep, watchesCycles: Bool = false
  ) {
    cycleWatch = watchesCycles ? CycleWatch(limitMilliseconds: configuration.leaseMilliseconds) : nil
    self.store = store
    self.configuration = configuration
    self.cycle = ProcessingCycle(catalog: catalog)
    self.onEvent = onEvent
    self.shouldStop = shouldStop
    self.sleep = sleep
    chainReader = ChainReader(connectingAgainTo: store.db)
  }

  /// Runs until stopped (or, with `drain`, until nothing is due). Throws only for failures
  /// that are not transient, such as a corrupt database.
  ///
  /// Two batches are in hand at a time: while one is committed, the next, already claimed, is
  /// parsed and run through its cycles on another thread. Claims and commits both need the
  /// store's connection and go in turn on this thread, and the next claim is made while the
  /// other thread still computes, so that thread starts on it as soon as it is done; the parsing,
  /// cycles and serialization need no store and were more than half of a batch's time. The other
  /// thread also reads what the batch needs of the policies' chains, through a connection of its
  /// own (``ChainReader``).
  public func run() throws {
    // The first write waits as long as the store is locked (a large import holds the lock until
    // it ends), until a stop: a worker started meanwhile used to give up after five tries.
    guard try untilStopped({ try store.snapshot(cycle.catalog) }) != nil else {
      onEvent(.stopping)
      return
    }
    // A server restarting now is waited out, as the claims that follow would wait it out; a stop
    // meanwhile ends the start, as above.
    if configuration.wakesOnNotification {
      guard let listens = try untilStopped({ try store.listenForWork() }) else {
        onEvent(.stopping)
        return
      }
      listening = listens
    }
    beat()
    // Gone from the live workers when it stops, however it stops (short of being killed).
    defer { try? store.removeHeartbeat(owner: configuration.owner) }
    onEvent(.started(owner: configuration.owner, catalogHash: cycle.catalog.hash))
    if chainReader == nil {
      onEvent(.chainsUnchecked(error: "the worker's second connection to the store could not be opened"))
    }
    // The decisions are the loop's (``WorkerLoop``); this carries them out. The batch being
    // computed on the other thread, with its claim, and the claim just made.
    var loop = WorkerLoop(drains: configuration.drain)
    var computing: (claim: UnparsedClaim, job: BackgroundJob<ComputedBatch>)?
    var claimed: (claim: UnparsedClaim, at: StoreTime)?
    var action = loop.next(after: .started)
    while true {
      switch action {
      case .claim:
        try followPublishedCatalog()
        beat()
        // Once a stop is requested nothing more is claimed, and the batch in hand is committed.
        let claim: UnparsedClaim?
        do {
          claim = shouldStop() ? nil : try claimNext(holding: computing?.claim)
        } catch {
          giveBackUnrun(computing?.claim)
          throw error
        }
        let claimedAt = StoreTime.now()
        report(claim?.parked ?? [])
        claimed = claim.flatMap { $0.count > 0 ? ($0, claimedAt) : nil }
        // Work submitted after a catalog was published runs on it: the claim came after the
        // submit, which came after the publication, so asking now (not up to a second late)
        // finds it before this batch starts.
        if claimed != nil { try followPublishedCatalog(now: true) }
        if let next = claimed?.claim {
          if next.isApart {
            onEvent(
              .claimedApart(count: next.count, expiredLeases: next.activities.map(\.expiredLeases).max() ?? 0))
          }
          onEvent(.claimed(count: next.count, leaseExpires: next.lease.expires))
        }
        action = loop.next(
          after: claim.map { .claimed(hasWork: claimed != nil, parkedSome: !$0.parked.isEmpty) } ?? .notClaimed)
      case .startComputing:
        guard let next = claimed else { preconditionFailure("the loop computes a claim it did not make") }
        computing = (next.claim, start(next.claim, claimedAt: next.at))
        claimed = nil
        action = loop.next(after: .computingStarted)
      case .commit(let startNext):
        guard let current = computing else { preconditionFailure("the loop commits a batch it did not compute") }
        let batch = current.job.wait()
        computing = startNext ? claimed.map { ($0.claim, start($0.claim, claimedAt: $0.at)) } : nil
        claimed = nil
        parkUnrunnable(batch)
        do {
          try commit(batch, holding: computing?.claim)
        } catch {
          giveBackUnrun(computing?.claim)
          throw error
        }
        // This thread's claims and commits are what the other thread waits for.
        disposal.drop(consume batch)
        action = loop.next(after: .committed)
      case .checkDrained:
        // Nil: a stop was requested, which the next claim sees.
        let pending = try untilStopped({ try store.queueStatus() })?.pending ?? 1
        action = loop.next(after: .drainChecked(pending: pending))
      case .wait:
        idle()
        action = loop.next(after: .waited)
      case .exit(let drained):
        onEvent(drained ? .drained : .stopping)
        return
      }
    }
  }

  /// Before the worker stops on an error that is not transient: the batch it claimed next goes
  /// back to the queue rather than staying leased until its lease runs out (its computation,
  /// which writes nothing, is left to finish), without the attempt its claim counted: its
  /// policies played no part in the error. If the store refuses that too, the lease still
  /// expires.
  private func giveBackUnrun(_ claim: UnparsedClaim?) {
    guard let claim else { return }
    try? store.release(claim.activityIDs, lease: claim.lease, unattempted: true)
  }

  /// Starts computing `claim` on the other thread.
  private func start(_ claim: UnparsedClaim, claimedAt: StoreTime) -> BackgroundJob<ComputedBatch> {
    let (cycle, clock) = (cycle, store.clock)
    let (reference, watch, chain) = (clock().timestamp, cycleWatch, chainReader)
    return BackgroundJob {
      Worker.compute(
        claim, claimedAt: claimedAt, cycle: cycle, at: reference, watch: watch, chain: chain, clock: clock)
    }
  }

  /// Claims the next batch. With nothing in hand, a busy or briefly failing database is waited
  /// out (a daemon that exits on a busy database would need a person to restart it); with a
  /// batch in hand, one attempt only (SQLite's busy timeout aside): its commit goes first, and
  /// its lease keeps running. Beside work claimed apart, nothing: if it crashes this worker, the
  /// crash is charged to it alone.
  private func claimNext(holding: UnparsedClaim?) throws -> UnparsedClaim? {
    if holding?.isApart == true { return nil }
    let claim = {
      try self.store.claimUnparsed(
        owner: self.configuration.owner, limit: self.configuration.batchSize,
        leaseMilliseconds: self.configuration.leaseMilliseconds, holdingAnother: holding != nil)
    }
    guard holding != nil else { return try untilStopped(claim) }
    do {
      return try claim()
    } catch let error as any DatabaseFailure where error.isTransient {
      return nil
    }
  }

  /// The lease of `held` (the batch claimed before the one being committed) to renew in the
  /// commit, once half of it has passed: normally that batch commits long before, but a commit
  /// that waits out a busy database would otherwise let it expire and lose it too.
  private func renewal(of held: UnparsedClaim?) -> (lease: Lease, activityIDs: [Int64], until: StoreTime)? {
    guard let held else { return nil }
    let now = store.clock()
    guard held.lease.expires.milliseconds - now.milliseconds < configuration.leaseMilliseconds / 2 else { return nil }
    return (held.lease, held.activityIDs, now.adding(milliseconds: configuration.leaseMilliseconds))
  }

  /// A claimed batch after its parsing and cycles: ready to commit.
  struct ComputedBatch: Sendable {
    var lease: Lease
    var claimedAt: StoreTime
    /// The outcomes of the activities that ran, serialized.
    var outcomes: PreparedCommit
    /// Activities whose policy's document does not parse, or was changed behind the engine's back.
    var unreadable: [UnreadableActivity]
    /// Why the policies' chains could not be read (the batch ran unchecked).
    var chainFailure: String?
  }

  /// Parses a claim and runs each policy's cycle (pure): it runs beside a commit. With `chain`, it
  /// first reads the policies' chains (a read only): a policy whose document or results in force
  /// no longer hold what its chain recorded is not run but returned as unreadable, to be parked.
  /// The outcomes are recorded as decided at `clock`'s time when they are ready, and the rows the
  /// commit will insert for them are hashed then (``PreparedCommit``).
  static func compute(
    _ claim: UnparsedClaim, claimedAt: StoreTime, cycle: ProcessingCycle, at reference: Timestamp,
    watch: CycleWatch? = nil, chain: ChainReader? = nil, clock: @Sendable () -> StoreTime = StoreTime.now
  ) -> ComputedBatch {
    var claim = claim
    let read = chain?.read(claim.activities.map(\.policy.gid)) ?? ChainReader.Read()
    let changed = claim.removeChanged(read)
    var batch = claim.parsed()
    batch.unreadable += changed
    let results = batch.activities.map { claimed in
      #if DEBUG
        crashIfTestFaultNames(claimed.policy.policy.code)
      #endif
      watch?.begin(claimed.policy.policy.code)
      defer { watch?.end() }
      return ProcessedActivity(
        claimed: claimed,
        outcome: cycle.run(
          claimed.policy.policy.data, at: reference, resolvedReasons: claimed.resolvedReasons,
          resolvedSinceEdit: claimed.resolvedSinceEdit))
    }
    return ComputedBatch(
      lease: claim.lease, claimedAt: claimedAt,
      outcomes: PreparedCommit(results, chainHeads: read.heads, worker: claim.lease.owner, decidedAt: clock()),
      unreadable: batch.unreadable, chainFailure: read.failure)
  }

  /// Parks what a batch could not run: a policy whose stored document cannot be read would fail
  /// every time.
  private func parkUnrunnable(_ batch: ComputedBatch) {
    if let failure = batch.chainFailure { onEvent(.chainsUnchecked(error: failure)) }
    for unreadable in batch.unreadable {
      park(unreadable.activityID, policy: unreadable.policy, error: unreadable.error, lease: batch.lease)
    }
  }

  /// Counts and reports what a claim parked.
  private func report(_ parked: [ParkedActivity]) {
    for activity in parked {
      totals.failures += 1
      totals.parked += 1
      onEvent(.parked(activityID: activity.activityID, policy: activity.policy, error: activity.error))
    }
  }

  /// Parks an activity as failed, counted and reported. If the store keeps refusing, the lease
  /// expires and a later claim meets the activity again.
  private func park(_ activityID: Int64, policy: String, error: String, lease: Lease) {
    // A lease taken over meanwhile parks nothing, and is not reported: the other worker may have
    // processed the activity, and what this one found (a document changed since its claim) is
    // then that worker's outcome.
    if (try? retrying({ try store.park(activityID, lease: lease, error: error) })) == true {
      totals.failures += 1
      totals.parked += 1
      onEvent(.parked(activityID: activityID, policy: policy, error: error))
    }
  }

  /// Tells the store this worker is alive (what it runs, what it did), at most once a second: a
  /// commit that waits for no disk. A failure is not the work's: the next beat tries again.
  private func beat() {
    let now = StoreTime.now().milliseconds
    guard now - beatAt >= 1000 else { return }
    beatAt = now
    try? store.heartbeat(
      owner: configuration.owner, catalogHash: cycle.catalog.hash, processed: totals.processed,
      lastCommit: lastCommitAt)
  }

  /// Waits one poll interval in small slices so a stop request is seen promptly; on a store that
  /// notifies, the wait ends as soon as work is submitted.
  private func idle() {
    var waited = 0
    while waited < configuration.pollIntervalMilliseconds, !shouldStop() {
      let slice = min(50, configuration.pollIntervalMilliseconds - waited)
      beat()
      if listening {
        // A failed wait (a lost connection) is a reason to look at the queue, where it is retried.
        if (try? store.awaitWork(milliseconds: slice)) != false { return }
      } else {
        sleep(Int64(slice))
      }
      waited += slice
    }
  }

  /// Commits a computed batch, renewing the lease of `held` when it runs short; after transient
  /// failures that outlast the retries, the batch's activities go back to the queue (or are
  /// parked once they have had their attempts).
  private func commit(_ batch: ComputedBatch, holding held: UnparsedClaim?) throws {
    let results = batch.outcomes.results
    guard !results.isEmpty else { return }
    if configuration.commitDelayMilliseconds > 0 { sleep(configuration.commitDelayMilliseconds) }
    let report: CommitReport
    var outcomes = batch.outcomes
    do {
      report = try retrying {
        do {
          return try store.commit(outcomes, lease: batch.lease, renewing: renewal(of: held))
        } catch {
          outcomes = outcomes.recordedAtCommit
          throw error
        }
      }
    } catch let error as any DatabaseFailure where error.isTransient {
      try giveBack(results.map(\.claimed), lease: batch.lease, error: error.message)
      return
    }
    // A drift between how the commit builds its rows and how they were hashed would only cost
    // speed; the tests' debug builds stop on it.
    assert(report.rowsHashedAgain == 0, "\(report.rowsHashedAgain) rows hashed beforehand were hashed again")
    var byStatus: [String: Int] = [:]
    let committed = Set(report.committed)
    for result in results where committed.contains(result.claimed.activityID) {
      byStatus[result.outcome.status.rawValue, default: 0] += 1
    }
    for (status, count) in byStatus { totals.processedByStatus[status, default: 0] += count }
    let elapsed = StoreTime.now().milliseconds - batch.claimedAt.milliseconds
    totals.latency.record(seconds: Double(elapsed) / 1000, times: report.committed.count)
    if !report.lostLease.isEmpty {
      totals.leasesLost += report.lostLease.count
      onEvent(
        .leaseLost(
          activityIDs: report.lostLease, heldMilliseconds: elapsed,
          leaseMilliseconds: configuration.leaseMilliseconds))
    }
    onEvent(.committed(count: report.committed.count, byStatus: byStatus, milliseconds: Int(elapsed)))
    lastCommitAt = StoreTime.now()
    beat()
  }

  /// After the commit kept failing: park what has had its attempts, queue the rest again later.
  /// Claims lost to a stopped worker are not attempts at this: the claim counts those apart.
  private func giveBack(_ batch: [ClaimedActivity], lease: Lease, error: String) throws {
    totals.failures += batch.count
    var released: [Int64] = []
    for claimed in batch {
      // If these fail too, the lease expires and another claim takes the activity.
      if claimed.attempts - claimed.expiredLeases >= configuration.maxAttempts {
        if (try? retrying({ try store.park(claimed.activityID, lease: lease, error: error) })) == true {
          totals.parked += 1
          onEvent(.parked(activityID: claimed.activityID, policy: claimed.policy.policy.code, error: error))
        }
      } else {
        let due = store.clock().adding(milliseconds: configuration.backoff(attempt: claimed.attempts))
        if (try? retrying({ try store.release([claimed.activityID], lease: lease, availableAt: due, error: error) }))
          != nil
        {
          released.append(claimed.activityID)
        }
      }
    }
    if !released.isEmpty { onEvent(.released(activityIDs: released, error: error)) }
  }
}
