import Foundation
import PolicyFlowCore
import Testing

/// One policy that crashes every worker processing it, among hundreds of good ones: the built
/// binary, with the debug-only fault switch naming that policy, is launched again after each
/// crash until the queue is drained.
@Suite(.serialized) struct WorkerCrashIsolationTests {
  @Test func aPolicyThatCrashesTheWorkerIsParkedAloneAndEveryOtherReachesItsOutcome() throws {
    let store = try StoreFixture()
    try store.importGenerated(150, prefix: "A")
    try store.importGenerated(1, prefix: "POISON")
    try store.importGenerated(149, prefix: "B")
    // No backtrace: symbolicating one would keep each crashed worker alive for seconds.
    let environment = ["POLICYFLOW_TEST_CRASH_POLICY": "POISON-0", "SWIFT_BACKTRACE": "enable=no"]
    let deadline = Date().addingTimeInterval(240)
    var crashes = 0
    var lastCrashLog = ""
    var finalLog: String?
    while finalLog == nil, crashes < 20, Date() < deadline {
      let worker = try store.startWorker(
        ["--drain", "--batch", "32", "--lease", "1", "--poll-interval", "50"], environment: environment)
      let status = worker.wait(seconds: max(deadline.timeIntervalSinceNow, 1))
      if status == 0 {
        finalLog = worker.log
      } else {
        // Each launch but the last ends in the fault, and in nothing else.
        #expect(status != nil, "a worker did not exit in time: \(worker.log.suffix(2000))")
        #expect(worker.log.contains("test fault: POLICYFLOW_TEST_CRASH_POLICY names policy POISON-0"))
        crashes += 1
        lastCrashLog = worker.log
      }
    }
    let log = try #require(finalLog, "the queue was not drained after \(crashes) crashes")
    // Claimed again whole, the batch would crash a worker each time; halving a batch of 32 down
    // to one takes six crashes. Far more would mean the poison is not being narrowed down.
    #expect((2...10).contains(crashes), "\(crashes) crashes")
    // The last worker to crash held the poison policy alone, and nothing beside it.
    let lastClaim = lastCrashLog.split(separator: "\n").last { $0.contains("Z claimed ") }
    #expect(lastClaim?.contains(" claimed 1 activity, lease until ") == true, "\(lastCrashLog)")
    #expect(lastCrashLog.contains("1 activity came back after the worker holding it stopped"), "\(lastCrashLog)")
    #expect(log.contains("parked activity 151 (policy POISON-0) as failed: the worker processing it stopped"), "\(log)")

    let queue = try JSON(parsing: try store.run(["queue", "--json", "--as", "tester"]).stdout)
    #expect(queue[path: "queued"] == 0)
    #expect(queue[path: "leased"] == 0)
    #expect(queue[path: "failed"] == 1)
    #expect(queue[path: "failedActivities.0.policy"] == "POISON-0")
    let error = queue[path: "failedActivities.0.error"]?.stringValue ?? ""
    #expect(error.hasPrefix("the worker processing it stopped "), "\(error)")
    #expect(error.hasSuffix("the last time holding this policy alone: parked alone"), "\(error)")
    let shown = try store.run(["queue", "--as", "tester"])
    #expect(shown.stdout.hasPrefix("queued 0, leased 0, failed 1"), "\(shown.stdout)")
    #expect(shown.stdout.contains("  151  policy POISON-0  attempts "), "\(shown.stdout)")

    // Every other policy went through exactly one cycle, and the poison through none.
    let statuses = try store.query("SELECT status, count(*) FROM policy GROUP BY status") {
      (try $0.string(at: 0), try $0.int(at: 1))
    }
    #expect(Dictionary(uniqueKeysWithValues: statuses) == ["Approved": 299, "In Process": 1])
    #expect(try store.count("SELECT count(*) FROM policy WHERE code = 'POISON-0' AND status = 'In Process'") == 1)
    #expect(try store.count("SELECT count(*) FROM cycle") == 299)
    #expect(try store.count("SELECT count(DISTINCT policy_id) FROM cycle") == 299)
    #expect(
      try store.count("SELECT count(*) FROM cycle c JOIN policy p ON p.id = c.policy_id WHERE p.code = 'POISON-0'")
        == 0)
    #expect(try store.count("SELECT count(*) FROM activity WHERE state <> 'failed'") == 0)
  }
}
