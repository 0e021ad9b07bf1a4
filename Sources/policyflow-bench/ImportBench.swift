import PolicyFlowCore
import PolicyFlowStore

/// `import [--policies N] [--batch B]`: a JSONL file's worth of generated policies parsed with
/// `PolicyImport.parse` and created in a fresh store (synchronous=FULL), B per transaction.
enum ImportBench {
  static func run(_ options: BenchOptions) throws -> JSON {
    let count = try options.positive("--policies", default: 100_000)
    let batch = try options.positive("--batch", default: 10_000)
    var generator = PolicyGenerator()
    var text = ""
    for index in 0..<count {
      text += generator.policy(index).serialized()
      text += "\n"
    }
    let directory = try Bench.temporaryDirectory()
    defer { Bench.removeDirectory(directory) }
    let store = try PolicyStore(path: "\(directory)/bench.db")
    try store.ensureAdministrator("bench")
    Bench.progress("import: \(count) policies, \(text.utf8.count / count) bytes each on average")

    let start = Bench.nanoseconds()
    let parsed = PolicyImport.parse(text, file: "bench.jsonl")
    guard parsed.findings.isEmpty else { throw BenchFailure("the generated JSONL has findings: \(parsed.findings[0])") }
    let parseSeconds = Bench.seconds(since: start)
    let documents = parsed.documents
    var created = 0
    while created < documents.count {
      let chunk = Array(documents[created..<min(created + batch, documents.count)])
      created += try store.createPolicies(chunk, source: .integration, actor: "bench")
    }
    let elapsed = Bench.seconds(since: start)
    return [
      "scenario": "import",
      "policies": .int(created),
      "batch": .int(batch),
      "seconds": Bench.rounded(elapsed, 3),
      "policies_per_sec": .int(Int(Double(created) / elapsed)),
      "parse_seconds": Bench.rounded(parseSeconds, 3),
      "insert_seconds": Bench.rounded(elapsed - parseSeconds, 3),
      "average_policy_bytes": .int(text.utf8.count / count),
      "synchronous": "FULL",
      "peak_rss_mb": Bench.rounded(Double(Bench.peakRSSKilobytes()) / 1024),
      "machine": Bench.machine(),
    ]
  }
}
