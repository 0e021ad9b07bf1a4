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

  /// Braces in a message text that look like a placeholder and are none, so the text shows them
  /// as written: a number of more than one digit (`{10}`, `{03}`; placeholders are `{0}`…`{9}`), a
  /// name (`{x}`, `{amount}`) and a `{` before a digit with no `}` after it are warned about.
  mutating func checkBraces(in text: String, of code: String, at site: DefinitionLocation) {
    let characters = Array(text)
    var index = 0
    while index < characters.count {
      defer { index += 1 }
      guard characters[index] == "{" else { continue }
      let rest = characters[(index + 1)...]
      guard let close = rest.firstIndex(where: { $0 == "}" || $0 == "{" }), characters[close] == "}" else {
        if let next = rest.first, next.isASCII, next.isNumber {
          warning(
            site,
            "message \(Excerpt.name(code)) has '{' before \(next) with no '}' after it: the text shows it as written; "
              + "write a placeholder as {\(next)}")
        }
        continue
      }
      let inside = String(characters[(index + 1)..<close])
      guard
        inside.count > 1 || (inside.count == 1 && !(inside.first?.isASCII == true && inside.first?.isNumber == true))
      else { continue }
      if !inside.isEmpty, inside.allSatisfy({ $0.isASCII && $0.isNumber }) {
        // A warning: the text may mean it (a pattern such as [0-9]{10}).
        warning(
          site,
          "message \(Excerpt.name(code)) has {\(inside)}, which is no placeholder: placeholders are {0} to {9}, one "
            + "digit each ({3} is the rule's first value)")
      } else if inside.count <= 40, inside.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }),
        inside.first?.isLetter == true
      {
        warning(
          site,
          "message \(Excerpt.name(code)) has {\(inside)}, which is no "
            + "placeholder and is shown as written: placeholders are numbered, {0} to {9} ({3} is the rule's first "
            + "value)")
      }
      index = close
    }
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

  /// Step names and sequences, and rule-step sequences, must be unique (pends, tests and
  /// `pends list --step` name a step by its name); each step names existing rules, once.
  mutating func checkSteps(of flow: FlowDraft, ruleCodes: Set<String>) {
    var stepSequences: [Int: StepDraft] = [:]
    var stepNames: [String: StepDraft] = [:]
    var flowRules: [String: (step: String, site: DefinitionLocation)] = [:]
    for step in flow.steps {
      // A step that repeats another's name or sequence is an error of its own; its rules are not
      // said to be in two steps as well.
      let repeatsAStep =
        step.name.map { stepNames[$0] != nil } == true || step.sequence.map { stepSequences[$0.value] != nil } == true
      let stepName = step.name.map { "step \(Excerpt.name($0))" } ?? "this step"
      if let name = step.name {
        if let earlier = stepNames[name] {
          laterCheck(
            step.site,
            "duplicate step name \(Excerpt.name(name)) in flow \(Excerpt.name(flow.code.value)); the step at "
              + "\(earlier.site.location) already has it (pends, tests and 'pends list --step' name a step by it)")
        } else {
          stepNames[name] = step
        }
      }
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
          if let other = flowRules[rule.value], !repeatsAStep {
            warning(
              rule.site,
              "rule \(Excerpt.name(rule.value)) is also in \(other.step) of flow \(Excerpt.name(flow.code.value)) (at "
                + "\(other.site.location)): it runs twice in a cycle (a validation rule attaches its message twice when it holds)"
            )
          } else {
            flowRules[rule.value] = (stepName, rule.site)
          }
        }
      }
    }
  }

  /// At most one default flow per line of business, and one catalog default (no line of business);
  /// a default that is not active is said (every policy it would take stops with FLOW_INACTIVE).
  mutating func checkDefaults(_ flows: [FlowDraft]) {
    var defaults: [String: FlowDraft] = [:]
    for flow in flows {
      guard let isDefault = flow.isDefault, isDefault.value else { continue }
      if flow.isActive == false {
        let taken =
          flow.lineOfBusiness.map { "every policy of line of business \(Excerpt.name($0)) without a processFlow" }
          ?? "every policy without a processFlow whose line of business has no default flow of its own"
        warning(
          isDefault.site,
          "flow \(Excerpt.name(flow.code.value)) is a default but not active: \(taken) stops with FLOW_INACTIVE; "
            + "set \"active\": true, or make an active flow the default")
      }
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

  /// Every role given its own limit in `authorityByRole` must be one of the step's roles.
  mutating func checkAuthorityRoles(of flow: FlowDraft) {
    for step in flow.steps {
      guard let roles = step.roles else { continue }
      for (role, _) in step.authorityByRole where !roles.contains(role.value) {
        var message =
          "authorityByRole names role '\(role.value)', which is not one of the step's roles (\(roles.joined(separator: ", ")))"
        if let close = Suggestion.closest(to: role.value, among: roles) { message += "; did you mean '\(close)'?" }
        error(role.site, message)
      }
    }
  }

  /// A pend reason with `reattach: false` that a rule attaches on what the policy data says is
  /// resolved once for good: an edit that changes the data does not bring it back. Steps with a
  /// limit of authority re-check such reasons anyway; elsewhere it is likely a mistake. A rule
  /// depends on the data when its condition reads it, or when it waits for a message that a
  /// validation rule attaches on what the data says.
  mutating func checkReattach(
    flows: [FlowDraft], pendRules: [String: PendRuleDraft], reasons: [String: ReasonDraft],
    groups: [String: GroupDraft]
  ) {
    let dataMessages = Set(
      validationRules.filter { $0.condition?.source.readsData == true }.compactMap { $0.message?.value })
    func dependsOnData(_ rule: PendRuleDraft) -> Bool {
      if rule.condition?.source.readsData == true { return true }
      let awaited =
        (rule.whenMessages ?? []).map(\.value)
        + (rule.whenMessageGroup.flatMap { groups[$0.value] }?.messages.map(\.value) ?? [])
      return !dataMessages.isDisjoint(with: awaited)
    }
    var warned = Set<String>()
    for flow in flows {
      for step in flow.steps where step.authority == nil && step.authorityByRole.isEmpty {
        for ruleStep in step.rules {
          guard let code = ruleStep.rule, let rule = pendRules[code.value], let reasonCode = rule.reason,
            let reason = reasons[reasonCode.value]?.definition, !reason.reattach, dependsOnData(rule),
            warned.insert(code.value).inserted
          else { continue }
          warning(
            code.site,
            "pend rule '\(code.value)' depends on the policy data (its condition, or the messages it waits for, "
              + "read it), but its pend reason '\(reason.code)' says \"reattach\": false: once resolved it never "
              + "fires again on this policy, even after an edit changes that data; set \"reattach\": true, or give "
              + "the step an authority limit")
        }
      }
    }
  }

  /// A step whose every role has a limit of authority (none given `true`, or left without one):
  /// a pend on a policy beyond all of them can be resolved by no one, nor declined, since a
  /// decline takes the rights to resolve (rule author trial: the policy stayed Pended for good).
  mutating func checkSomeRoleResolvesAnyAmount(of flow: FlowDraft) {
    for step in flow.steps {
      guard let roles = step.roles, !roles.isEmpty, step.rules.contains(where: { $0.rule != nil }) else { continue }
      let limits = roles.map { role in step.authorityByRole.first { $0.role.value == role }?.limit ?? step.authority }
      guard limits.allSatisfy({ $0 != nil && $0?.source != .bool(true) }) else { continue }
      warning(
        step.authorityByRole.first?.role.site ?? step.site,
        "every role of step '\(step.name ?? "")' (\(roles.joined(separator: ", "))) has a limit of authority: a pend "
          + "on a policy beyond all of them can be resolved by no one, nor declined; give one role no limit (true), as "
          + "a senior underwriter has")
    }
  }

  /// A step that gives some roles a limit in `authorityByRole` and no `authority` for the rest
  /// leaves the rest unlimited: likely an oversight when a role is added to the step.
  mutating func checkUnlimitedRoles(of flow: FlowDraft) {
    for step in flow.steps where step.authority == nil {
      guard let first = step.authorityByRole.first, let roles = step.roles else { continue }
      let limited = Set(step.authorityByRole.map(\.role.value))
      for role in roles where !limited.contains(role) {
        warning(
          first.role.site,
          "role '\(role)' of step '\(step.name ?? "")' has no limit of authority: authorityByRole names other roles "
            + "and the step gives no 'authority', so it may resolve any amount; give it a limit, or true to say "
            + "it has none")
      }
    }
  }
}

extension JSON {
  /// Whether this JsonLogic reads the data it is applied to (`var`, `val`, `missing`,
  /// `missing_some`, `exists`), anywhere within it.
  var readsData: Bool {
    var pending: [JSON] = [self]
    while let next = pending.popLast() {
      if let object = next.objectValue {
        for (name, value) in object {
          if ["var", "val", "missing", "missing_some", "exists"].contains(name) { return true }
          pending.append(value)
        }
      } else if let items = next.arrayValue {
        pending += items
      }
    }
    return false
  }
}
