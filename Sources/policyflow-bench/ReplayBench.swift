import PolicyFlowCore
import PolicyFlowStore

/// `replay [--policies N] [--catalog DIR] [--candidate DIR] [--db PATH|URI] [--keep]`: a store
/// of N generated policies (as the `worker` scenario fills it) processed once by the library's
/// `Worker` in this process (synchronous=NORMAL: the recorded cycles are set-up, not measured),
/// then `PolicyStore.replay` of the candidate catalog (default: the same one) on every current
/// version, timed from the first page read to the last page merged: what `policyflow policies
/// replay` does, without printing.
enum ReplayBench {
  static func run(_ options: BenchOptions) throws -> JSON {
    let count = try options.positive("--policies", default: 200_000)
    let catalogDirectory = options.string("--catalog") ?? "."
    let catalog = try Bench.loadCatalog(catalogDirectory)
    let candidate = try Bench.loadCatalog(options.string("--candidate") ?? catalogDirectory)
    let directory = try Bench.temporaryDirectory()
    defer { if !options.flag("--keep") { Bench.removeDirectory(directory) } }
    let path = options.string("--db") ?? "\(directory)/bench.db"

    let setupStart = Bench.nanoseconds()
    try fillAndProcess(path, count: count, catalog: catalog)
    let setupSeconds = Bench.seconds(since: setupStart)
    Bench.progress("replay: \(count) policies stored and processed in \(Int(setupSeconds)) s; replaying")

    let store = try PolicyStore(path: path)
    let cpuBefore = Bench.cpuSeconds()
    let start = Bench.nanoseconds()
    let report = try store.replay(
      CatalogReplay(catalog: candidate, at: StoreTime.now().timestamp), selection: .init(), actor: "bench",
      progress: { done in if done % 100_000 < 2_000 { Bench.progress("replay: \(done) replayed") } })
    let seconds = Bench.seconds(since: start)
    let cpuSeconds = Bench.cpuSeconds() - cpuBefore
    guard report.replayed == count else {
      throw BenchFailure("the replay read \(report.replayed) of \(count) policies")
    }
    var matrix = JSONObject()
    for (recorded, row) in report.matrix.sorted(by: { ($0.key?.rawValue ?? "none") < ($1.key?.rawValue ?? "none") }) {
      for (new, n) in row.sorted(by: { $0.key < $1.key }) {
        matrix["\(recorded?.rawValue ?? "none") → \(new.rawValue)"] = .int(n)
      }
    }
    return [
      "scenario": "replay",
      "policies": .int(count),
      "store": .string(PostgresURI.isPostgres(path) ? "postgres" : "sqlite"),
      "seconds": Bench.rounded(seconds, 3),
      "policies_per_sec": .int(Int(Double(count) / seconds)),
      "seconds_per_million": Bench.rounded(seconds * 1_000_000 / Double(count), 1),
      "cpu_seconds": Bench.rounded(cpuSeconds, 3),
      "changed": .int(report.changed),
      "matrix": .object(matrix),
      "setup_seconds": Bench.rounded(setupSeconds, 1),
      "peak_rss_mb": Bench.rounded(Double(Bench.peakRSSKilobytes()) / 1024),
      "load_average": loadAverage(),
      "machine": Bench.machine(),
    ]
  }

  /// Fills the store at `path` with `count` generated policies (as `worker` does) and has the
  /// library's `Worker` process them once in this process (`synchronous=NORMAL`: set-up, not
  /// measured).
  static func fillAndProcess(_ path: String, count: Int, catalog: Catalog) throws {
    try WorkerBench.fill(path, count: count)
    var configuration = WorkerConfiguration(owner: "bench")
    configuration.batchSize = 1_000
    configuration.drain = true
    let worker = Worker(
      store: try PolicyStore(path: path, durability: .normal), catalog: catalog, configuration: configuration)
    try worker.run()
    guard worker.totals.processed == count else {
      throw BenchFailure("the worker processed \(worker.totals.processed) of \(count) policies")
    }
  }

  /// The 1, 5 and 15 minute load averages when the replay ended: the machine is shared.
  static func loadAverage() -> JSON {
    guard let text = try? Bench.readFile("/proc/loadavg") else { return .null }
    return .array(text.split(separator: " ").prefix(3).compactMap { Double($0) }.map(JSON.double))
  }
}
