extension CycleOutcome {
  /// The outcome as scripts read it: `status`, `flow`, `catalogHash`, `at`, `stepsRun`,
  /// `messages`, `pendReasons` and `calculation` (the premium result when approved, else null),
  /// each message and pend reason with its rule, step, its condition and the values it read.
  public var json: JSON { json(conditionsOfCatalogRules: true) }

  /// The outcome as a store records it: ``json`` without the `condition` of a message or pend
  /// reason attached by a catalog rule. That condition is the rule's own, which the catalog
  /// snapshot named by `catalogHash` holds; copying it into every outcome was most of a stored
  /// outcome's size. Engine messages (rules named in parentheses, such as `(calculation TAX)`)
  /// keep theirs. ``restoringConditions(in:from:)`` gives the omitted ones back.
  public var storedJSON: JSON { json(conditionsOfCatalogRules: false) }

  /// A stored outcome (``storedJSON``) with the conditions it left out put back from `catalog`,
  /// the snapshot its `catalogHash` names, each in its place before `reads`: what ``json`` gave
  /// when it was computed. Items that carry a condition (outcomes stored before conditions were
  /// left out) keep it; without the catalog a missing condition reads as null.
  public static func restoringConditions(in stored: JSON, from catalog: Catalog?) -> JSON {
    var outcome = stored
    for key in [Key.messages, Key.pendReasons] {
      guard case .array(let items)? = stored.objectValue?[key] else { continue }
      let restored = items.map { item -> JSON in
        guard let members = item.objectValue, members[Key.condition] == nil else { return item }
        let rule = members[Key.rule]?.stringValue ?? ""
        let condition =
          catalog.flatMap { $0.validationRules[rule]?.condition.source ?? $0.pendRules[rule]?.condition?.source }
          ?? .null
        var object = JSONObject(minimumCapacity: members.count + 1)
        for index in 0..<members.count {
          if members.key(at: index) == Key.reads { object.set(Key.condition, condition) }
          object.set(members.key(at: index), members.value(at: index))
        }
        if object[Key.condition] == nil { object.set(Key.condition, condition) }
        return .object(object)
      }
      if case .object(var object) = outcome {
        object.set(key, .array(restored))
        outcome = .object(object)
      }
    }
    return outcome
  }

  /// Whether `rule` names a catalog rule (whose condition a stored outcome leaves out).
  static func isCatalogRule(_ rule: String) -> Bool { !rule.hasPrefix("(") }

  private func json(conditionsOfCatalogRules: Bool) -> JSON {
    // Keys interned once: interning each key of each outcome (a lock and a hash) was a
    // measurable part of a worker's commit.
    JSON.object(
      JSONObject(members: [
        (Key.status, .string(status.rawValue)),
        (Key.flow, flowCode.map(JSON.string) ?? .null),
        (Key.catalogHash, .string(catalogHash)),
        (Key.at, .string(at.iso8601)),
        (Key.stepsRun, .array(stepsRun.map(JSON.string))),
        (Key.messages, .array(messages.map { $0.json(withCondition: conditionsOfCatalogRules) })),
        (Key.pendReasons, .array(pendReasons.map { $0.json(withCondition: conditionsOfCatalogRules) })),
        (Key.calculation, calculation?.json ?? .null),
      ]))
  }

  enum Key {
    static let status = JSONKey("status")
    static let flow = JSONKey("flow")
    static let catalogHash = JSONKey("catalogHash")
    static let at = JSONKey("at")
    static let stepsRun = JSONKey("stepsRun")
    static let messages = JSONKey("messages")
    static let pendReasons = JSONKey("pendReasons")
    static let calculation = JSONKey("calculation")
    static let code = JSONKey("code")
    static let severity = JSONKey("severity")
    static let text = JSONKey("text")
    static let description = JSONKey("description")
    static let rule = JSONKey("rule")
    static let step = JSONKey("step")
    static let stepDisplayName = JSONKey("stepDisplayName")
    static let stepSequence = JSONKey("stepSequence")
    static let condition = JSONKey("condition")
    static let reads = JSONKey("reads")
    static let path = JSONKey("path")
    static let value = JSONKey("value")
    static let missing = JSONKey("missing")
  }
}

extension AttachedMessage {
  public var json: JSON { json(withCondition: true) }

  /// Without `withCondition`, the condition is left out when the rule is a catalog rule.
  func json(withCondition: Bool) -> JSON {
    typealias Key = CycleOutcome.Key
    var members: [(JSONKey, JSON)] = [
      (Key.code, .string(code)), (Key.severity, .string(severity.rawValue)), (Key.text, .string(text)),
      (Key.rule, .string(rule)), (Key.step, step.map { .string($0.name) } ?? .null),
      (Key.stepDisplayName, step.map { .string($0.displayName) } ?? .null),
      (Key.stepSequence, step.map { .int($0.sequence) } ?? .null),
    ]
    if withCondition || !CycleOutcome.isCatalogRule(rule) { members.append((Key.condition, condition ?? .null)) }
    members.append((Key.reads, trace.json))
    return .object(JSONObject(members: members))
  }
}

extension AttachedPendReason {
  public var json: JSON { json(withCondition: true) }

  /// Without `withCondition`, the condition is left out when the rule is a catalog rule.
  func json(withCondition: Bool) -> JSON {
    typealias Key = CycleOutcome.Key
    var members: [(JSONKey, JSON)] = [
      (Key.code, .string(code)), (Key.description, .string(description)), (Key.rule, .string(rule)),
      (Key.step, .string(step.name)), (Key.stepDisplayName, .string(step.displayName)),
      (Key.stepSequence, .int(step.sequence)),
    ]
    if withCondition || !CycleOutcome.isCatalogRule(rule) { members.append((Key.condition, condition ?? .null)) }
    members.append((Key.reads, trace.json))
    return .object(JSONObject(members: members))
  }
}

extension LogicTrace {
  /// `[{"path": "policyholder.country", "value": "NL"}, …]`; a missing value has no `value`.
  public var json: JSON {
    typealias Key = CycleOutcome.Key
    return .array(
      reads.map { read in
        .object(
          JSONObject(members: [
            (Key.path, .string(read.path)), read.value.map { (Key.value, $0) } ?? (Key.missing, true),
          ]))
      })
  }
}
