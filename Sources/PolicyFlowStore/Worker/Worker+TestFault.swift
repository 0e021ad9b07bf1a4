// A fault switch for the tests of crash isolation, compiled into debug builds only: a release
// build of PolicyFlow has no way to be told to crash.
#if DEBUG
  #if canImport(Glibc)
    import Glibc
  #elseif canImport(Darwin)
    import Darwin
  #endif

  extension Worker {
    /// The policy code named by `POLICYFLOW_TEST_CRASH_POLICY`, read once per process.
    private static let crashingPolicy: String? = getenv("POLICYFLOW_TEST_CRASH_POLICY").map { String(cString: $0) }

    /// Stops the process as a crash in a rule would (a stack overflow in the regular-expression
    /// parser, say) when `POLICYFLOW_TEST_CRASH_POLICY` names the policy about to be processed:
    /// the end-to-end test of crash isolation runs the built binary with it.
    static func crashIfTestFaultNames(_ policyCode: String) {
      guard let crashingPolicy, policyCode == crashingPolicy else { return }
      fatalError("test fault: POLICYFLOW_TEST_CRASH_POLICY names policy \(policyCode)")
    }
  }

  extension ChainReader {
    /// Whether `POLICYFLOW_TEST_CHAIN_READ_FAILS` is set: every read fails, as when the worker's
    /// second connection cannot read the chains, so that the end-to-end test of what a worker
    /// does then (it logs `chainsUnchecked` and its commit reads the heads itself) can run.
    static let failsForTests = getenv("POLICYFLOW_TEST_CHAIN_READ_FAILS") != nil
  }
#endif
