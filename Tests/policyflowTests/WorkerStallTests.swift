import Foundation
import PolicyFlowCore
import Testing

/// A rule that never finishes on one policy's data (a regular expression that backtracks for
/// hours, which no limit on the pattern's shape rules out) must not hold a worker, and its
/// batch, for good: past the lease the worker stops as a crash would, and the policy that stalls
/// is set apart and parked alone.
@Suite(.serialized) struct WorkerStallTests {
  @Test func aCycleThatNeverEndsStopsTheWorkerAndItsPolicyIsParkedAlone() throws {
    // Eight stars that can each take any run of a's: on 58 of them the engine tries billions of
    // ways before it fails; a short code fails at once.
    let catalog = try PoisonPatternTests.catalog(condition: [
      "matches": [["var": "code"], "^a*a*a*a*a*a*a*a*c$"]
    ])
    defer { try? FileManager.default.removeItem(at: catalog) }
    let store = try StoreFixture()
    let stalling = String(repeating: "a", count: 58)
    try store.importGenerated(10, prefix: "G")
    try store.importGenerated(1, prefix: stalling)
    try store.importGenerated(10, prefix: "H")
    let deadline = Date().addingTimeInterval(120)
    var stops = 0
    var finalLog: String?
    while finalLog == nil, stops < 12, Date() < deadline {
      let worker = try store.startWorker(
        ["--drain", "--batch", "8", "--lease", "1", "--poll-interval", "50", "--catalog", catalog.path])
      let status = worker.wait(seconds: 30)
      if status == 0 {
        finalLog = worker.log
      } else {
        #expect(status == 70, "a worker did not stop as a stalled one: \(worker.log.suffix(2000))")
        #expect(worker.log.contains("Error: the processing cycle of policy \(stalling)-0 has run for"))
        stops += 1
      }
    }
    #expect(finalLog != nil, "the queue was not drained after \(stops) stops")
    #expect((1...8).contains(stops), "\(stops) stops")
    let queue = try JSON(parsing: try store.run(["queue", "--json", "--as", "tester"]).stdout)
    #expect(queue[path: "failed"] == 1)
    #expect(queue[path: "failedActivities.0.policy"] == .string("\(stalling)-0"))
    #expect(try store.count("SELECT count(*) FROM policy WHERE status = 'In Process'") == 1)
    #expect(try store.count("SELECT count(DISTINCT policy_id) FROM cycle") == 20)
  }
}
