extension CatalogAssembler {
  /// Checks the collected definitions as a whole and builds the catalog; nil when any error was
  /// found (in this pass or while collecting).
  mutating func assemble(hash: String, files: [CatalogFile]) -> Catalog? {
    let messageDrafts = firstByCode(messages, kind: "message") { $0.code }
    let groupDrafts = firstByCode(groups, kind: "message group") { $0.code }
    let reasonDrafts = firstByCode(reasons, kind: "pend reason") { $0.code }
    let flowDrafts = firstByCode(flows, kind: "flow") { $0.code }
    let ruleCodes = firstByCode(
      (validationRules.map(\.code) + pendRules.map(\.code)).sorted {
        ($0.site.file, $0.site.location) < ($1.site.file, $1.site.location)
      },
      kind: "rule"
    ) { $0 }
    let validationDrafts = Dictionary(validationRules.map { ($0.code.value, $0) }) { first, _ in first }
    let pendDrafts = Dictionary(pendRules.map { ($0.code.value, $0) }) { first, _ in first }

    var usedMessages = Set<String>()
    var usedGroups = Set<String>()
    var usedReasons = Set<String>()
    var usedRules = Set<String>()

    for group in groups {
      for message in group.messages {
        checkReference(
          message, kind: "message", in: messageDrafts.keys, context: "message group \(Excerpt.name(group.code.value))")
      }
    }
    for rule in validationRules {
      checkFlowFilter(rule.filter, rule: rule.code.value, flows: flowDrafts.keys)
      guard let message = rule.message else { continue }
      usedMessages.insert(message.value)
      checkReference(message, kind: "message", in: messageDrafts.keys, context: "rule \(Excerpt.name(rule.code.value))")
      if let definition = messageDrafts[message.value]?.definition {
        checkPlaceholders(of: rule, message: definition, at: message.site)
      }
    }
    for rule in pendRules {
      let context = "pend rule \(Excerpt.name(rule.code.value))"
      checkFlowFilter(rule.filter, rule: rule.code.value, flows: flowDrafts.keys)
      for message in rule.whenMessages ?? [] {
        checkReference(message, kind: "message", in: messageDrafts.keys, context: context)
      }
      if let group = rule.whenMessageGroup {
        usedGroups.insert(group.value)
        checkReference(group, kind: "message group", in: groupDrafts.keys, context: context)
      }
      if let reason = rule.reason {
        usedReasons.insert(reason.value)
        checkReference(reason, kind: "pend reason", in: reasonDrafts.keys, context: context)
      }
    }
    // A code no message has can never be on a policy: the condition could never see it.
    for read in messageReads where !hasUnreadableFile && messageDrafts[read.value] == nil {
      let suggestion = Suggestion.closest(to: read.value, among: messageDrafts.keys).map {
        "did you mean \(Excerpt.name($0))? "
      }
      laterCheck(
        read.site,
        "unknown message \(Excerpt.name(read.value)) in 'has_message': no rule can attach it, so the test is always "
          + "false; \(suggestion ?? "")name a message of the catalog")
    }
    for flow in flows {
      checkSteps(of: flow, ruleCodes: Set(ruleCodes.keys))
      checkAuthorityRoles(of: flow)
      checkUnlimitedRoles(of: flow)
      checkSomeRoleResolvesAnyAmount(of: flow)
      for step in flow.steps { usedRules.formUnion(step.rules.compactMap(\.rule?.value)) }
    }
    // A flow whose code is a duplicate is already reported; it does not compete as a default.
    checkDefaults(flows.filter { flowDrafts[$0.code.value]?.code.site == $0.code.site })

    if hasUnreadableFile { return nil }
    for message in messages where !usedMessages.contains(message.code.value) {
      warning(message.code.site, "message \(Excerpt.name(message.code.value)) is not used by any validation rule")
    }
    for group in groups where !usedGroups.contains(group.code.value) {
      warning(group.code.site, "message group \(Excerpt.name(group.code.value)) is not used by any pend rule")
    }
    for reason in reasons where !usedReasons.contains(reason.code.value) {
      warning(reason.code.site, "pend reason \(Excerpt.name(reason.code.value)) is not used by any pend rule")
    }
    for code in validationRules.map(\.code) + pendRules.map(\.code) where !usedRules.contains(code.value) {
      warning(code.site, "rule \(Excerpt.name(code.value)) is not used by any step of any flow")
    }

    checkReattach(flows: flows, pendRules: pendDrafts, reasons: reasonDrafts, groups: groupDrafts)

    guard findings.errors.isEmpty else { return nil }
    return build(
      hash: hash, files: files, messages: messageDrafts, groups: groupDrafts, reasons: reasonDrafts,
      validationRules: validationDrafts, pendRules: pendDrafts, flows: flowDrafts)
  }

  private mutating func checkFlowFilter(_ filter: FilterDraft, rule: String, flows: some Collection<String>) {
    for flow in filter.flows ?? [] {
      checkReference(flow, kind: "flow", in: flows, context: "the flows filter of rule \(Excerpt.name(rule))")
    }
  }

  /// Builds the model once every check has passed, so every lookup below succeeds.
  private func build(
    hash: String, files: [CatalogFile], messages: [String: MessageDraft], groups: [String: GroupDraft],
    reasons: [String: ReasonDraft], validationRules: [String: ValidationRuleDraft],
    pendRules: [String: PendRuleDraft], flows: [String: FlowDraft]
  ) -> Catalog? {
    let messageDefinitions = messages.compactMapValues(\.definition)
    let groupDefinitions = groups.compactMapValues { draft in
      draft.description.map {
        MessageGroup(code: draft.code.value, description: $0, messages: Set(draft.messages.map(\.value)))
      }
    }
    let reasonDefinitions = reasons.compactMapValues(\.definition)
    let validation = validationRules.compactMapValues { draft -> ValidationRule? in
      guard let description = draft.description, let level = draft.level, let condition = draft.condition,
        let message = draft.message.flatMap({ messageDefinitions[$0.value] })
      else { return nil }
      return ValidationRule(
        code: draft.code.value, description: description, level: level, filter: draft.filter.filter,
        condition: condition, message: message, values: draft.values.compactMap { $0 },
        derivations: draft.derivations.compactMap { derivation in
          guard let path = derivation.path, let value = derivation.value else { return nil }
          return Derivation(path: path, value: value)
        }, definedAt: draft.code.site)
    }
    let pend = pendRules.compactMapValues { draft -> PendRule? in
      guard let description = draft.description, let reason = draft.reason.flatMap({ reasonDefinitions[$0.value] })
      else { return nil }
      let required =
        draft.whenMessages.map { Set($0.map(\.value)) }
        ?? draft.whenMessageGroup.flatMap { groupDefinitions[$0.value]?.messages }
      return PendRule(
        code: draft.code.value, description: description, filter: draft.filter.filter, requiredMessages: required,
        condition: draft.condition, reason: reason, definedAt: draft.code.site)
    }
    let processFlows = flows.compactMapValues { draft -> ProcessFlow? in
      guard let description = draft.description, let isDefault = draft.isDefault?.value,
        let isActive = draft.isActive
      else { return nil }
      let steps = draft.steps.compactMap { step -> ProcessStep? in
        guard let sequence = step.sequence?.value, let name = step.name, let displayName = step.displayName,
          let roles = step.roles
        else { return nil }
        let ordered = step.rules.sorted { ($0.sequence?.value ?? 0) < ($1.sequence?.value ?? 0) }
        var built = ProcessStep(
          sequence: sequence, name: name, displayName: displayName,
          resolvers: PendResolvers(
            roles: roles, authority: step.authority,
            authorityByRole: Dictionary(step.authorityByRole.map { ($0.role.value, $0.limit) }) { first, _ in first },
            makerChecker: step.makerChecker),
          validationRules: ordered.compactMap { $0.rule.flatMap { validation[$0.value] } },
          pendRules: ordered.compactMap { $0.rule.flatMap { pend[$0.value] } })
        built.definedAt = step.site
        return built
      }
      var flow = ProcessFlow(
        code: draft.code.value, description: description, isDefault: isDefault, isActive: isActive,
        lineOfBusiness: draft.lineOfBusiness, steps: steps.sorted { $0.sequence < $1.sequence })
      flow.definedAt = draft.code.site
      flow.calculation = draft.calculation?.definition
      return flow
    }
    return Catalog(
      hash: hash, files: files, flows: processFlows, validationRules: validation, pendRules: pend,
      messages: messageDefinitions, messageGroups: groupDefinitions, pendReasons: reasonDefinitions)
  }
}
