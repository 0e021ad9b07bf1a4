import Testing

@testable import PolicyFlowCore

struct CatalogTestRunnerTests {
  static func shippedTests() -> [CatalogTest] {
    let (files, _) = CatalogTestLoader.files(in: [CatalogTestPaths.packageRoot + "/tests"])
    return CatalogTestLoader.load(files: files, catalog: CatalogTestFixture.catalog, now: CatalogTestFixture.now).tests
  }

  static func test(_ policy: JSON, _ expectation: TestExpectation, name: String = "t") -> CatalogTest {
    CatalogTest(
      file: "tests/t.json", caseName: name, location: SourceLocation(line: 1, column: 1), policy: policy,
      at: CatalogTestFixture.now, expectation: expectation)
  }

  static let senior: JSON = [
    "code": "T-1", "lineOfBusiness": "health", "brand": "northstar", "source": "integration",
    "policyholder": ["name": "A", "dateOfBirth": "1961-01-01", "country": "NL"], "startDate": "2026-01-01",
    "endDate": "2026-12-31", "sumAssured": 25_000_000, "currency": "EUR",
  ]

  @Test func theShippedTestsPassAndMakeEveryRuleFire() {
    let results = CatalogTestRunner(catalog: CatalogTestFixture.catalog).run(Self.shippedTests())
    #expect(results.filter { !$0.passed }.isEmpty, "\(results.compactMap(\.failureLine))")
    let coverage = RuleCoverage(catalog: CatalogTestFixture.catalog, results: results)
    #expect(coverage.steps.flatMap(\.neverFired).map(\.code) == [])
    let count = coverage.firedRuleCount
    #expect(count.fired == count.total)
  }

  @Test func aFailureSaysWhatWasExpectedAndWhatHappenedAtTheExpectation() {
    var expectation = TestExpectation()
    expectation.status = .init(.approved, at: SourceLocation(line: 7, column: 17))
    expectation.messages = .init(["MSG_PRE_EXISTING_CONDITIONS"], at: SourceLocation(line: 8, column: 19))
    expectation.pendReasons = .init([], at: SourceLocation(line: 9, column: 21))
    expectation.derived = [("derived.ageAtStart", .init(64, at: SourceLocation(line: 10, column: 40)))]
    let result = CatalogTestRunner(catalog: CatalogTestFixture.catalog).run(
      Self.test(Self.senior, expectation, name: "65"))
    #expect(!result.passed)
    #expect(result.location == SourceLocation(line: 7, column: 17))
    #expect(
      result.failureLine
        == "tests/t.json:7:17: FAIL [65] status: expected Approved, got Pended; messages: missing "
        + "MSG_PRE_EXISTING_CONDITIONS (got MSG_AGE_AT_START, MSG_SENIOR_APPLICANT); pendReasons: expected none, "
        + "got UNDERWRITER_REFERRAL; derived.ageAtStart: expected 64, got 65")
    #expect(result.firedRules.contains(FiredRule(step: "underwriting", rule: "SENIOR_APPLICANT")))
    #expect(result.firedRules.contains(FiredRule(step: "underwriting", rule: "UNDERWRITER_REFERRAL")))
  }

  /// A premium expectation checks the total, currency and lines calculated on approval, each at
  /// its place in the file; null expects none, and a cycle that does not approve has none.
  @Test func aPremiumExpectationChecksTheCalculation() {
    var young = Self.senior
    young.set(path: "policyholder.dateOfBirth", to: "2000-01-01")
    var expectation = TestExpectation()
    expectation.premium = [
      ("total", .init(127_050, at: SourceLocation(line: 4, column: 30))),
      ("lines.BASE", .init(100_000, at: SourceLocation(line: 4, column: 60))),
    ]
    let runner = CatalogTestRunner(catalog: CatalogTestFixture.catalog)
    let result = runner.run(Self.test(young, expectation))
    #expect(
      result.differences.map(\.description) == [
        "premium.lines.BASE: expected 100000, got 102500"
      ], "250,000.00 at the youngest band's 410 per 100,000: 102,500; the total holds")
    var none = TestExpectation()
    none.expectsNoPremium = .init(true, at: SourceLocation(line: 5, column: 20))
    #expect(!runner.run(Self.test(young, none)).passed, "approved: it has a premium")
    #expect(runner.run(Self.test(Self.senior, none)).passed, "pended: no premium")
  }

  @Test func exactMessagesAndAbsentMessagesCatchExtraOnes() {
    var expectation = TestExpectation()
    expectation.messages = .init(["MSG_AGE_AT_START"], at: SourceLocation(line: 2, column: 1))
    expectation.messagesExactly = true
    expectation.absentMessages = .init(["MSG_SENIOR_APPLICANT"], at: SourceLocation(line: 3, column: 1))
    let differences = CatalogTestRunner(catalog: CatalogTestFixture.catalog).run(Self.test(Self.senior, expectation))
      .differences.map(\.description)
    #expect(
      differences == [
        "messages: unexpected MSG_SENIOR_APPLICANT (got MSG_AGE_AT_START, MSG_SENIOR_APPLICANT)",
        "absentMessages: expected none of MSG_SENIOR_APPLICANT, got MSG_SENIOR_APPLICANT",
      ])
  }

  /// Tests run in parallel, yet come back in their own order with the answers a serial run gives.
  @Test func parallelResultsAreTheSerialOnesInOrder() {
    let base = Self.shippedTests()
    var tests: [CatalogTest] = []
    for index in 0..<1_000 {
      var test = base[index % base.count]
      test.caseName = "\(index)"
      tests.append(test)
    }
    let runner = CatalogTestRunner(catalog: CatalogTestFixture.catalog)
    let parallel = runner.run(tests)
    #expect(parallel.map(\.test.caseName) == tests.map(\.caseName))
    #expect(parallel.map(\.differences) == tests.map { runner.run($0).differences })
    #expect(parallel.map(\.firedRules) == tests.map { runner.run($0).firedRules })
  }

  @Test func coverageNamesRulesNoTestMadeFireAndRulesThatAlwaysFired() throws {
    var expectation = TestExpectation()
    expectation.status = .init(.pended, at: SourceLocation(line: 1, column: 1))
    let tests = [Self.test(Self.senior, expectation, name: "a"), Self.test(Self.senior, expectation, name: "b")]
    let results = CatalogTestRunner(catalog: CatalogTestFixture.catalog).run(tests)
    let coverage = RuleCoverage(catalog: CatalogTestFixture.catalog, results: results)
    let underwriting = try #require(
      coverage.steps.first { $0.flow == "INDIVIDUAL_HEALTH" && $0.name == "underwriting" })
    #expect(underwriting.reached == 2)
    #expect(
      underwriting.alwaysFired.map(\.code) == ["AGE_AT_START_RECORDED", "SENIOR_APPLICANT", "UNDERWRITER_REFERRAL"])
    #expect(
      underwriting.neverFired.map(\.code) == [
        "POLICYHOLDER_AGE_OUT_OF_RANGE", "PRE_EXISTING_CONDITIONS_DECLARED", "SUM_ASSURED_ABOVE_LIMIT",
      ])
    // The group flow's data-quality step leaves out rules whose flows filter names only health.
    let group = try #require(coverage.steps.first { $0.flow == "EMPLOYER_GROUP" && $0.name == "data-quality" })
    #expect(!group.rules.map(\.code).contains("POLICYHOLDER_DATE_OF_BIRTH_REQUIRED"))
    #expect(group.reached == 0)
    #expect(group.alwaysFired.isEmpty)
    #expect(coverage.text.contains("    never fired: SUM_ASSURED_ABOVE_LIMIT (pend rule, "))
    #expect(coverage.json[path: "steps.3.alwaysFired.1"] == "SENIOR_APPLICANT")
  }

  @Test func junitHasOneSuitePerFileAndEscapesTheFailure() {
    var expectation = TestExpectation()
    expectation.step = .init("data-quality", at: SourceLocation(line: 4, column: 2))
    var failing = Self.test(Self.senior, expectation, name: "a < b & \"c\"")
    failing.file = "tests/x.json"
    expectation.step = .init("underwriting", at: SourceLocation(line: 4, column: 2))
    let passing = Self.test(Self.senior, expectation, name: "ok")
    let xml = CatalogTestJUnit.xml(CatalogTestRunner(catalog: CatalogTestFixture.catalog).run([failing, passing]))
    #expect(xml.contains(#"<testsuites name="policyflow test" tests="2" failures="1" errors="0">"#))
    #expect(xml.contains(#"<testsuite name="tests/x.json" tests="1" failures="1" errors="0">"#))
    #expect(xml.contains(#"name="a &lt; b &amp; &quot;c&quot;""#))
    #expect(
      xml.contains(
        #"<failure message="step: expected data-quality, got underwriting" type="expectation">"#
          + "tests/x.json:4:2: step: expected data-quality, got underwriting</failure>"))
    #expect(xml.contains(#"<testcase classname="tests/t.json" name="ok" file="tests/t.json" line="1"/>"#))
  }
}
