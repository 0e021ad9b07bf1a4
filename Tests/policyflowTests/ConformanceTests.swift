import Foundation
import Testing

/// Both JsonLogic suites through `policyflow logic eval --jsonl`, as a user's script would run
/// them: the community suite (1,136 cases) and the jsonlogic.com suite (277 cases). Where they
/// disagree the community suite wins (README, JsonLogic), and the jsonlogic.com suite has no
/// case that disagrees.
struct ConformanceTests {
  @Test func passesTheCommunitySuite() throws {
    try requireSuites()
    let cases = try ConformanceSuite.community()
    #expect(cases.count == 1_136, "the community suite has 1,136 cases in 41 files")
    for failure in try ConformanceSuite.failures(cases) { Issue.record(Comment(rawValue: failure)) }
  }

  @Test func passesTheJsonLogicSuite() throws {
    try requireSuites()
    let cases = try ConformanceSuite.jsonLogic()
    #expect(cases.count == 277, "the jsonlogic.com suite has 277 cases")
    for failure in try ConformanceSuite.failures(cases) { Issue.record(Comment(rawValue: failure)) }
  }

  private func requireSuites() throws {
    let path = ConformanceSuite.directory.path
    try #require(
      FileManager.default.fileExists(atPath: path + "/community")
        && FileManager.default.fileExists(atPath: path + "/jsonlogic-tests.json"),
      "The conformance suites are missing: expected \(path) (community/ and jsonlogic-tests.json), a copy of shared/conformance beside the clone."
    )
  }
}
