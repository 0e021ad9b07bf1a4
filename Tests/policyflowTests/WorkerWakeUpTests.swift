import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// On PostgreSQL an idle worker wakes when work is submitted (LISTEN/NOTIFY), long before its
/// next poll; with `--poll-only` it waits for the poll.
@Suite(
  .serialized, .enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
struct WorkerWakeUpTests {
  /// Starts an idle worker that polls every 60 s, submits a policy, and returns how long it took
  /// to leave In Process (nil: not within `seconds`).
  func secondsToProcess(_ extra: [String], within seconds: Double) throws -> Double? {
    let store = try StoreFixture(.postgres)
    let (first, firstCode) = try store.writeExample("group-approved.json")
    try store.succeed(["policies", "import", first, "--submit", "--as", "tester"])
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--as", "tester"])
    let worker = try store.startWorker(["--poll-interval", "60000"] + extra)
    defer {
      worker.signal(SIGTERM)
      _ = worker.wait(seconds: 10)
    }
    // Idle for sure, however slow the machine: it processed the first policy, looked at the
    // queue again at once (a moment after that commit), and found it empty.
    let started = Date()
    while try store.status(firstCode) == "In Process", Date().timeIntervalSince(started) < 60 { usleep(20_000) }
    #expect(try store.status(firstCode) != "In Process", "\(worker.log)")
    usleep(1_000_000)
    try store.succeed(["policies", "submit", code, "--as", "tester"])
    let start = Date()
    while Date().timeIntervalSince(start) < seconds {
      if try store.status(code) != "In Process" { return Date().timeIntervalSince(start) }
      usleep(20_000)
    }
    return nil
  }

  @Test func anIdleWorkerWakesWhenWorkIsSubmitted() throws {
    let elapsed = try secondsToProcess([], within: 20)
    #expect(elapsed != nil, "processed long before the 60 s poll")
  }

  @Test func withPollOnlyItWaitsForThePoll() throws {
    #expect(try secondsToProcess(["--poll-only"], within: 3) == nil, "nothing wakes it before its poll")
  }
}
