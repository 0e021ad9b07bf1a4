extension CatalogAssembler {
  /// Reads the messages, groups, reasons and rules of one `rules/*.json` file.
  mutating func collectRules(_ source: SourceDocument) {
    guard let file = ObjectReader(source, source.document.root, at: "") else { return }
    for item in file.objects("messages") {
      guard let code = item.located("code") else { continue }
      var definition: MessageDefinition?
      if let severity = item.string("severity").flatMap(MessageDefinition.Severity.init(rawValue:)),
        let text = item.string("text")
      {
        definition = MessageDefinition(code: code.value, severity: severity, text: text)
        checkBraces(in: text, of: code.value, at: item.site("text"))
      }
      messages.append(MessageDraft(code: code, definition: definition))
    }
    for item in file.objects("messageGroups") {
      guard let code = item.located("code") else { continue }
      groups.append(
        GroupDraft(code: code, description: item.string("description"), messages: item.strings("messages") ?? []))
    }
    for item in file.objects("pendReasons") {
      guard let code = item.located("code") else { continue }
      var definition: PendReason?
      if let description = item.string("description"), let reattach = item.bool("reattach") {
        definition = PendReason(code: code.value, description: description, reattach: reattach)
      }
      reasons.append(ReasonDraft(code: code, definition: definition))
    }
    for item in file.objects("validationRules") {
      let condition = compile(item, "condition")
      let values = (item.object["values"]?.arrayValue ?? []).enumerated().map { index, value in
        compile(value, in: source, at: "\(item.pointer("values"))/\(index)")
      }
      let derivations = item.objects("derive").map { derivation in
        (path: derivation.string("field"), value: compile(derivation, "value"))
      }
      guard let code = item.located("code") else { continue }
      var derivedFields: [String: DefinitionLocation] = [:]
      for derivation in item.objects("derive") {
        guard let field = derivation.located("field") else { continue }
        if let earlier = derivedFields[field.value] {
          laterCheck(
            field.site,
            "validation rule \(Excerpt.name(code.value)) derives \(Excerpt.name(field.value)) twice (first at "
              + "\(earlier.location)): the later value silently replaces the earlier; derive each field once")
        } else {
          derivedFields[field.value] = field.site
        }
        guard let owner = EngineFieldCheck.engineField(of: field.value),
          EngineFieldCheck.underivableFields.contains(owner)
        else { continue }
        let what = owner == field.value ? "" : ", which writes into '\(owner)'"
        laterCheck(
          field.site,
          "validation rule \(Excerpt.name(code.value)) derives \(Excerpt.name(field.value))\(what), a field the "
            + "engine relies on (identity, access or lifecycle); a rule may set business data, such as "
            + "'derived.ageAtStart', or a date, currency or sum an import would accept")
      }
      validationRules.append(
        ValidationRuleDraft(
          code: code, description: item.string("description"), level: item.string("level"), filter: filter(item),
          condition: condition, message: item.located("message"), values: values, derivations: derivations))
    }
    for item in file.objects("pendRules") {
      let condition = compile(item, "condition")
      guard let code = item.located("code") else { continue }
      pendRules.append(
        PendRuleDraft(
          code: code, description: item.string("description"), filter: filter(item),
          whenMessages: item.strings("whenMessages"), whenMessageGroup: item.located("whenMessageGroup"),
          hasCondition: item.object["condition"] != nil, condition: condition, reason: item.located("pendReason")))
      if item.object["whenMessages"] != nil && item.object["whenMessageGroup"] != nil {
        error(
          item.keySite("whenMessageGroup"),
          "pend rule \(Excerpt.name(code.value)) gives both 'whenMessages' and 'whenMessageGroup'; give one of them")
      }
    }
  }

  private func filter(_ item: ObjectReader) -> FilterDraft {
    FilterDraft(
      enabled: item.bool("enabled") ?? true,
      source: item.string("source").flatMap(SourceFilter.init(rawValue:)) ?? .either,
      brands: item.strings("brands").map { Set($0.map(\.value)) },
      flows: item.strings("flows"))
  }

  /// Reads the flow of one `flows/*.json` file.
  mutating func collectFlow(_ source: SourceDocument) {
    guard let file = ObjectReader(source, source.document.root, at: "") else { return }
    var steps: [StepDraft] = []
    for step in file.objects("steps") {
      let resolvers = step.child("resolvers")
      let authority = resolvers.flatMap { compile($0, "authority") }
      var authorityByRole: [(role: Located<String>, limit: LogicExpression)] = []
      if let byRole = resolvers?.child("authorityByRole") {
        for role in byRole.object.names {
          if let limit = compile(byRole, role) {
            authorityByRole.append((Located(value: role, site: byRole.keySite(role)), limit))
          }
        }
      }
      let rules = step.objects("rules").map { ruleStep in
        RuleStepDraft(
          sequence: ruleStep.int("sequence").map { Located(value: $0, site: ruleStep.site("sequence")) },
          rule: ruleStep.located("rule"))
      }
      steps.append(
        StepDraft(
          site: step.site, sequence: step.int("sequence").map { Located(value: $0, site: step.site("sequence")) },
          name: step.string("name"), displayName: step.string("displayName"),
          roles: resolvers?.strings("roles")?.map(\.value), authority: authority, authorityByRole: authorityByRole,
          makerChecker: resolvers?.bool("makerChecker") ?? false, rules: rules))
    }
    // Read before the code check so a flow without a code still gets its calculation checked.
    let calculation = file.child("calculation").map {
      collectCalculation($0, flow: file.string("code") ?? "(no code)")
    }
    guard let code = file.located("code") else { return }
    flows.append(
      FlowDraft(
        code: code, description: file.string("description"), lineOfBusiness: file.string("lineOfBusiness"),
        isDefault: file.bool("default").map { Located(value: $0, site: file.site("default")) },
        isActive: file.bool("active"), steps: steps, calculation: calculation))
  }
}
