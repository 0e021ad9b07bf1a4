import PolicyFlowCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `policyflow-bench <scenario> [options]`: one JSON object on stdout per run, progress on
/// stderr. Scenarios and their targets are described in BENCHMARKS.md.
let usage = """
  OVERVIEW: PolicyFlow benchmarks (build with -c release).

  USAGE: policyflow-bench <scenario> [options]

  SUBCOMMANDS:
    logic --case FILE [--seconds S]          Evaluate a compiled JsonLogic rule repeatedly.
    cycle [--policies N] [--catalog DIR]     Parse and process generated policies in memory.
    worker [--policies N] [--workers K] [--batch B] [--catalog DIR] [--keep]
                                             Drain a fresh durable store with K worker processes.
    import [--policies N]                    Import generated JSONL into a fresh store.
    replay [--policies N] [--catalog DIR] [--candidate DIR] [--db PATH|URI] [--keep]
                                             Replay a catalog on a processed store, read-only.
    audit [--policies N] [--catalog DIR] [--db PATH|URI] [--keep] [--reuse]
                                             Verify every hash chain of a processed store.

  """

let arguments = Array(CommandLine.arguments.dropFirst())
guard let scenario = arguments.first else {
  Bench.printError(usage)
  exit(64)
}
if scenario == "--help" || scenario == "-h" || scenario == "help" {
  print(usage, terminator: "")
  exit(0)
}
do {
  let options = try BenchOptions(Array(arguments.dropFirst()))
  let result: JSON
  switch scenario {
  case "logic":
    try options.allow(["--case", "--seconds"], for: scenario)
    result = try LogicBench.run(options)
  case "cycle":
    try options.allow(["--policies", "--catalog"], for: scenario)
    result = try CycleBench.run(options)
  case "worker":
    try options.allow(["--policies", "--workers", "--batch", "--catalog", "--keep", "--db"], for: scenario)
    result = try WorkerBench.run(options)
  case "import":
    try options.allow(["--policies", "--db"], for: scenario)
    result = try ImportBench.run(options)
  case "replay":
    try options.allow(["--policies", "--catalog", "--candidate", "--db", "--keep"], for: scenario)
    result = try ReplayBench.run(options)
  case "audit":
    try options.allow(["--policies", "--catalog", "--db", "--keep", "--reuse"], for: scenario)
    result = try AuditBench.run(options)
  case WorkerChild.name:
    try options.allow(["--db", "--catalog", "--owner", "--batch"], for: scenario)
    result = try WorkerChild.run(options)
  default:
    throw BenchUsageError("Unknown scenario '\(scenario)': expected logic, cycle, worker, import, replay or audit.")
  }
  print(result.serialized())
  exit(0)
} catch let error as BenchUsageError {
  Bench.printError("Error: \(error.message)\n\(usage)")
  exit(64)
} catch {
  Bench.printError("Error: \(error)")
  exit(1)
}
