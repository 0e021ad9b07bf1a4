import Testing

@testable import PolicyFlowCore

struct CatalogTestLoaderTests {
  static let policy = #"{"code": "T-1", "lineOfBusiness": "health", "brand": "northstar", "source": "integration"}"#

  @Test func shippedTestsLoadWithoutFindings() {
    let (files, missing) = CatalogTestLoader.files(in: [CatalogTestPaths.packageRoot + "/tests"])
    let result = CatalogTestLoader.load(files: files, catalog: CatalogTestFixture.catalog, now: CatalogTestFixture.now)
    #expect(missing.isEmpty)
    #expect(result.findings.isEmpty, "\(result.findings)")
    #expect(result.tests.count > 40)
  }

  @Test func aTableGivesOneTestPerCaseWithItsChangesApplied() throws {
    let fixture = try CatalogTestFixture([
      "age.json": """
      {
        "policy": "policies/base.json",
        "at": "2026-01-01",
        "cases": [
          { "name": "65", "set": { "policyholder.dateOfBirth": "1961-01-01" }, "expect": { "status": "Pended" } },
          { "name": "no name", "remove": ["policyholder.name"], "at": "2027-01-01", "expect": { "status": "Edit" } }
        ]
      }
      """,
      "policies/base.json": #"{"code": "T-1", "policyholder": {"name": "A"}}"#,
    ])
    defer { fixture.remove() }
    let result = fixture.load()
    #expect(result.findings.isEmpty, "\(result.findings)")
    let tests = result.tests
    #expect(tests.map(\.caseName) == ["65", "no name"])
    #expect(tests.map(\.name) == ["\(fixture.directory)/age.json [65]", "\(fixture.directory)/age.json [no name]"])
    #expect(tests[0].policy[path: "policyholder.dateOfBirth"] == "1961-01-01")
    #expect(tests[0].policy[path: "policyholder.name"] == "A")
    #expect(tests[1].policy[path: "policyholder"] == .object(JSONObject()))
    #expect(tests[0].at == Timestamp(iso8601: "2026-01-01"))
    #expect(tests[1].at == Timestamp(iso8601: "2027-01-01"))
    #expect(tests[0].location == SourceLocation(line: 5, column: 5))
  }

  @Test func schemaProblemsAreFindingsAtTheKey() throws {
    let fixture = try CatalogTestFixture([
      "typo.json": """
      {
        "policy": \(Self.policy),
        "expect": { "stauts": "Pended" }
      }
      """
    ])
    defer { fixture.remove() }
    let result = fixture.load()
    #expect(result.tests.isEmpty)
    #expect(
      fixture.describe(result.findings) == [
        "typo.json:3:15: error: unknown key 'stauts' in expectation; did you mean 'status'? Allowed keys: status, step, "
          + "messages, messagesExactly, absentMessages, pendReasons, derived, premium"
      ])
  }

  @Test func referencesToTheCatalogAndChangesAreChecked() throws {
    let fixture = try CatalogTestFixture([
      "refs.json": """
      {
        "policy": \(Self.policy),
        "at": "22/11/2026",
        "cases": [
          { "name": "a", "set": { "enrollments.5.role": "x" }, "expect": { "messages": ["MSG_SENOIR_APPLICANT"] } },
          { "name": "a", "remove": ["policyholder"], "expect": { "step": "underwritting", "pendReasons": ["NOPE"] } },
          { "name": "c", "expect": { "messagesExactly": true } }
        ]
      }
      """,
      "missing.json": #"{"policy": "nowhere.json", "expect": {"status": "Edit"}}"#,
    ])
    defer { fixture.remove() }
    let result = fixture.load()
    #expect(result.tests.isEmpty)
    #expect(
      fixture.describe(result.findings) == [
        "missing.json:1:12: error: no policy file 'nowhere.json'; name a .json file relative to "
          + "this test, or write the policy here",
        "refs.json:3:9: error: 'at' must be an ISO 8601 date (2026-11-22) or date-time with an offset "
          + "(2026-11-22T09:00:00+01:00), found \"22/11/2026\"",
        "refs.json:5:29: error: cannot set 'enrollments.5.role': 'enrollments' is missing: '5' would make it an "
          + "object with a member '5', not an array; set 'enrollments' whole instead (a JSON array, or an object for "
          + "names that are numbers)",
        "refs.json:5:83: error: unknown message 'MSG_SENOIR_APPLICANT' in the expectation; did you mean "
          + "'MSG_SENIOR_APPLICANT'?",
        "refs.json:6:15: error: two cases are named 'a'; give each case its own name",
        "refs.json:6:31: error: cannot remove 'policyholder': there is no field 'policyholder' to remove",
        "refs.json:6:68: error: unknown step 'underwritting' in the expectation; did you mean 'underwriting'?",
        "refs.json:6:101: error: unknown pend reason 'NOPE' in the expectation; the catalog defines "
          + "GROUP_SETUP_REVIEW, MANUAL_ENTRY_REVIEW, SUM_ASSURED_REVIEW, UNDERWRITER_REFERRAL",
        "refs.json:7:30: error: the expectation checks nothing; give at least one of status, step, messages, "
          + "absentMessages, pendReasons, derived or premium",
        "refs.json:7:51: error: 'messagesExactly' needs 'messages', the list the attached messages must equal",
      ])
  }

  @Test func givingBothExpectAndCasesIsAFinding() throws {
    let fixture = try CatalogTestFixture([
      "both.json": """
      {"policy": \(Self.policy), "expect": {"status": "Edit"},
       "cases": [{"name": "x", "expect": {"status": "Edit"}}]}
      """
    ])
    defer { fixture.remove() }
    #expect(
      fixture.describe(fixture.load().findings) == [
        "both.json:2:2: error: give either 'expect' (one test) or 'cases' (a table), not both"
      ])
  }

  @Test func aDirectoryWithoutTestFilesIsAFinding() throws {
    let fixture = try CatalogTestFixture(["policies/base.json": "{}"])
    defer { fixture.remove() }
    let findings = fixture.load().findings
    #expect(findings.map(\.file) == [fixture.directory])
    #expect(findings.map(\.message) == ["no test files (.json) directly in this directory"])
  }
}
