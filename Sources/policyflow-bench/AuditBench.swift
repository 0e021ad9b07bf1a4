import PolicyFlowCore
import PolicyFlowStore

/// `audit [--policies N] [--catalog DIR] [--db PATH|URI] [--keep] [--reuse]`: a store of N
/// generated policies processed once by the library's `Worker` (as the `replay` scenario builds
/// it; set-up, not measured), then `PolicyStore.verifyAudit` over every policy and catalog
/// snapshot, timed: what `policyflow audit verify` does, without printing. With `--reuse`, the
/// store at `--db` is verified as it is (one kept from an earlier run).
enum AuditBench {
  static func run(_ options: BenchOptions) throws -> JSON {
    let count = try options.positive("--policies", default: 200_000)
    let catalogDirectory = options.string("--catalog") ?? "."
    let catalog = try Bench.loadCatalog(catalogDirectory)
    let directory = try Bench.temporaryDirectory()
    defer { if !options.flag("--keep") { Bench.removeDirectory(directory) } }
    let path = options.string("--db") ?? "\(directory)/bench.db"

    let setupStart = Bench.nanoseconds()
    if !options.flag("--reuse") {
      try ReplayBench.fillAndProcess(path, count: count, catalog: catalog)
    }
    let setupSeconds = Bench.seconds(since: setupStart)
    Bench.progress("audit: store ready in \(Int(setupSeconds)) s; verifying")

    let store = try PolicyStore(path: path)
    let cpuBefore = Bench.cpuSeconds()
    let start = Bench.nanoseconds()
    var printed = 0
    let report = try store.verifyAudit(
      by: "bench", connect: { try PolicyStore(path: path) },
      progress: { progress in
        guard progress.policies >= printed + 100_000 else { return }
        printed = progress.policies / 100_000 * 100_000
        Bench.progress("audit: \(printed) verified")
      })
    let seconds = Bench.seconds(since: start)
    let cpuSeconds = Bench.cpuSeconds() - cpuBefore
    guard report.problems.isEmpty else {
      throw BenchFailure("verification found \(report.problems.count) problems: \(report.problems[0].message)")
    }
    return [
      "scenario": "audit",
      "policies": .int(report.policies),
      "links": .int(report.links),
      "rows": .int(report.rows),
      "store": .string(PostgresURI.isPostgres(path) ? "postgres" : "sqlite"),
      "seconds": Bench.rounded(seconds, 3),
      "policies_per_sec": .int(Int(Double(report.policies) / seconds)),
      "seconds_per_million": Bench.rounded(seconds * 1_000_000 / Double(max(report.policies, 1)), 1),
      "cpu_seconds": Bench.rounded(cpuSeconds, 3),
      "setup_seconds": Bench.rounded(setupSeconds, 1),
      "peak_rss_mb": Bench.rounded(Double(Bench.peakRSSKilobytes()) / 1024),
      "load_average": ReplayBench.loadAverage(),
      "machine": Bench.machine(),
    ]
  }
}
