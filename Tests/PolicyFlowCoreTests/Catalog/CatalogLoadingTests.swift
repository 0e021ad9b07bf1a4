import Testing

@testable import PolicyFlowCore

/// Each broken catalog under `Fixtures/catalogs/<kind>/` is a small variation of `valid/` with one
/// kind of problem; the loader must report exactly these findings and refuse the catalog.
struct CatalogLoadingTests {
  static let brokenCatalogs: [(fixture: String, expected: [String])] = [
    (
      "both-message-filters",
      [
        "rules/rules.json:25:7: error: pend rule 'HIGH_SUM' gives both 'whenMessages' and 'whenMessageGroup'; give one of them"
      ]
    ),
    (
      "derive-engine-field",
      [
        "rules/rules.json:17:20: error: validation rule 'START_REQUIRED' derives 'code', a field the engine relies on "
          + "(identity, access or lifecycle); a rule may set business data, such as 'derived.ageAtStart', or a date, "
          + "currency or sum an import would accept",
        "rules/rules.json:18:20: error: validation rule 'START_REQUIRED' derives 'accessGroup', a field the engine "
          + "relies on (identity, access or lifecycle); a rule may set business data, such as 'derived.ageAtStart', "
          + "or a date, currency or sum an import would accept",
      ]
    ),
    (
      "duplicate-code",
      [
        "rules/rules.json:3:15: error: duplicate message code 'MSG_START_REQUIRED'; first defined at rules/more.json:3:15"
      ]
    ),
    (
      "duplicate-json-key",
      [
        "flows/main.json:6:3: error: duplicate key 'default'; a key may appear only once in an object (the later value would win)"
      ]
    ),
    (
      "duplicate-rule-code",
      [
        "flows/main.json:14:35: error: unknown rule 'HIGH_SUM' in step 'checks' of flow 'MAIN'",
        "rules/rules.json:19:15: error: duplicate rule code 'START_REQUIRED'; first defined at rules/rules.json:10:15",
      ]
    ),
    (
      "duplicate-rule-in-step",
      [
        "flows/main.json:15:35: error: rule 'START_REQUIRED' appears twice in step 'checks'; first at 13:35"
      ]
    ),
    (
      "duplicate-rule-sequence",
      [
        "flows/main.json:14:23: error: duplicate rule sequence 10 in step 'checks'; already used at 13:23"
      ]
    ),
    (
      "duplicate-step-name",
      [
        "flows/main.json:17:5: error: duplicate step name 'checks' in flow 'MAIN'; the step at 7:5 already has it "
          + "(pends, tests and 'pends list --step' name a step by it)"
      ]
    ),
    (
      "duplicate-step-sequence",
      [
        "flows/main.json:18:19: error: duplicate step sequence 10 in flow 'MAIN'; step 'checks' at 7:5 already uses it"
      ]
    ),
    (
      "empty-rules-directory",
      [
        "flows/main.json:13:35: error: unknown rule 'START_REQUIRED' in step 'checks' of flow 'MAIN'",
        "flows/main.json:14:35: error: unknown rule 'HIGH_SUM' in step 'checks' of flow 'MAIN'",
        "rules:1:1: error: no .json files in 'rules/'; a catalog needs at least one rule file",
      ]
    ),
    (
      "enum-value",
      [
        "rules/rules.json:3:49: error: 'severity' must be one of \"fatal\", \"informative\", found string \"fatl\"; did you mean \"fatal\"?"
      ]
    ),
    (
      "flow-without-steps",
      [
        "flows/main.json:6:12: error: 'steps' must have at least 1 item, found an empty array",
        "rules/rules.json:10:15: warning: rule 'START_REQUIRED' is not used by any step of any flow",
        "rules/rules.json:19:15: warning: rule 'HIGH_SUM' is not used by any step of any flow",
      ]
    ),
    (
      "invalid-code",
      [
        "rules/rules.json:6:15: error: 'code' must match the pattern ^[A-Z][A-Z0-9_]*$, found string \"review\"",
        "rules/rules.json:22:21: error: 'pendReason' must match the pattern ^[A-Z][A-Z0-9_]*$, found string \"review\"",
      ]
    ),
    (
      "malformed-json",
      [
        "flows/main.json:5:13: error: 'active' must be a boolean, found string \"yes\"",
        "rules/rules.json:8:3: error: expected ',' or '}' after an object member, found '\"'",
      ]
    ),
    (
      "missing-flows-directory",
      [
        "flows:1:1: error: missing directory 'flows/'; a catalog needs at least one process flow file in flows/*.json",
        "rules/rules.json:10:15: warning: rule 'START_REQUIRED' is not used by any step of any flow",
        "rules/rules.json:19:15: warning: rule 'HIGH_SUM' is not used by any step of any flow",
      ]
    ),
    (
      "missing-placeholder-value",
      [
        "rules/rules.json:14:18: error: message 'MSG_START_REQUIRED' uses placeholder {4} but rule 'START_REQUIRED' gives only 1 value ({3}); add a value for each placeholder from {3} in 'values'"
      ]
    ),
    (
      "missing-required-key",
      [
        "flows/main.json:7:5: error: missing required key 'displayName' in step"
      ]
    ),
    (
      "two-catalog-defaults",
      [
        "flows/second.json:4:14: error: flow 'SECOND' is a second catalog default (a default flow without lineOfBusiness); flow 'MAIN' (flows/main.json:4:14) is already the catalog default"
      ]
    ),
    (
      "two-default-flows",
      [
        "flows/second.json:5:14: error: flow 'SECOND' is a second default flow for line of business 'health'; flow 'MAIN' (flows/main.json:5:14) is already its default"
      ]
    ),
    (
      "unknown-flow-filter",
      [
        "rules/rules.json:13:25: error: unknown flow 'MIAN' in the flows filter of rule 'START_REQUIRED'; did you mean 'MAIN'?"
      ]
    ),
    (
      "unknown-group-message",
      [
        "rules/rules.json:6:98: error: unknown message 'MSG_GONE' in message group 'NEEDS_REVIEW'"
      ]
    ),
    (
      "unknown-key",
      [
        "flows/main.json:8:7: error: unknown key 'sequnce' in step; did you mean 'sequence'? Allowed keys: sequence, name, displayName, resolvers, rules"
      ]
    ),
    (
      "unknown-message",
      [
        "rules/rules.json:3:15: warning: message 'MSG_START_REQUIRED' is not used by any validation rule",
        "rules/rules.json:14:18: error: unknown message 'MSG_START_REQUIRD' in rule 'START_REQUIRED'; did you mean 'MSG_START_REQUIRED'?",
      ]
    ),
    (
      "unknown-message-group",
      [
        "rules/rules.json:21:27: error: unknown message group 'NEEDS_REVIEW' in pend rule 'HIGH_SUM'"
      ]
    ),
    (
      "unknown-pend-reason",
      [
        "rules/rules.json:6:15: warning: pend reason 'REVIEW' is not used by any pend rule",
        "rules/rules.json:22:21: error: unknown pend reason 'REVEIW' in pend rule 'HIGH_SUM'; did you mean 'REVIEW'?",
      ]
    ),
    (
      "unknown-rule",
      [
        "flows/main.json:14:35: error: unknown rule 'HIGH_SUMS' in step 'checks' of flow 'MAIN'; did you mean 'HIGH_SUM'?",
        "rules/rules.json:19:15: warning: rule 'HIGH_SUM' is not used by any step of any flow",
      ]
    ),
    (
      "wrong-type",
      [
        "flows/main.json:14:23: error: 'sequence' must be an integer, found string \"20\""
      ]
    ),
  ]

  @Test(arguments: brokenCatalogs)
  func reportsEachProblemAtItsValue(fixture: String, expected: [String]) {
    let directory = CatalogTestPaths.fixture(fixture)
    let result = CatalogLoader.load(directory: directory)
    #expect(CatalogTestPaths.describe(result.findings, under: directory) == expected)
    #expect(result.catalog == nil)
  }

  @Test func loadsTheValidFixture() throws {
    let result = CatalogLoader.load(directory: CatalogTestPaths.fixture("valid"))
    #expect(result.findings.isEmpty)
    let catalog = try #require(result.catalog)
    let step = try #require(catalog.flows["MAIN"]?.steps.first)
    #expect(step.validationRules.map(\.code) == ["START_REQUIRED"])
    #expect(step.pendRules.map(\.code) == ["HIGH_SUM"])
    #expect(step.pendRules.first?.reason.code == "REVIEW")
    #expect(catalog.flowCode(explicit: nil, lineOfBusiness: "anything") == "MAIN")
  }

  @Test func rejectsStepsWithDuplicateSequence() {
    let directory = CatalogTestPaths.fixture("duplicate-step-sequence")
    let result = CatalogLoader.load(directory: directory)
    #expect(
      CatalogTestPaths.describe(result.findings, under: directory) == [
        "flows/main.json:18:19: error: duplicate step sequence 10 in flow 'MAIN'; step 'checks' at 7:5 already uses it"
      ])
  }

  @Test func reportsEveryProblemOfACatalogAtOnce() {
    let directory = CatalogTestPaths.fixture("many-problems")
    let result = CatalogLoader.load(directory: directory)
    #expect(result.catalog == nil)
    #expect(
      CatalogTestPaths.describe(result.findings, under: directory) == [
        "flows/main.json:6:3: error: unknown key 'actve' in process flow; did you mean 'active'? Allowed keys: "
          + "$schema, code, description, lineOfBusiness, default, active, steps, calculation",
        "flows/main.json:9:19: error: 'sequence' must be an integer, found string \"10\"",
        "flows/main.json:15:35: error: unknown rule 'HIGH_SUMS' in step 'checks' of flow 'MAIN'; did you mean 'HIGH_SUM'?",
        "flows/other.json:2:11: error: duplicate flow code 'MAIN'; first defined at flows/main.json:2:11",
        "rules/rules.json:3:15: warning: message 'MSG_START_REQUIRED' is not used by any validation rule",
        "rules/rules.json:3:49: error: 'severity' must be one of \"fatal\", \"informative\", found string \"fatl\"; "
          + "did you mean \"fatal\"?",
        "rules/rules.json:6:15: warning: pend reason 'REVIEW' is not used by any pend rule",
        "rules/rules.json:13:7: error: unknown key 'enabeld' in validation rule; did you mean 'enabled'? Allowed keys: "
          + "code, description, level, enabled, source, brands, flows, condition, message, values, derive",
        "rules/rules.json:15:18: error: unknown message 'MSG_START' in rule 'START_REQUIRED'",
        "rules/rules.json:23:21: error: unknown pend reason 'REVEIW' in pend rule 'HIGH_SUM'; did you mean 'REVIEW'?",
      ])
  }

  @Test func warnsAboutUnusedDefinitionsButLoads() throws {
    let directory = CatalogTestPaths.fixture("unused-definitions")
    let result = CatalogLoader.load(directory: directory)
    #expect(
      CatalogTestPaths.describe(result.findings, under: directory) == [
        "rules/rules.json:4:15: warning: message 'MSG_NEVER' is not used by any validation rule",
        "rules/rules.json:8:15: warning: message group 'UNUSED_GROUP' is not used by any pend rule",
        "rules/rules.json:11:15: warning: pend reason 'UNUSED_REASON' is not used by any pend rule",
        "rules/rules.json:16:15: warning: rule 'UNUSED_RULE' is not used by any step of any flow",
      ])
    #expect(try #require(result.catalog).validationRules["UNUSED_RULE"] != nil)
  }

  /// Needs the real JsonLogic compiler: the contract stub accepts every expression.
  @Test func reportsUnknownOperatorAtItsKey() throws {
    let directory = CatalogTestPaths.fixture("unknown-operator")
    let result = CatalogLoader.load(directory: directory)
    let findings = CatalogTestPaths.describe(result.findings.errors, under: directory)
    #expect(result.catalog == nil)
    let finding = try #require(findings.first)
    #expect(findings.count == 1)
    #expect(finding.hasPrefix("rules/rules.json:13:38: error: "))
    #expect(finding.contains("sbustr"))
  }

  /// Needs the real JsonLogic compiler: the contract stub accepts every expression.
  @Test func reportsWrongArityAtTheOperator() throws {
    let directory = CatalogTestPaths.fixture("wrong-arity")
    let result = CatalogLoader.load(directory: directory)
    let findings = CatalogTestPaths.describe(result.findings.errors, under: directory)
    #expect(result.catalog == nil)
    let finding = try #require(findings.first)
    #expect(findings.count == 1)
    #expect(finding.hasPrefix("rules/rules.json:21:22: error: "))
    #expect(finding.contains("substr"))
  }

  @Test(arguments: [
    (".", "flows/x.json"), ("./", "flows/x.json"), ("", "flows/x.json"), ("catalog", "catalog/flows/x.json"),
    ("./catalog/", "catalog/flows/x.json"), ("/srv/catalog", "/srv/catalog/flows/x.json"),
  ])
  func joinsFindingPathsAsTyped(directory: String, expected: String) {
    #expect(CatalogLoader.displayPath(directory, "flows/x.json") == expected)
  }

  @Test func reportsAMissingCatalogDirectory() {
    let result = CatalogLoader.load(directory: CatalogTestPaths.fixture("no-such-catalog"))
    #expect(result.catalog == nil)
    #expect(
      result.findings.map(\.message) == [
        "catalog directory '\(CatalogTestPaths.fixture("no-such-catalog"))' does not exist or is not a directory"
      ])
  }
}
