import PolicyFlowCore
import PolicyFlowStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `worker [--policies N] [--workers K] [--batch B] [--catalog DIR] [--keep]`: a fresh store in
/// a temporary directory with N submitted policies, drained by K worker processes (this
/// executable re-run as `_worker-child`, which runs the library's `Worker` with
/// synchronous=FULL, the same loop as `policyflow worker --drain`).
enum WorkerBench {
  static func run(_ options: BenchOptions) throws -> JSON {
    let count = try options.positive("--policies", default: 50_000)
    let workers = try options.positive("--workers", default: 1)
    let batch = try options.positive("--batch", default: 1_000)
    let catalogDirectory = options.string("--catalog") ?? "."
    _ = try Bench.loadCatalog(catalogDirectory)
    let directory = try Bench.temporaryDirectory()
    defer { if !options.flag("--keep") { Bench.removeDirectory(directory) } }
    // `--db URI`: an empty PostgreSQL database instead of a file in the temporary directory.
    let path = options.string("--db") ?? "\(directory)/bench.db"

    let setupStart = Bench.nanoseconds()
    try fill(path, count: count)
    let setupSeconds = Bench.seconds(since: setupStart)
    Bench.progress("worker: \(count) policies queued in \(Int(setupSeconds)) s; starting \(workers) worker(s)")

    let start = Bench.nanoseconds()
    var children: [(pid: pid_t, output: String)] = []
    for index in 0..<workers {
      let output = "\(directory)/worker-\(index).json"
      let arguments = [
        WorkerChild.name, "--db", path, "--catalog", catalogDirectory, "--batch", String(batch), "--owner",
        "bench-\(index)",
      ]
      children.append((try spawnSelf(arguments, stdout: output), output))
    }
    var reports: [JSON] = []
    for child in children {
      var status: Int32 = 0
      waitpid(child.pid, &status, 0)
      guard status == 0 else { throw BenchFailure("worker process \(child.pid) failed (wait status \(status))") }
      reports.append(try JSON(parsing: try Bench.readFile(child.output)))
    }
    let wallSeconds = Bench.seconds(since: start)
    return try summary(
      reports, count: count, workers: workers, batch: batch, wall: wallSeconds, setup: setupSeconds,
      store: PostgresURI.isPostgres(path) ? "postgres" : "sqlite")
  }

  /// Creates the store and submits `count` generated policies, 10,000 per transaction.
  static func fill(_ path: String, count: Int) throws {
    let store = try PolicyStore(path: path)
    try Bench.requireEmpty(store)
    try store.ensureAdministrator("bench")
    var generator = PolicyGenerator()
    var next = 0
    while next < count {
      let chunk = (next..<min(next + 10_000, count)).map { generator.policy($0) }
      next += try store.createPolicies(chunk, source: .integration, actor: "bench", submit: true)
      if next % 100_000 == 0 { Bench.progress("worker: \(next) policies queued") }
    }
  }

  static func summary(
    _ reports: [JSON], count: Int, workers: Int, batch: Int, wall: Double, setup: Double, store: String = "sqlite"
  ) throws
    -> JSON
  {
    var processed = 0
    var first = UInt64.max
    var last = UInt64(0)
    var latencies: [(milliseconds: Double, count: Int)] = []
    var peak = 0
    var mix: [String: Int] = [:]
    var cpuSeconds = 0.0
    for report in reports {
      cpuSeconds += report[path: "cpu_seconds"]?.number ?? 0
      let done = report[path: "processed"]?.number.map(Int.init) ?? 0
      processed += done
      // A worker that found the queue empty (the others took it all) has no claim to count.
      if done > 0 {
        first = min(first, UInt64(report[path: "first_claim_ns"]?.number ?? 0))
        last = max(last, UInt64(report[path: "last_commit_ns"]?.number ?? 0))
      }
      peak = max(peak, Int(report[path: "peak_rss_kb"]?.number ?? 0))
      for entry in report[path: "batches"]?.arrayValue ?? [] {
        latencies.append((entry.child("0")?.number ?? 0, Int(entry.child("1")?.number ?? 0)))
      }
      for (status, value) in report[path: "outcomes"]?.objectValue ?? JSONObject() {
        mix[status, default: 0] += Int(value.number ?? 0)
      }
    }
    guard processed == count else { throw BenchFailure("the workers processed \(processed) of \(count) policies") }
    let seconds = Double(last - first) / 1e9
    return [
      "scenario": "worker",
      "policies": .int(processed),
      "workers": .int(workers),
      "batch": .int(batch),
      "store": .string(store),
      "synchronous": "FULL",
      "seconds": Bench.rounded(seconds, 3),
      "policies_per_sec": .int(Int(Double(processed) / seconds)),
      "wall_seconds_with_startup": Bench.rounded(wall, 3),
      "claim_to_commit_ms": [
        "p50": Bench.rounded(percentile(latencies, 0.50), 2), "p99": Bench.rounded(percentile(latencies, 0.99), 2),
      ],
      // Each worker's own peak, as it measured it (see Bench.peakRSSKilobytes).
      "peak_rss_mb": Bench.rounded(Double(peak) / 1024),
      "worker_cpu_seconds": Bench.rounded(cpuSeconds, 3),
      "setup_seconds": Bench.rounded(setup, 1),
      "outcomes": .object(CycleBench.mixObject(mix)),
      "machine": Bench.machine(),
    ]
  }

  /// The latency below which `fraction` of the policies were committed (each policy counts
  /// with its batch's time).
  static func percentile(_ samples: [(milliseconds: Double, count: Int)], _ fraction: Double) -> Double {
    let sorted = samples.sorted { $0.milliseconds < $1.milliseconds }
    let total = sorted.reduce(0) { $0 + $1.count }
    let rank = Int((Double(total) * fraction).rounded(.up))
    var seen = 0
    for sample in sorted {
      seen += sample.count
      if seen >= rank { return sample.milliseconds }
    }
    return sorted.last?.milliseconds ?? 0
  }

  /// Starts this executable again with `arguments`, its stdout written to `stdout`.
  static func spawnSelf(_ arguments: [String], stdout: String) throws -> pid_t {
    var buffer = [CChar](repeating: 0, count: 4096)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let executable =
      length > 0
      ? String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard result == 0 else { throw BenchFailure("cannot start \(executable): \(String(cString: strerror(result)))") }
    return pid
  }
}
