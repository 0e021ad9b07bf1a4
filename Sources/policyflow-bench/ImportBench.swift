import PolicyFlowCore
import PolicyFlowStore

/// `import [--policies N]`: a JSONL file's worth of generated policies imported into a fresh store
/// (synchronous=FULL) by `PolicyStore.importPolicies`, the path `policyflow policies import`
/// takes: parsed, checked and created batch by batch in one transaction.
enum ImportBench {
  static func run(_ options: BenchOptions) throws -> JSON {
    let count = try options.positive("--policies", default: 100_000)
    var generator = PolicyGenerator()
    var text = ""
    for index in 0..<count {
      text += generator.policy(index).serialized()
      text += "\n"
    }
    let directory = try Bench.temporaryDirectory()
    defer { Bench.removeDirectory(directory) }
    // `--db URI`: an empty PostgreSQL database instead of a file in the temporary directory.
    let store = try PolicyStore(path: options.string("--db") ?? "\(directory)/bench.db")
    try Bench.requireEmpty(store)
    try store.ensureAdministrator("bench")
    Bench.progress("import: \(count) policies, \(text.utf8.count / count) bytes each on average")
    let baseline = Bench.peakRSSKilobytes()

    let start = Bench.nanoseconds()
    let created = try store.importPolicies([(name: "bench.jsonl", text: text)], source: .integration, actor: "bench")
    let elapsed = Bench.seconds(since: start)
    guard created == count else { throw BenchFailure("imported \(created) of \(count) policies") }
    return [
      "scenario": "import",
      "policies": .int(created),
      "batch": .int(PolicyStore.importBatchSize),
      "seconds": Bench.rounded(elapsed, 3),
      "policies_per_sec": .int(Int(Double(created) / elapsed)),
      "average_policy_bytes": .int(text.utf8.count / count),
      "store": store.dialect == .sqlite ? "sqlite" : "postgres",
      "synchronous": "FULL",
      "peak_rss_mb": Bench.rounded(Double(Bench.peakRSSKilobytes()) / 1024),
      "peak_rss_before_import_mb": Bench.rounded(Double(baseline) / 1024),
      "machine": Bench.machine(),
    ]
  }
}
