import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// A worker checks each claimed policy against its chain on a second connection. When that
/// connection cannot read the chains, the worker says so and goes on: the batch runs unchecked
/// and its commit reads the chains' heads itself, so the history it chains stays whole. The
/// debug-only fault switch `POLICYFLOW_TEST_CHAIN_READ_FAILS` makes every such read fail.
struct WorkerChainCheckTests {
  @Test(arguments: TestStore.all) func aWorkerWhoseChainReadsFailSaysSoAndChainsItsWorkWhole(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.importGenerated(5, prefix: "U")
    let worker = try store.startWorker(["--drain"], environment: ["POLICYFLOW_TEST_CHAIN_READ_FAILS": "1"])
    let status = worker.wait(seconds: 60)
    #expect(status == 0, "\(worker.log)")
    #expect(
      worker.log.contains(
        "a batch runs without its documents checked against their chains: test fault: POLICYFLOW_TEST_CHAIN_READ_FAILS is set"
      ), "\(worker.log)")
    #expect(try store.count("SELECT count(*) FROM policy WHERE status = 'Approved'") == 5)
    let verified = try store.run(["audit", "verify", "--as", "tester"])
    #expect(verified.exitCode == 0, "\(verified.stdout)")
    #expect(verified.stdout.contains("Verified 5 policies"), "\(verified.stdout)")
  }
}
