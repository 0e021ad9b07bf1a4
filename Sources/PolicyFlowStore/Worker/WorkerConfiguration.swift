/// How a worker claims and retries.
public struct WorkerConfiguration: Sendable {
  /// Names the worker in leases, history rows and logs: `hostname:pid` by default.
  public var owner: String
  /// Activities claimed and committed together (one transaction, one disk sync).
  public var batchSize = 100
  /// How long a claim is held before another worker may take it over.
  public var leaseMilliseconds: Int64 = 30_000
  /// How long to wait before looking again when the queue is empty.
  public var pollIntervalMilliseconds = 500
  /// On a store that can notify (PostgreSQL), wake up when work is submitted instead of only
  /// at the next poll. Off for connection poolers that do not pass `LISTEN` through.
  public var wakesOnNotification = true
  /// Tries of one database operation before its transient failure counts, and claims of one
  /// activity ending in a failed commit after which it is parked as failed. Claims lost to a
  /// worker that stopped are not counted: the claim sets that work apart instead (see
  /// ``PolicyStore/claimUnparsed(owner:limit:leaseMilliseconds:holdingAnother:)``).
  public var maxAttempts = 5
  /// Exit once the queue has nothing due instead of waiting for more work.
  public var drain = false
  /// Backoff after a transient failure: base × 2^(attempt−1), capped, with full jitter.
  public var backoffBaseMilliseconds: Int64 = 50
  public var backoffCapMilliseconds: Int64 = 5_000
  /// Waits this long between computing a batch and committing it. Only for tests that need to
  /// catch a worker holding a lease (the SIGSTOP takeover test); zero in production.
  public var commitDelayMilliseconds: Int64 = 0

  public init(owner: String) {
    self.owner = owner
  }

  /// The delay before retry `attempt` (1-based): exponential, capped, jittered into
  /// [delay/2, delay] so workers that failed together do not retry together.
  public func backoff(attempt: Int) -> Int64 {
    let exponent = min(max(attempt - 1, 0), 20)
    let delay = min(backoffBaseMilliseconds << exponent, backoffCapMilliseconds)
    return delay / 2 + Int64.random(in: 0...(delay - delay / 2))
  }
}

/// What happened, for the log (one line per event).
public enum WorkerEvent: Sendable {
  case started(owner: String, catalogHash: String)
  /// The store's published catalog changed: batches claimed from now on run `to`.
  case catalogSwitched(from: String, to: String)
  case claimed(count: Int, leaseExpires: StoreTime)
  /// The claim that follows holds work that came back after its worker stopped before committing
  /// (up to `expiredLeases` times): claimed apart, in a smaller group, with nothing else in hand.
  case claimedApart(count: Int, expiredLeases: Int)
  case committed(count: Int, byStatus: [String: Int], milliseconds: Int)
  /// Activities whose lease expired before the commit: `heldMilliseconds` after their claim, with
  /// leases of `leaseMilliseconds` (held longer than that: the worker itself was too slow).
  case leaseLost(activityIDs: [Int64], heldMilliseconds: Int64, leaseMilliseconds: Int64)
  case retrying(attempt: Int, delayMilliseconds: Int64, error: String)
  /// An operation retried after transient failures went through (the database reachable again
  /// after an outage): `attempts` tries over `milliseconds`.
  case recovered(attempts: Int, milliseconds: Int64)
  case released(activityIDs: [Int64], error: String)
  case parked(activityID: Int64, policy: String, error: String)
  /// A batch runs without its policies' documents and results checked against their chains
  /// (``ChainReader``): the worker's second connection could not read them.
  case chainsUnchecked(error: String)
  case drained
  case stopping
}

/// Totals over the worker's life, for metrics and the exit summary.
public struct WorkerTotals: Sendable {
  public var processedByStatus: [String: Int] = [:]
  /// Activities whose work failed: given back after a commit that kept failing (queued again
  /// for later), or parked.
  public var failures = 0
  /// Of ``failures``, the activities parked as failed (`policyflow queue` lists them).
  public var parked = 0
  public var retries = 0
  public var leasesLost = 0
  /// Claim-to-commit times in seconds, per histogram bucket upper bound.
  public var latency = LatencyHistogram()

  public var processed: Int { processedByStatus.values.reduce(0, +) }

  public init() {}
}

/// A Prometheus-style cumulative histogram of claim-to-commit latency.
public struct LatencyHistogram: Sendable {
  public static let bounds: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]
  public var counts = [Int](repeating: 0, count: bounds.count)
  public var count = 0
  public var sum = 0.0

  mutating func record(seconds: Double, times: Int) {
    for (index, bound) in Self.bounds.enumerated() where seconds <= bound { counts[index] += times }
    count += times
    sum += seconds * Double(times)
  }
}
