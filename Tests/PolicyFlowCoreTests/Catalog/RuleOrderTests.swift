import Testing

@testable import PolicyFlowCore

/// Mistakes of a flow's order and of a rule's derives that load but defeat a rule: a pend rule
/// waiting for a message only a later step attaches, a rule in two steps, a field derived twice.
struct RuleOrderTests {
  static let rules = """
    {
      "messages": [{ "code": "MSG_SMOKER", "severity": "informative", "text": "Smoker." }],
      "pendReasons": [{ "code": "REVIEW", "description": "Review.", "reattach": true }],
      "validationRules": [
        { "code": "SMOKER", "description": "Smoker.", "level": "policy", "condition": { "var": "smoker" },
          "message": "MSG_SMOKER", "derive": [{ "field": "derived.risk", "value": 1 }] }
      ],
      "pendRules": [
        { "code": "REVIEW_SMOKER", "description": "Review smokers.", "whenMessages": ["MSG_SMOKER"],
          "pendReason": "REVIEW" }
      ]
    }
    """

  static func flow(first: String, second: String) -> String {
    """
    {
      "code": "MAIN", "description": "Main.", "default": true, "active": true,
      "steps": [
        { "sequence": 10, "name": "first", "displayName": "First", "resolvers": { "roles": ["administrator"] },
          "rules": [\(first)] },
        { "sequence": 20, "name": "second", "displayName": "Second", "resolvers": { "roles": ["administrator"] },
          "rules": [\(second)] }
      ]
    }
    """
  }

  static func load(flow: String, rules: String = rules) -> CatalogLoadResult {
    CatalogLoader.load(files: [
      CatalogFile(path: "flows/main.json", contents: flow), CatalogFile(path: "rules/rules.json", contents: rules),
    ])
  }

  @Test func aPendRuleWaitingForAMessageOnlyALaterStepAttachesIsWarned() throws {
    let early = Self.load(
      flow: Self.flow(
        first: #"{ "sequence": 10, "rule": "REVIEW_SMOKER" }"#, second: #"{ "sequence": 10, "rule": "SMOKER" }"#))
    #expect(early.catalog != nil, "a warning")
    #expect(
      early.findings.warnings.map(\.description) == [
        "rules/rules.json:9:15: warning: pend rule REVIEW_SMOKER in flow MAIN, step 'first' waits for a message, but "
          + "only the rules of step 'second', which runs after it, attach MSG_SMOKER: it can never fire there; move it "
          + "to a later step or the rules that attach the message to an earlier one"
      ])
    let inOrder = Self.load(
      flow: Self.flow(
        first: #"{ "sequence": 10, "rule": "SMOKER" }"#, second: #"{ "sequence": 10, "rule": "REVIEW_SMOKER" }"#))
    #expect(inOrder.findings.isEmpty, "\(inOrder.findings)")
  }

  @Test func aRuleInTwoStepsOfAFlowIsWarned() throws {
    let twice = Self.load(
      flow: Self.flow(
        first: #"{ "sequence": 10, "rule": "SMOKER" }"#,
        second: #"{ "sequence": 10, "rule": "SMOKER" }, { "sequence": 20, "rule": "REVIEW_SMOKER" }"#))
    #expect(twice.catalog != nil)
    #expect(
      twice.findings.warnings.map(\.message) == [
        "rule 'SMOKER' is also in step 'first' of flow 'MAIN' (at 5:43): it runs twice in a cycle (a validation rule "
          + "attaches its message twice when it holds)"
      ])
  }

  @Test func aFieldDerivedTwiceByOneRuleIsRefused() throws {
    let rules = Self.rules.replacingOccurrences(
      of: #""derive": [{ "field": "derived.risk", "value": 1 }]"#,
      with: #""derive": [{ "field": "derived.risk", "value": 1 }, { "field": "derived.risk", "value": 2 }]"#)
    let result = Self.load(
      flow: Self.flow(
        first: #"{ "sequence": 10, "rule": "SMOKER" }"#, second: #"{ "sequence": 10, "rule": "REVIEW_SMOKER" }"#),
      rules: rules)
    #expect(result.catalog == nil)
    #expect(
      result.findings.errors.map(\.message) == [
        "validation rule 'SMOKER' derives 'derived.risk' twice (first at 6:54): the later value silently replaces the "
          + "earlier; derive each field once"
      ])
  }

  /// A pend rule waiting for a fatal message can never pend (the cycle ends at that step, its
  /// pend reasons dropped); a disabled rule attaches nothing, and is not checked itself.
  @Test func fatalMessagesAndDisabledRulesAttachNothingAPendRuleCanWaitFor() throws {
    let fatal = Self.rules.replacingOccurrences(of: #""severity": "informative""#, with: #""severity": "fatal""#)
    let ordered = Self.flow(
      first: #"{ "sequence": 10, "rule": "SMOKER" }"#, second: #"{ "sequence": 10, "rule": "REVIEW_SMOKER" }"#)
    #expect(
      Self.load(flow: ordered, rules: fatal).findings.warnings.map(\.message) == [
        "pend rule REVIEW_SMOKER in flow MAIN, step 'second' waits for a message, but no rule of the flow attaches "
          + "MSG_SMOKER as an informative message (a fatal one ends the cycle): it can never fire there; move it to "
          + "a later step or the rules that attach the message to an earlier one"
      ])
    let disabled = Self.rules.replacingOccurrences(
      of: #""code": "REVIEW_SMOKER","#, with: #""code": "REVIEW_SMOKER", "enabled": false,"#)
    let early = Self.flow(
      first: #"{ "sequence": 10, "rule": "REVIEW_SMOKER" }"#, second: #"{ "sequence": 10, "rule": "SMOKER" }"#)
    #expect(Self.load(flow: early, rules: disabled).findings.warnings.isEmpty, "a disabled rule never runs")
  }
}
