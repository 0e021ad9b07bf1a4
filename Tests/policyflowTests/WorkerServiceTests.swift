import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `policyflow worker` under systemd: the notify protocol on a fake socket, and lines the
/// journal reads.
struct WorkerServiceTests {
  @Test func drainingWorkerReportsReadyThenStopping() throws {
    let store = try StoreFixture()
    try store.importGenerated(3)
    let socket = try FakeNotifySocket()
    let result = try store.run(["worker", "--drain"], environment: ["NOTIFY_SOCKET": socket.address])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(socket.waitFor("READY=1", seconds: 5))
    #expect(socket.waitFor("STOPPING=1", seconds: 5))
    let lines = socket.lines
    #expect(lines.firstIndex(of: "READY=1")! < lines.firstIndex(of: "STOPPING=1")!)
    #expect(lines.filter { $0 == "STOPPING=1" }.count == 1, "STOPPING=1 once: \(lines)")
    #expect(lines.contains { $0.hasPrefix("STATUS=worker ") && $0.contains("ready with catalog") })
    #expect(!lines.contains("WATCHDOG=1"), "no watchdog without WATCHDOG_USEC")
    try store.expectEveryPolicyProcessedExactlyOnce(3)
  }

  @Test func runningWorkerPingsTheWatchdogAndReportsStoppingOnSIGTERM() throws {
    let store = try StoreFixture()
    let socket = try FakeNotifySocket()
    let worker = try store.startWorker(
      ["--poll-interval", "50"],
      environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "200000"])
    #expect(socket.waitFor("READY=1"))
    #expect(socket.waitFor("WATCHDOG=1", seconds: 10))
    // Pings keep coming while the worker idles on an empty queue.
    let pings = socket.lines.filter { $0 == "WATCHDOG=1" }.count
    let deadline = Date().addingTimeInterval(10)
    while socket.lines.filter({ $0 == "WATCHDOG=1" }).count <= pings, Date() < deadline {
      _ = socket.waitFor("no such line", seconds: 0.2)
    }
    #expect(socket.lines.filter { $0 == "WATCHDOG=1" }.count > pings)
    #expect(!socket.lines.contains("STOPPING=1"))
    worker.signal(SIGTERM)
    #expect(worker.wait(seconds: 30) == 0, "\(worker.log)")
    #expect(socket.waitFor("STOPPING=1", seconds: 5))
  }

  @Test func watchdogForAnotherProcessIsNotPinged() throws {
    let store = try StoreFixture()
    let socket = try FakeNotifySocket()
    let result = try store.run(
      ["worker", "--drain"],
      environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "2000", "WATCHDOG_PID": "1"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(socket.waitFor("STOPPING=1", seconds: 5))
    #expect(!socket.lines.contains("WATCHDOG=1"))
  }

  @Test func abstractNamespaceSocketIsReached() throws {
    let store = try StoreFixture()
    let socket = try FakeNotifySocket(abstract: true)
    let result = try store.run(["worker", "--drain"], environment: ["NOTIFY_SOCKET": socket.address])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(socket.waitFor("READY=1", seconds: 5))
    #expect(socket.waitFor("STOPPING=1", seconds: 5))
  }

  @Test func withoutNotifySocketNothingChanges() throws {
    let store = try StoreFixture()
    let result = try store.run(["worker", "--drain"])
    #expect(result.exitCode == 0)
    #expect(result.stderr.contains("queue drained"))
    #expect(!result.stderr.contains("<6>"))
  }

  /// When stderr is the stream JOURNAL_STREAM names, lines carry a priority and no time stamp.
  @Test func journalLinesCarryTheirPriority() throws {
    let store = try StoreFixture()
    let log = store.directory.appendingPathComponent("journal.log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    var status = stat()
    #expect(stat(log.path, &status) == 0)
    let process = Process()
    process.executableURL = PolicyFlowBinary.executable
    process.arguments = ["worker", "--drain", "--db", store.db]
    process.currentDirectoryURL = PolicyFlowBinary.packageRoot
    var environment = ProcessInfo.processInfo.environment
    environment["JOURNAL_STREAM"] = "\(status.st_dev):\(status.st_ino)"
    process.environment = environment
    process.standardError = try FileHandle(forWritingTo: log)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("<6>worker ") && $0.contains("started with catalog") }, "\(lines)")
    #expect(lines.contains("<6>queue drained; exiting"))
    #expect(lines.allSatisfy { $0.hasPrefix("<") }, "\(lines)")
  }

  @Test func quietWorkerLogsNothingWhenAllGoesWell() throws {
    let store = try StoreFixture()
    try store.importGenerated(2)
    let result = try store.run(["worker", "--drain", "--quiet"])
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    try store.expectEveryPolicyProcessedExactlyOnce(2)
  }
}
