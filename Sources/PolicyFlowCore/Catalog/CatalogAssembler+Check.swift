extension CatalogAssembler {
  /// The first definition of each code; every later one is reported as a duplicate at its code.
  mutating func firstByCode<Draft>(
    _ drafts: [Draft], kind: String, code: (Draft) -> Located<String>
  ) -> [String: Draft] {
    var first: [String: Draft] = [:]
    for draft in drafts {
      let located = code(draft)
      if let earlier = first[located.value] {
        error(
          located.site, "duplicate \(kind) code \(Excerpt.name(located.value)); first defined at \(code(earlier).site)")
      } else {
        first[located.value] = draft
      }
    }
    return first
  }

  /// Reports a reference to a code that is not defined, suggesting the closest defined code.
  mutating func checkReference(
    _ reference: Located<String>, kind: String, in known: some Collection<String>, context: String
  ) {
    guard !hasUnreadableFile, !known.contains(reference.value) else { return }
    var message = "unknown \(kind) \(Excerpt.name(reference.value)) in \(context)"
    if let close = Suggestion.closest(to: reference.value, among: known) {
      message += "; did you mean \(Excerpt.name(close))?"
    }
    error(reference.site, message)
  }

  /// Text placeholders `{n}` whose value the rule does not give ({3} is the first value).
  mutating func checkPlaceholders(of rule: ValidationRuleDraft, message: MessageDefinition, at site: DefinitionLocation)
  {
    guard let highest = Self.placeholders(in: message.text).max(), highest >= 3 + rule.values.count else { return }
    let given =
      switch rule.values.count {
      case 0: "no values"
      case 1: "only 1 value ({3})"
      default: "only \(rule.values.count) values ({3}…{\(2 + rule.values.count)})"
      }
    error(
      site,
      "message \(Excerpt.name(message.code)) uses placeholder {\(highest)} but rule \(Excerpt.name(rule.code.value)) gives \(given); "
        + "add a value for each placeholder from {3} in 'values'")
  }

  /// The placeholder numbers `{0}`…`{9}` used in a message text.
  static func placeholders(in text: String) -> [Int] {
    let characters = Array(text)
    var found: [Int] = []
    for index in characters.indices.dropLast(2)
    where characters[index] == "{" && characters[index + 2] == "}" {
      if let digit = characters[index + 1].wholeNumberValue, characters[index + 1].isASCII { found.append(digit) }
    }
    return found
  }

  /// Step and rule-step sequences must be unique; each step names existing rules, once.
  mutating func checkSteps(of flow: FlowDraft, ruleCodes: Set<String>) {
    var stepSequences: [Int: StepDraft] = [:]
    for step in flow.steps {
      let stepName = step.name.map { "step \(Excerpt.name($0))" } ?? "this step"
      if let sequence = step.sequence {
        if let earlier = stepSequences[sequence.value] {
          let earlierName = earlier.name.map { "step \(Excerpt.name($0))" } ?? "another step"
          error(
            sequence.site,
            "duplicate step sequence \(sequence.value) in flow \(Excerpt.name(flow.code.value)); \(earlierName) at "
              + "\(earlier.site.location) already uses it")
        } else {
          stepSequences[sequence.value] = step
        }
      }
      var ruleSequences: [Int: DefinitionLocation] = [:]
      var rulesSeen: [String: DefinitionLocation] = [:]
      for ruleStep in step.rules {
        if let sequence = ruleStep.sequence {
          if let earlier = ruleSequences[sequence.value] {
            error(
              sequence.site,
              "duplicate rule sequence \(sequence.value) in \(stepName); already used at \(earlier.location)")
          } else {
            ruleSequences[sequence.value] = sequence.site
          }
        }
        guard let rule = ruleStep.rule else { continue }
        checkReference(
          rule, kind: "rule", in: ruleCodes, context: "\(stepName) of flow \(Excerpt.name(flow.code.value))")
        if let earlier = rulesSeen[rule.value] {
          error(
            rule.site, "rule \(Excerpt.name(rule.value)) appears twice in \(stepName); first at \(earlier.location)")
        } else {
          rulesSeen[rule.value] = rule.site
        }
      }
    }
  }

  /// At most one default flow per line of business, and one catalog default (no line of business).
  mutating func checkDefaults(_ flows: [FlowDraft]) {
    var defaults: [String: FlowDraft] = [:]
    for flow in flows {
      guard let isDefault = flow.isDefault, isDefault.value else { continue }
      let key = flow.lineOfBusiness ?? ""
      guard let earlier = defaults[key] else {
        defaults[key] = flow
        continue
      }
      let earlierAt = earlier.isDefault?.site ?? earlier.code.site
      if let line = flow.lineOfBusiness {
        error(
          isDefault.site,
          "flow \(Excerpt.name(flow.code.value)) is a second default flow for line of business \(Excerpt.name(line)); flow "
            + "\(Excerpt.name(earlier.code.value)) (\(earlierAt)) is already its default")
      } else {
        error(
          isDefault.site,
          "flow \(Excerpt.name(flow.code.value)) is a second catalog default (a default flow without lineOfBusiness); flow "
            + "\(Excerpt.name(earlier.code.value)) (\(earlierAt)) is already the catalog default")
      }
    }
  }
}
