/// One processing cycle: a pure function of (policy data, catalog, reference time) to an outcome.
///
/// No clock, no store, no global state: the same inputs always give the same outcome, which makes
/// a worker's retry safe and lets `explain` replay a past cycle.
///
/// For each step of the chosen flow, in sequence: validation rules run in rule-step order and
/// attach messages (applying their derived fields as they go, so later rules see them); then
/// pend rules run and attach pend reasons. At the end of a step a fatal message sends the policy
/// back to Edit (pend reasons of the cycle are dropped); otherwise any pend reason pends it. A
/// policy that passes every step is approved, and its premium is calculated when the flow
/// declares a calculation (from the data after derivations); a line that cannot be evaluated
/// attaches a fatal `CALCULATION_ERROR` naming the line, and the policy goes back to Edit.
public struct ProcessingCycle: Sendable {
  public let catalog: Catalog
  /// The catalog's flows as the cycle walks them, shared by every run.
  private let plan: CyclePlan

  public init(catalog: Catalog) {
    self.catalog = catalog
    plan = CyclePlan(catalog)
  }

  /// Runs the cycle.
  ///
  /// - Parameters:
  ///   - data: the policy document (engine fields and business data).
  ///   - time: the reference time (`today`, `age_at` and pend timestamps use it).
  ///   - resolvedReasons: pend reasons resolved before on this policy, in any version; their rules
  ///     do not fire again unless the reason says `reattach` or its step limits the resolvers'
  ///     authority (a resolution then holds only for the data it was given on).
  ///   - resolvedSinceEdit: pend reasons resolved since the policy's data last changed; they do
  ///     not fire again even with `reattach`, which brings a reason back once the policy is
  ///     edited (a resolution holds for the data it was made on).
  public func run(
    _ data: JSON, at time: Timestamp, resolvedReasons: Set<String> = [], resolvedSinceEdit: Set<String> = []
  ) -> CycleOutcome {
    var run = Run(
      plan: plan, data: data, time: time, resolvedReasons: resolvedReasons, resolvedSinceEdit: resolvedSinceEdit)
    return run.execute()
  }
}

/// The mutable state of one cycle while it runs.
private struct Run {
  let plan: CyclePlan
  var data: JSON
  let time: Timestamp
  let resolvedReasons: Set<String>
  let resolvedSinceEdit: Set<String>
  let facts: PolicyFacts
  var context: LogicContext
  var messages: [AttachedMessage] = []
  var pendReasons: [AttachedPendReason] = []
  var stepsRun: [String] = []

  init(plan: CyclePlan, data: JSON, time: Timestamp, resolvedReasons: Set<String>, resolvedSinceEdit: Set<String>) {
    self.plan = plan
    self.data = data
    self.time = time
    self.resolvedReasons = resolvedReasons
    self.resolvedSinceEdit = resolvedSinceEdit
    facts = PolicyFacts(data)
    context = LogicContext(now: time)
  }

  mutating func execute() -> CycleOutcome {
    guard let flow = selectFlow() else { return finish(.fatal, flowCode: facts.processFlow) }
    for step in flow.steps {
      stepsRun.append(step.name)
      let firstMessageOfStep = messages.count
      for rule in step.validationRules where facts.admitsSourceAndBrand(rule.filter) {
        apply(rule, in: step.reference)
      }
      for rule in step.pendRules where facts.admitsSourceAndBrand(rule.filter) {
        apply(rule, in: step.reference, holdsForDataOnly: step.holdsForDataOnly)
      }
      if messages[firstMessageOfStep...].contains(where: { $0.severity == .fatal }) {
        pendReasons.removeAll()
        return finish(.fatal, flowCode: flow.code)
      }
      if !pendReasons.isEmpty { return finish(.pends, flowCode: flow.code) }
    }
    return approve(flow)
  }

  private func finish(
    _ disposition: ProcessingOutcome, flowCode: String?, calculation: CalculationResult? = nil
  ) -> CycleOutcome {
    CycleOutcome(
      disposition: disposition, flowCode: flowCode, catalogHash: plan.catalogHash, at: time,
      messages: messages, pendReasons: pendReasons, stepsRun: stepsRun, data: data, calculation: calculation)
  }

  /// Every step passed: calculate the premium. A calculation error is not transient (the same
  /// data would fail the same way), so it sends the policy back to Edit like a rule error.
  private mutating func approve(_ plan: FlowPlan) -> CycleOutcome {
    let flow = plan.flow
    do {
      let calculation = try PremiumCalculator.computePremium(for: data, flow: flow, at: time)
      return finish(.clean, flowCode: flow.code, calculation: calculation)
    } catch {
      messages.append(
        AttachedMessage(
          code: "CALCULATION_ERROR", severity: .fatal,
          text: "The premium of flow \(flow.code) could not be calculated: \(error.message)",
          rule: error.line.map { "(calculation \($0.code))" } ?? "(calculation)", step: nil, condition: error.source,
          trace: error.trace))
      return finish(.fatal, flowCode: flow.code)
    }
  }

  /// The flow to run, or nil after attaching a fatal message that says why there is none.
  private mutating func selectFlow() -> FlowPlan? {
    guard let code = plan.flowCode(explicit: facts.processFlow, lineOfBusiness: facts.lineOfBusiness) else {
      attachEngineProblem(
        code: "FLOW_NOT_CHOSEN",
        text:
          "No process flow applies: the policy names no processFlow, and there is no default flow for line of business "
          + "'\(facts.lineOfBusiness ?? "(none)")' and no catalog default.")
      return nil
    }
    guard let flow = plan.flows[code] else {
      let known = plan.knownFlowCodes
      attachEngineProblem(
        code: "FLOW_NOT_FOUND",
        text: "The process flow '\(code)' does not exist in the catalog.\(Suggestion.didYouMean(code, among: known)) "
          + "Known flows: \(known.joined(separator: ", ")).")
      return nil
    }
    guard flow.isActive else {
      attachEngineProblem(
        code: "FLOW_INACTIVE", text: "The process flow '\(code)' is inactive; policies cannot be processed through it.")
      return nil
    }
    return flow
  }

  private mutating func attachEngineProblem(code: String, text: String) {
    messages.append(
      AttachedMessage(
        code: code, severity: .fatal, text: text, rule: "(flow)", step: nil, condition: nil, trace: LogicTrace()))
  }

  /// Runs a validation rule. An evaluation error becomes a fatal message naming the rule: rule
  /// errors are not transient, retrying would fail the same way.
  private mutating func apply(_ rule: ValidationRule, in step: StepReference) {
    do throws(LogicError) {
      guard try rule.condition.isTrue(for: data, in: context) else { return }
      // Replay with a trace only for rules that fire: the common case stays cheap.
      var trace = LogicTrace()
      _ = try rule.condition.evaluate(data, in: context, trace: &trace)
      var placeholders = [rule.code, rule.description, rule.level]
      for value in rule.values {
        placeholders.append(MessageText.display(try value.evaluate(data, in: context)))
      }
      // A rule's derivations are all set or none: one that fails leaves the document as the rule
      // found it. Each reads those before it, so several are set on a copy first; one alone is
      // set in place (a copy would cost every cycle that derives a field).
      if rule.derivations.count == 1, let derivation = rule.derivations.first {
        try Self.derive(derivation, into: &data, in: context)
      } else if !rule.derivations.isEmpty {
        var derived = data
        for derivation in rule.derivations { try Self.derive(derivation, into: &derived, in: context) }
        data = derived
      }
      let message = rule.message
      messages.append(
        AttachedMessage(
          code: message.code, severity: message.severity, text: MessageText.fill(message.text, with: placeholders),
          rule: rule.code, step: step, condition: rule.condition.source, trace: trace))
      context.messageCodes.insert(message.code)
    } catch {
      // What the rule read up to the failure, for `explain` (a rule error is rare: evaluating
      // again, with a trace, costs nothing that matters).
      var trace = LogicTrace()
      do throws(LogicError) {
        if try rule.condition.evaluate(data, in: context, trace: &trace).isTruthy {
          for value in rule.values + rule.derivations.map(\.value) {
            _ = try value.evaluate(data, in: context, trace: &trace)
          }
        }
      } catch {}
      attachRuleError(
        error, rule: rule.code, description: rule.description, step: step, condition: rule.condition, trace: trace)
    }
  }

  /// Sets the field `derivation` derives in `data`, from `data`.
  private static func derive(_ derivation: Derivation, into data: inout JSON, in context: LogicContext)
    throws(LogicError)
  {
    let value = try derivation.value.evaluate(data, in: context)
    // A derive into an engine field keeps only what an import would accept (a stored catalog may
    // predate the check that refuses the field outright).
    if derivation.writesEngineField,
      let problem = EngineFieldCheck.problem(deriving: derivation.path, value, into: data)
    {
      throw LogicError.invalidArguments(
        "its derived field '\(derivation.path)' would be \(Excerpt.json(value)), which the engine refuses "
          + "(\(problem)); nothing was derived")
    }
    data.set(derivation.target[...], to: value)
  }

  private mutating func attachRuleError(
    _ error: LogicError, rule: String, description: String, step: StepReference, condition: LogicExpression?,
    trace: LogicTrace = LogicTrace()
  ) {
    messages.append(
      AttachedMessage(
        code: "RULE_ERROR", severity: .fatal,
        text: "Rule \(rule) (\(description)) could not be evaluated: \(error.message)",
        rule: rule, step: step, condition: condition?.source, trace: trace))
  }

  private mutating func apply(_ rule: PendRule, in step: StepReference, holdsForDataOnly: Bool) {
    let reason = rule.reason
    if resolvedSinceEdit.contains(reason.code) { return }
    // A resolution within a limit of authority holds for the data it was given on, whatever the
    // reason's `reattach` says: a changed sum must be looked at again.
    if resolvedReasons.contains(reason.code), !reason.reattach, !holdsForDataOnly { return }
    if pendReasons.contains(where: { $0.code == reason.code }) { return }
    if let required = rule.requiredMessages, required.isDisjoint(with: context.messageCodes) { return }
    var trace = LogicTrace()
    if let condition = rule.condition {
      do {
        guard try condition.isTrue(for: data, in: context) else { return }
        _ = try condition.evaluate(data, in: context, trace: &trace)
      } catch {
        // The reads up to the failure, for `explain`.
        var failed = LogicTrace()
        _ = try? condition.evaluate(data, in: context, trace: &failed)
        attachRuleError(
          error, rule: rule.code, description: rule.description, step: step, condition: condition, trace: failed)
        return
      }
    }
    if let required = rule.requiredMessages {
      for code in required.sorted() where context.messageCodes.contains(code) {
        trace.reads.append(LogicTrace.Read(path: "has_message \(code)", value: true))
      }
    }
    pendReasons.append(
      AttachedPendReason(
        code: reason.code, description: reason.description, rule: rule.code, step: step,
        condition: rule.condition?.source, trace: trace))
  }
}
