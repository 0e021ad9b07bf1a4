import PolicyFlowCore

/// `policyflow flows draw`: a flow's steps and rules as an outline or a Mermaid chart.
enum FlowsDraw {
  static let command = Command(
    name: "draw",
    abstract: "Draw process flows: their steps, rules, messages and pend reasons.",
    discussion: """
      The text outline is for reading in a terminal; --format mermaid prints a flowchart that renders in \
      Markdown viewers (GitHub, GitLab, most wikis).
      """,
    arguments: [Positional(name: "flow", help: "The flow code; all flows when omitted.", isOptional: true)],
    options: [
      CommonOptions.catalog,
      .value("--format", "format", "text or mermaid.", default: "text"),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let format = invocation.value("--format") ?? "text"
    guard format == "text" || format == "mermaid" else {
      throw UsageError(
        message: "Invalid value \(Excerpt.name(format)) for '--format <format>': expected text or mermaid.",
        commandPath: invocation.commandPath)
    }
    let catalog = try CatalogCommand.load(CommonOptions.catalogDirectory(invocation))
    let flows: [ProcessFlow]
    if let code = invocation.positionals.first {
      guard let flow = catalog.flows[code] else {
        let known = catalog.flows.keys.sorted()
        throw CommandFailure(
          message: "No flow '\(code)' in the catalog.\(Suggestion.didYouMean(code, among: known)) "
            + "Known flows: \(known.joined(separator: ", ")).")
      }
      flows = [flow]
    } else {
      flows = catalog.flows.keys.sorted().compactMap { catalog.flows[$0] }
    }
    let drawings = flows.map { format == "mermaid" ? mermaid($0) : outline($0) }
    Terminal.out(drawings.joined(separator: "\n"))
    return 0
  }

  static func outline(_ flow: ProcessFlow) -> String {
    var traits = [flow.isActive ? "active" : "INACTIVE"]
    if flow.isDefault { traits.append(flow.lineOfBusiness.map { "default for \($0)" } ?? "catalog default") }
    var lines = ["\(flow.code): \(flow.description) (\(traits.joined(separator: ", ")))"]
    for step in flow.steps {
      lines.append("  \(step.sequence) \(step.name) \"\(step.displayName)\" (\(controls(step.resolvers)))")
      for rule in step.validationRules {
        let message = "\(rule.message.code) (\(rule.message.severity.rawValue))"
        lines.append("    check \(rule.code): \(rule.description) → \(message)\(filters(rule.filter))")
      }
      for rule in step.pendRules {
        lines.append("    pend  \(rule.code): \(rule.description) → \(rule.reason.code)\(filters(rule.filter))")
      }
    }
    return lines.joined(separator: "\n")
  }

  /// Who may resolve the step's pends: the roles, each role's limit of authority (its JsonLogic
  /// condition over the policy data), and maker-checker.
  static func controls(_ resolvers: PendResolvers) -> String {
    guard !resolvers.roles.isEmpty else { return "pends resolved by: nobody" }
    let roles = resolvers.roles.map { role in
      guard let limit = resolvers.authority(of: role), limit.source != .bool(true) else { return role }
      return "\(role) within \(limit.source.serialized())"
    }
    var text = "pends resolved by: \(roles.joined(separator: ", "))"
    if resolvers.makerChecker { text += "; maker-checker: not by who made or submitted the version" }
    return text
  }

  private static func filters(_ filter: RuleFilter) -> String {
    var parts: [String] = []
    if !filter.enabled { parts.append("disabled") }
    if filter.source != .either { parts.append("source \(filter.source.rawValue)") }
    if let brands = filter.brands { parts.append("brands \(brands.sorted().joined(separator: ","))") }
    if let flows = filter.flows { parts.append("flows \(flows.sorted().joined(separator: ","))") }
    return parts.isEmpty ? "" : " [\(parts.joined(separator: "; "))]"
  }

  static func mermaid(_ flow: ProcessFlow) -> String {
    var lines = ["flowchart TD", "  start([\(flow.code) submitted])"]
    var previous = "start"
    for (index, step) in flow.steps.enumerated() {
      let id = "s\(index)"
      let rules = step.validationRules.map(\.code) + step.pendRules.map(\.code)
      lines.append("  \(id)[\"\(step.sequence) \(step.displayName)<br/>\(rules.joined(separator: ", "))\"]")
      lines.append("  \(previous) --> \(id)")
      lines.append("  \(id) -- fatal message --> edit([Edit])")
      if !step.pendRules.isEmpty { lines.append("  \(id) -- pend reason --> pended([Pended])") }
      previous = id
    }
    lines.append("  \(previous) -- clean --> approved([Approved])")
    return lines.joined(separator: "\n")
  }
}
