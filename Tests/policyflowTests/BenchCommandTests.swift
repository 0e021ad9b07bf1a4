import Foundation
import Testing

/// The benchmark executable's command line: every scenario refuses what it does not take, with
/// the list of what it does (exit 64). Timings are never checked here (see BENCHMARKS.md).
struct BenchCommandTests {
  private func bench(_ arguments: [String]) throws -> PolicyFlowBinary.Result {
    try PolicyFlowBinary.run(arguments, program: PolicyFlowBinary.benchExecutable)
  }

  @Test func aMistypedLastOptionIsCalledUnknownNotMissingItsValue() throws {
    let result = try bench(["logic", "--case", "Sources/policyflow-bench/cases/cond5.json", "--bogus"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: Unknown option '--bogus' for 'logic'; it takes --case, --seconds.\n"))
    #expect(result.stdout.isEmpty)
  }

  @Test func aKnownOptionWithoutItsValueSaysSo() throws {
    let result = try bench(["cycle", "--policies"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: Missing value for '--policies'.\n"))
  }

  @Test func logicChecksTheCaseAndPrintsOneJSONObject() throws {
    let result = try bench(["logic", "--case", "Sources/policyflow-bench/cases/cond5.json", "--seconds", "0.05"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    let printed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(printed?["scenario"] as? String == "logic")
    #expect(printed?["result"] as? Bool == true)
    #expect((printed?["evals_per_sec"] as? Int ?? 0) > 0)
  }
}
