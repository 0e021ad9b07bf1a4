extension CycleOutcome {
  /// The outcome as scripts read it: `status`, `flow`, `catalogHash`, `at`, `stepsRun`,
  /// `messages`, `pendReasons` and `calculation` (the premium result when approved, else null),
  /// each message and pend reason with its rule, step, its condition and the values it read.
  public var json: JSON { CycleOutcome.parse(text(conditionsOfCatalogRules: true)) }

  /// The outcome as a store records it: ``json`` without the `condition` of a message or pend
  /// reason attached by a catalog rule. That condition is the rule's own, which the catalog
  /// snapshot named by `catalogHash` holds; copying it into every outcome was most of a stored
  /// outcome's size. Engine messages (rules named in parentheses, such as `(calculation TAX)`)
  /// keep theirs. ``restoringConditions(in:from:)`` gives the omitted ones back.
  public var storedJSON: JSON { CycleOutcome.parse(storedText) }

  /// ``storedJSON`` as text, written straight from the outcome: a worker stores one per policy,
  /// and building the tree only to serialize it was a tenth of a commit.
  public var storedText: String { text(conditionsOfCatalogRules: false) }

  private func text(conditionsOfCatalogRules: Bool) -> String {
    var writer = JSONStreamWriter()
    write(to: &writer, conditionsOfCatalogRules: conditionsOfCatalogRules)
    return writer.text
  }

  /// Reads back what the outcome's writer wrote, which is JSON by construction.
  static func parse(_ text: String) -> JSON {
    do { return try JSON(parsing: text) } catch {
      preconditionFailure("an outcome was written as invalid JSON (\(error)): \(text)")
    }
  }

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

  /// The one description of an outcome's JSON: ``json``, ``storedJSON`` and ``storedText``
  /// all come from it. Keys are interned once: interning each key of each outcome (a lock and a
  /// hash) was a measurable part of a worker's commit.
  func write(to writer: inout JSONStreamWriter, conditionsOfCatalogRules: Bool) {
    writer.object { object in
      object.member(Key.status, .string(status.rawValue))
      object.member(Key.flow, flowCode.map(JSON.string) ?? .null)
      object.member(Key.catalogHash, .string(catalogHash))
      object.member(Key.at, .string(at.iso8601))
      object.member(Key.stepsRun) { steps in steps.array { for step in stepsRun { $0.element(.string(step)) } } }
      object.member(Key.messages) { items in
        items.array {
          for message in messages { $0.element { message.write(to: &$0, withCondition: conditionsOfCatalogRules) } }
        }
      }
      object.member(Key.pendReasons) { items in
        items.array {
          for reason in pendReasons { $0.element { reason.write(to: &$0, withCondition: conditionsOfCatalogRules) } }
        }
      }
      object.member(Key.calculation, calculation?.json ?? .null)
    }
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
  public var json: JSON {
    var writer = JSONStreamWriter()
    write(to: &writer, withCondition: true)
    return CycleOutcome.parse(writer.text)
  }

  /// Without `withCondition`, the condition is left out when the rule is a catalog rule.
  func write(to writer: inout JSONStreamWriter, withCondition: Bool) {
    typealias Key = CycleOutcome.Key
    writer.object { object in
      object.member(Key.code, .string(code))
      object.member(Key.severity, .string(severity.rawValue))
      object.member(Key.text, .string(text))
      object.member(Key.rule, .string(rule))
      object.member(Key.step, step.map { .string($0.name) } ?? .null)
      object.member(Key.stepDisplayName, step.map { .string($0.displayName) } ?? .null)
      object.member(Key.stepSequence, step.map { .int($0.sequence) } ?? .null)
      if withCondition || !CycleOutcome.isCatalogRule(rule) { object.member(Key.condition, condition ?? .null) }
      object.member(Key.reads) { trace.write(to: &$0) }
    }
  }
}

extension AttachedPendReason {
  public var json: JSON {
    var writer = JSONStreamWriter()
    write(to: &writer, withCondition: true)
    return CycleOutcome.parse(writer.text)
  }

  /// Without `withCondition`, the condition is left out when the rule is a catalog rule.
  func write(to writer: inout JSONStreamWriter, withCondition: Bool) {
    typealias Key = CycleOutcome.Key
    writer.object { object in
      object.member(Key.code, .string(code))
      object.member(Key.description, .string(description))
      object.member(Key.rule, .string(rule))
      object.member(Key.step, .string(step.name))
      object.member(Key.stepDisplayName, .string(step.displayName))
      object.member(Key.stepSequence, .int(step.sequence))
      if withCondition || !CycleOutcome.isCatalogRule(rule) { object.member(Key.condition, condition ?? .null) }
      object.member(Key.reads) { trace.write(to: &$0) }
    }
  }
}

extension LogicTrace {
  /// `[{"path": "policyholder.country", "value": "NL"}, …]`; a missing value has no `value`.
  public var json: JSON {
    var writer = JSONStreamWriter()
    write(to: &writer)
    return CycleOutcome.parse(writer.text)
  }

  func write(to writer: inout JSONStreamWriter) {
    typealias Key = CycleOutcome.Key
    writer.array { items in
      for read in reads {
        items.element { item in
          item.object { object in
            object.member(Key.path, .string(read.path))
            if let value = read.value { object.member(Key.value, value) } else { object.member(Key.missing, true) }
          }
        }
      }
    }
  }
}
