import PolicyFlowCore

/// `cycle [--policies N] [--catalog DIR]`: full processing cycles in memory on one core. Each
/// cycle starts from the policy's JSON text, as a worker reads it from the store: parse, run the
/// shipped catalog's flow, get the outcome.
enum CycleBench {
  static func run(_ options: BenchOptions) throws -> JSON {
    let count = try options.positive("--policies", default: 200_000)
    let catalogDirectory = options.string("--catalog") ?? "."
    let catalog = try Bench.loadCatalog(catalogDirectory)
    let cycle = ProcessingCycle(catalog: catalog)
    let reference = Timestamp(secondsSinceEpoch: 1_795_000_000)

    // A pool of distinct policy texts, reused round-robin when N is larger.
    var generator = PolicyGenerator()
    let poolSize = min(count, 10_000)
    let texts = (0..<poolSize).map { generator.policy($0).serialized() }
    let bytes = texts.reduce(0) { $0 + $1.utf8.count }
    Bench.progress(
      "cycle: \(count) cycles over \(poolSize) distinct policies (\(bytes / poolSize) bytes each on average)")

    var warmup: [String: Int] = [:]
    try process(texts, count: min(count, poolSize), cycle, reference, into: &warmup)
    var mix: [String: Int] = [:]
    let start = Bench.nanoseconds()
    try process(texts, count: count, cycle, reference, into: &mix)
    let elapsed = Bench.seconds(since: start)
    return [
      "scenario": "cycle",
      "cycles": .int(count),
      "seconds": Bench.rounded(elapsed, 3),
      "cycles_per_sec": .int(Int(Double(count) / elapsed)),
      "us_per_cycle": Bench.rounded(elapsed * 1e6 / Double(count), 2),
      "average_policy_bytes": .int(bytes / poolSize),
      "outcomes": .object(mixObject(mix)),
      "machine": Bench.machine(),
    ]
  }

  @inline(never)
  static func process(
    _ texts: [String], count: Int, _ cycle: ProcessingCycle, _ reference: Timestamp, into mix: inout [String: Int]
  ) throws {
    for index in 0..<count {
      let data = try JSON(parsingDeferred: texts[index % texts.count])
      let outcome = cycle.run(data, at: reference)
      mix[outcome.status.rawValue, default: 0] += 1
    }
  }

  static func mixObject(_ mix: [String: Int]) -> JSONObject {
    var object = JSONObject()
    for (status, count) in mix.sorted(by: { $0.key < $1.key }) { object[status] = .int(count) }
    return object
  }
}
