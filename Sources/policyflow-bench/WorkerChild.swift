import PolicyFlowCore
import PolicyFlowStore

/// One worker process of the `worker` scenario: drains the store with the library's `Worker`
/// and prints what it did, with the time of every batch, as one JSON object.
enum WorkerChild {
  static let name = "_worker-child"

  static func run(_ options: BenchOptions) throws -> JSON {
    guard let path = options.string("--db") else { throw BenchUsageError("'\(name)' needs '--db PATH'.") }
    let catalog = try Bench.loadCatalog(options.string("--catalog") ?? ".")
    let store = try PolicyStore(path: path, durability: .full)
    var configuration = WorkerConfiguration(owner: options.string("--owner") ?? "bench")
    configuration.batchSize = try options.positive("--batch", default: configuration.batchSize)
    configuration.drain = true
    configuration.pollIntervalMilliseconds = 10

    var first: UInt64?
    var lastCommit: UInt64 = 0
    var batches: [JSON] = []
    var mix: [String: Int] = [:]
    let worker = Worker(
      store: store, catalog: catalog, configuration: configuration,
      onEvent: { event in
        let now = Bench.nanoseconds()
        switch event {
        case .claimed:
          if first == nil { first = now }
        case .committed(let count, let byStatus, let milliseconds):
          // The worker's own claim-to-commit time: the next batch is claimed before this one
          // commits, so the last claim seen is not this batch's.
          lastCommit = now
          batches.append([.int(milliseconds), .int(count)])
          for (status, n) in byStatus { mix[status, default: 0] += n }
        default:
          break
        }
      })
    try worker.run()
    return [
      "processed": .int(worker.totals.processed),
      "first_claim_ns": .int(Int(first ?? lastCommit)),
      "last_commit_ns": .int(Int(lastCommit)),
      "batches": .array(batches),
      "outcomes": .object(CycleBench.mixObject(mix)),
      "peak_rss_kb": .int(Bench.peakRSSKilobytes()),
      "cpu_seconds": Bench.rounded(Bench.cpuSeconds(), 3),
    ]
  }
}
