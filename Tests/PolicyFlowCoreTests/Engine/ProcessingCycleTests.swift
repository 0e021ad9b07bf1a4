import PolicyFlowCore
import Testing

/// One processing cycle, scenario by scenario (DESIGN.md "One processing cycle").
struct ProcessingCycleTests {
  typealias B = CatalogBuilder
  let noon = Timestamp(iso8601: "2026-11-22T12:00:00Z")!

  func policy(_ text: String) -> JSON { try! JSON(parsing: text) }

  func run(_ catalog: Catalog, _ data: String, resolved: Set<String> = []) -> CycleOutcome {
    ProcessingCycle(catalog: catalog).run(policy(data), at: noon, resolvedReasons: resolved)
  }

  /// Intake requires a country (fatal) and notes missing email (informative); underwriting pends
  /// large sums; a final step would flag test policies.
  var standard: Catalog {
    B.catalog(
      B.flow(
        "STANDARD",
        [
          B.step(
            10, "intake",
            validations: [
              B.validation(
                "R_COUNTRY", when: #"{"missing": ["country"]}"#,
                message: B.message("M_COUNTRY", .fatal, "{0}: country is required")),
              B.validation(
                "R_EMAIL", when: #"{"missing": ["email"]}"#,
                message: B.message("M_EMAIL", .informative, "No email on file")),
            ]),
          B.step(20, "underwriting", pends: [B.pend("P_SUM", when: #"{">": [{"var": "sum"}, 1000]}"#, reason: "UW")]),
          B.step(
            30, "final",
            validations: [
              B.validation("R_TEST", when: #"{"==": [{"var": "name"}, "test"]}"#, message: B.message("M_TEST"))
            ]),
        ], isDefault: true))
  }

  @Test func cleanPolicyIsApprovedAfterEveryStep() {
    let outcome = run(standard, #"{"country": "NL", "email": "a@b.nl", "sum": 10}"#)
    #expect(outcome.disposition == .clean)
    #expect(outcome.status == .approved)
    #expect(outcome.stepsRun == ["intake", "underwriting", "final"])
    #expect(outcome.messages.isEmpty && outcome.pendReasons.isEmpty)
    #expect(outcome.flowCode == "STANDARD")
    #expect(outcome.catalogHash == "sha256:test")
  }

  @Test func fatalMessageReturnsToEditAndStopsAtThatStep() {
    let outcome = run(standard, #"{"email": "a@b.nl", "sum": 5000, "name": "test"}"#)
    #expect(outcome.status == .edit)
    #expect(outcome.stepsRun == ["intake"])
    #expect(outcome.messages.map(\.code) == ["M_COUNTRY"])
    #expect(outcome.messages.first?.text == "R_COUNTRY: country is required")
    #expect(outcome.pendReasons.isEmpty)
  }

  @Test func pendReasonPendsAndStopsBeforeLaterSteps() {
    let outcome = run(standard, #"{"country": "NL", "sum": 5000, "name": "test"}"#)
    #expect(outcome.status == .pended)
    #expect(outcome.stepsRun == ["intake", "underwriting"])
    #expect(outcome.messages.map(\.code) == ["M_EMAIL"], "the informative message stays; the final step never ran")
    let reason = try! #require(outcome.pendReasons.first)
    #expect(reason.code == "UW")
    #expect(reason.rule == "P_SUM")
    #expect(reason.step == StepReference(name: "underwriting", displayName: "Underwriting", sequence: 20))
    #expect(reason.trace.reads == [LogicTrace.Read(path: "sum", value: 5000)])
  }

  @Test func informativeMessagesDoNotStopTheFlow() {
    let outcome = run(standard, #"{"country": "NL", "sum": 1}"#)
    #expect(outcome.status == .approved)
    #expect(outcome.messages.map(\.severity) == [.informative])
  }

  @Test func fatalMessageInAStepDropsThePendReasonsOfThatStep() {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(
            1, "only", validations: [B.validation("R", when: "true", message: B.message("M"))],
            pends: [B.pend("P", when: "true", reason: "REASON")])
        ], isDefault: true))
    let outcome = run(catalog, "{}")
    #expect(outcome.status == .edit)
    #expect(outcome.pendReasons.isEmpty)
    #expect(outcome.messages.map(\.code) == ["M"])
  }

  @Test func validationRulesRunInSequenceAndSeeEarlierDerivations() {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(
            1, "only",
            validations: [
              B.validation(
                "R_AGE", when: "true", message: B.message("M_AGE", .informative, "Age {3}"),
                values: [#"{"age_at": [{"var": "born"}, "2026-01-01"]}"#],
                derive: [("derived.age", #"{"age_at": [{"var": "born"}, "2026-01-01"]}"#)]),
              B.validation(
                "R_ADULT", when: #"{"<": [{"var": "derived.age"}, 18]}"#,
                message: B.message("M_MINOR", .fatal, "Minor: {3}"),
                values: [#"{"var": "derived.age"}"#]),
            ])
        ], isDefault: true))
    let outcome = run(catalog, #"{"born": "2010-06-15"}"#)
    #expect(outcome.messages.map(\.text) == ["Age 15", "Minor: 15"])
    #expect(outcome.data[path: "derived.age"] == 15)
    #expect(outcome.status == .edit)
  }

  /// A derive into a field the engine relies on: an end date an import would accept is kept; one
  /// it would refuse, or a code (which no rule may set), is a fatal RULE_ERROR naming the rule and
  /// the field, and nothing is derived. (A stored catalog may predate `flows check`'s refusal.)
  @Test(arguments: [
    (#""2027-01-31""#, nil),
    (#""2026-13-01""#, "its derived field 'endDate' would be \"2026-13-01\", which the engine refuses (endDate: "),
    (#"{"cat": ["H-", {"var": "code"}]}"#, nil),
  ])
  func aDeriveIntoAnEngineFieldKeepsOnlyWhatAnImportAccepts(value: String, refusal: String?) {
    let field = value.hasPrefix("{") ? "code" : "endDate"
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(
            1, "only",
            validations: [
              B.validation(
                "R_SET", when: "true", message: B.message("M_SET", .informative, "set"), derive: [(field, value)])
            ])
        ], isDefault: true))
    let document = #"{"code": "P-1", "startDate": "2026-02-01", "endDate": "2027-01-31", "currency": "EUR"}"#
    let outcome = run(catalog, document)
    if field == "endDate", refusal == nil {
      #expect(outcome.messages.map(\.code) == ["M_SET"])
      #expect(outcome.data[path: "endDate"] == "2027-01-31")
      return
    }
    let error = outcome.messages.first { $0.code == "RULE_ERROR" }
    #expect(error?.severity == .fatal)
    #expect(
      error?.text.hasPrefix("Rule R_SET (R_SET description) could not be evaluated: ") == true, "\(outcome.messages)")
    let expected = refusal ?? "its derived field 'code' would be \"H-P-1\", which the engine refuses ('code' is a field"
    #expect(error?.text.contains(expected) == true, "\(error?.text ?? "")")
    #expect(outcome.data[path: "code"] == "P-1")
    #expect(outcome.data[path: "endDate"] == "2027-01-31", "nothing was derived")
    #expect(outcome.status == .edit)
  }

  @Test func placeholdersNameTheRuleItsDescriptionLevelAndComputedValues() {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(
            1, "only",
            validations: [
              B.validation(
                "R_X", when: "true", message: B.message("M", .informative, "{0}|{1}|{2}|{3}|{4}"),
                values: [#"{"var": "a"}"#, #"{"cat": ["x", {"var": "b"}]}"#], level: "policyholder")
            ])
        ], isDefault: true))
    let outcome = run(catalog, #"{"a": 7, "b": "y"}"#)
    #expect(outcome.messages.first?.text == "R_X|R_X description|policyholder|7|xy")
  }

  @Test func resolvedReasonDoesNotFireAgainUnlessItReattaches() {
    let once = B.catalog(
      B.flow("F", [B.step(1, "s", pends: [B.pend("P", when: "true", reason: "ONCE")])], isDefault: true))
    #expect(run(once, "{}", resolved: ["ONCE"]).status == .approved)
    #expect(run(once, "{}", resolved: ["OTHER"]).status == .pended)
    let again = B.catalog(
      B.flow(
        "F", [B.step(1, "s", pends: [B.pend("P", when: "true", reason: "AGAIN", reattach: true)])], isDefault: true))
    #expect(run(again, "{}", resolved: ["AGAIN"]).pendReasons.map(\.code) == ["AGAIN"])
    let sinceEdit = ProcessingCycle(catalog: again).run(
      policy("{}"), at: noon, resolvedReasons: ["AGAIN"], resolvedSinceEdit: ["AGAIN"])
    #expect(sinceEdit.status == .approved, "a resolution holds for the data it was made on, even with reattach")
  }

  @Test(arguments: [
    (RuleFilter(enabled: false), #"{}"#, false),
    (RuleFilter(source: .manual), #"{"source": "manual"}"#, true),
    (RuleFilter(source: .manual), #"{"source": "integration"}"#, false),
    (RuleFilter(source: .integration), #"{}"#, true),
    (RuleFilter(source: .either), #"{"source": "manual"}"#, true),
    (RuleFilter(brands: ["ACME"]), #"{"brand": "ACME"}"#, true),
    (RuleFilter(brands: ["ACME"]), #"{"brand": "OTHER"}"#, false),
    (RuleFilter(brands: ["ACME"]), #"{}"#, false),
    (RuleFilter(flows: ["F"]), #"{}"#, true),
    (RuleFilter(flows: ["G"]), #"{}"#, false),
    (RuleFilter(source: .manual, brands: ["ACME"]), #"{"source": "manual", "brand": "OTHER"}"#, false),
  ])
  func filtersCombineWithAnd(filter: RuleFilter, data: String, fires: Bool) {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(
            1, "s",
            validations: [B.validation("R", when: "true", message: B.message("M", .informative), filter: filter)],
            pends: [B.pend("P", when: "true", reason: "R", filter: filter)])
        ], isDefault: true))
    let outcome = run(catalog, data)
    #expect(outcome.messages.count == (fires ? 1 : 0))
    #expect(outcome.pendReasons.count == (fires ? 1 : 0))
  }

  @Test func pendRuleWithMessageFilterFiresOnlyWhenOneOfTheMessagesIsAttached() {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(
            1, "s",
            validations: [B.validation("R", when: #"{"var": "flag"}"#, message: B.message("M_FLAG", .informative))],
            pends: [B.pend("P", reason: "REVIEW", requiredMessages: ["M_FLAG", "M_OTHER"])])
        ], isDefault: true))
    #expect(run(catalog, #"{"flag": false}"#).status == .approved)
    let pended = run(catalog, #"{"flag": true}"#)
    #expect(pended.status == .pended)
    #expect(pended.pendReasons.first?.trace.reads == [LogicTrace.Read(path: "has_message M_FLAG", value: true)])
  }

  @Test func hasMessageSeesMessagesOfEarlierSteps() {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(1, "a", validations: [B.validation("R1", when: "true", message: B.message("M1", .informative))]),
          B.step(2, "b", pends: [B.pend("P", when: #"{"has_message": "M1"}"#, reason: "SEEN")]),
        ], isDefault: true))
    #expect(run(catalog, "{}").pendReasons.map(\.code) == ["SEEN"])
  }

  /// A rule's derivations are all set or none: the second failing leaves the first unset, and
  /// the RULE_ERROR's trace reads the document as the rule found it. Each reads those before it.
  @Test func aRuleWhoseDerivationFailsDerivesNothing() {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(
            1, "only",
            validations: [
              B.validation(
                "R_FLAG", when: #"{"!": {"var": "derived.flag"}}"#, message: B.message("M"),
                derive: [
                  ("derived.flag", "true"), ("derived.copy", #"{"var": "derived.flag"}"#),
                  ("derived.boom", #"{"+": [{"var": "start"}, 1]}"#),
                ])
            ])
        ], isDefault: true))
    let failed = run(catalog, #"{"start": "2026-01-01"}"#)
    #expect(failed.messages.map(\.code) == ["RULE_ERROR"])
    #expect(failed.data[path: "derived"] == nil, "nothing derived: \(failed.data.serialized())")
    #expect(failed.messages.first?.trace.reads.first { $0.path == "derived.flag" }?.value == nil)
    let derived = run(catalog, #"{"start": 5}"#)
    #expect(derived.data[path: "derived.copy"] == true, "a derivation reads those before it")
    #expect(derived.data[path: "derived.boom"] == 6)
  }

  @Test func ruleErrorsBecomeAFatalMessageNamingTheRule() {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(
            1, "s",
            validations: [
              B.validation(
                "R_DATES", when: #"{"date_before": [{"var": "start"}, "2026-01-01"]}"#, message: B.message("M"))
            ])
        ],
        isDefault: true))
    let outcome = run(catalog, #"{"start": "not a date"}"#)
    #expect(outcome.status == .edit)
    let message = try! #require(outcome.messages.first)
    #expect(message.code == "RULE_ERROR")
    #expect(message.rule == "R_DATES")
    #expect(message.text.contains("R_DATES"))
    // What the rule read before it failed, for `explain`: the value that broke it.
    #expect(message.trace.reads.map(\.path) == ["start"])
    #expect(message.trace.reads.first?.value == "not a date")
  }

  /// The stricter comparisons of #19: a date string compared with a number fails loudly instead of
  /// answering false and letting the policy through, in a validation rule and a pend rule alike.
  @Test(arguments: [#"{">": [{"var": "start"}, 20250101]}"#, #"{"<": [20250101, {"var": "start"}, 20300101]}"#])
  func aDateComparedWithANumberIsARuleError(condition: String) {
    let catalog = B.catalog(
      B.flow(
        "F",
        [
          B.step(1, "s", validations: [B.validation("R_START", when: condition, message: B.message("M"))]),
          B.step(2, "t", pends: [B.pend("P_START", when: condition, reason: "LATE")]),
        ],
        isDefault: true))
    let outcome = run(catalog, #"{"start": "2026-03-01"}"#)
    #expect(outcome.status == .edit)
    #expect(outcome.messages.map(\.code) == ["RULE_ERROR"])
    #expect(outcome.messages.first?.rule == "R_START")
    #expect(outcome.messages.first?.text.contains("Rule R_START") == true)
    #expect(outcome.messages.first?.text.contains("is not a number") == true)
    #expect(outcome.messages.first?.trace.reads.map(\.path) == ["start"])
  }

  // MARK: Flow selection

  var flows: Catalog {
    let approve = [B.step(1, "s")]
    return B.catalog(
      B.flow("HEALTH", approve, lineOfBusiness: "health", isDefault: true),
      B.flow("HEALTH_FAST", approve, lineOfBusiness: "health"),
      B.flow("FALLBACK", approve, isDefault: true),
      B.flow("RETIRED", approve, active: false))
  }

  @Test(arguments: [
    (#"{"processFlow": "HEALTH_FAST", "lineOfBusiness": "health"}"#, "HEALTH_FAST"),
    (#"{"lineOfBusiness": "health"}"#, "HEALTH"),
    (#"{"lineOfBusiness": "motor"}"#, "FALLBACK"),
    (#"{}"#, "FALLBACK"),
  ])
  func flowIsExplicitElseLineOfBusinessDefaultElseCatalogDefault(data: String, flow: String) {
    let outcome = run(flows, data)
    #expect(outcome.flowCode == flow)
    #expect(outcome.status == .approved)
  }

  @Test(arguments: [
    (#"{"processFlow": "HEALHT"}"#, "FLOW_NOT_FOUND", "Did you mean 'HEALTH'?"),
    (#"{"processFlow": "RETIRED"}"#, "FLOW_INACTIVE", "inactive"),
  ])
  func missingOrInactiveFlowIsAFatalMessage(data: String, code: String, phrase: String) {
    let outcome = run(flows, data)
    #expect(outcome.status == .edit)
    #expect(outcome.stepsRun.isEmpty)
    #expect(outcome.messages.map(\.code) == [code])
    #expect(outcome.messages.first?.text.contains(phrase) == true)
  }

  @Test func noApplicableFlowIsAFatalMessage() {
    let catalog = B.catalog(B.flow("HEALTH", [B.step(1, "s")], lineOfBusiness: "health", isDefault: true))
    let outcome = run(catalog, #"{"lineOfBusiness": "motor"}"#)
    #expect(outcome.messages.map(\.code) == ["FLOW_NOT_CHOSEN"])
    #expect(outcome.flowCode == nil)
  }

  @Test func sameInputsGiveTheSameOutcome() {
    let data = #"{"country": "NL", "sum": 5000}"#
    #expect(run(standard, data) == run(standard, data))
  }
}
