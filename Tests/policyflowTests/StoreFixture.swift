import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A fresh temporary directory with a store (an SQLite file in it, or a PostgreSQL database on
/// the tests' own server), plus helpers to start worker processes and read the store afterwards.
final class StoreFixture {
  let directory: URL
  /// The store's `--db`: a file path or a PostgreSQL URI.
  let db: String
  let kind: TestStore

  /// A fresh store whose administrator is `tester`, the actor the tests act as.
  init(_ kind: TestStore = .sqlite) throws {
    directory = try PolicyFlowBinary.temporaryDirectory()
    self.kind = kind
    db = try kind.newLocation(in: directory.path)
    let created = try run(["init", "--admin", "tester"])
    precondition(created.exitCode == 0, "policyflow init failed: \(created.stderr)")
  }

  deinit {
    try? FileManager.default.removeItem(at: directory)
  }

  /// Runs `policyflow` with `--db` pointing at this store (appended to the arguments).
  func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws
    -> PolicyFlowBinary.Result
  {
    try PolicyFlowBinary.run(arguments + ["--db", db], stdin: stdin, environment: environment)
  }

  /// Writes `count` approvable health policies as JSON Lines and imports them with --submit.
  func importGenerated(_ count: Int, prefix: String = "GEN") throws {
    let template = try JSON(
      parsing: String(
        contentsOf: PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies/health-approved.json"),
        encoding: .utf8))
    var lines: [String] = []
    lines.reserveCapacity(count)
    for index in 0..<count {
      var policy = template
      policy.set(path: "code", to: .string("\(prefix)-\(index)"))
      lines.append(policy.serialized())
    }
    let file = directory.appendingPathComponent("\(prefix).jsonl")
    try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let result = try run(["policies", "import", file.path, "--submit", "--as", "tester"])
    #expect(result.exitCode == 0, "\(result.stderr)")
  }

  /// Starts a worker process without waiting for it.
  func startWorker(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> WorkerProcess {
    try WorkerProcess(arguments: ["worker", "--db", db] + arguments, environment: environment)
  }

  /// Reads the store directly.
  func query<T>(_ sql: String, row: (any DatabaseRow) throws -> T) throws -> [T] {
    let connection = try TestStore.connect(db)
    return try connection.query(sql, row: row)
  }

  func count(_ sql: String) throws -> Int {
    try query(sql) { try $0.int(at: 0) }.first ?? 0
  }

  /// Asserts every policy went through exactly one cycle: three status rows (Edit at import,
  /// In Process at submit, the outcome), one cycle row, and nothing left in the queue.
  func expectEveryPolicyProcessedExactlyOnce(_ expected: Int) throws {
    #expect(try count("SELECT count(*) FROM policy") == expected)
    #expect(try count("SELECT count(*) FROM policy WHERE status = 'In Process'") == 0)
    #expect(try count("SELECT count(*) FROM activity") == 0, "every activity acknowledged")
    #expect(try count("SELECT count(*) FROM cycle") == expected, "one cycle per policy")
    #expect(
      try count("SELECT count(*) FROM (SELECT policy_id FROM cycle GROUP BY policy_id HAVING count(*) != 1) AS odd")
        == 0)
    #expect(
      try count(
        "SELECT count(*) FROM (SELECT policy_id FROM status_history GROUP BY policy_id HAVING count(*) != 3) AS odd")
        == 0,
      "one status-history row per transition")
  }
}

/// A `policyflow` process running in the background, its stderr collected to a file.
final class WorkerProcess {
  let process = Process()
  let stderrFile: URL

  init(arguments: [String], environment: [String: String]) throws {
    stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
    process.executableURL = PolicyFlowBinary.executable
    process.arguments = arguments
    process.currentDirectoryURL = PolicyFlowBinary.packageRoot
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.standardError = try FileHandle(forWritingTo: stderrFile)
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  deinit {
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    try? FileManager.default.removeItem(at: stderrFile)
  }

  var log: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

  func signal(_ number: Int32) { kill(process.processIdentifier, number) }

  /// Waits for the process to exit and returns its exit status (killed: 128 + signal).
  @discardableResult
  func wait() -> Int32 {
    process.waitUntilExit()
    return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
  }

  /// Waits up to `seconds` for the process to exit and returns its exit status like ``wait()``;
  /// a process still running then is killed, and nil returned.
  func wait(seconds: Double) -> Int32? {
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    guard !process.isRunning else {
      signal(SIGKILL)
      process.waitUntilExit()
      return nil
    }
    return wait()
  }

  /// Polls until the log contains `text` or `seconds` pass.
  func waitForLog(_ text: String, seconds: Double = 60) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if log.contains(text) { return true }
      usleep(10_000)
    }
    return false
  }
}
