extension RuleCoverage {
  /// The report a person reads: per flow and step, the rules no test made fire and those that
  /// fired in every test, each with where it is defined; then one line of totals.
  public var text: String {
    var lines = ["Rule coverage over \(tests) test\(tests == 1 ? "" : "s"):"]
    var flow: String?
    for step in steps {
      if step.flow != flow {
        flow = step.flow
        lines.append(step.flow)
      }
      let fired = step.rules.filter { $0.fired > 0 }.count
      lines.append(
        "  \(step.sequence) \(step.name): \(fired) of \(step.rules.count) rules fired, "
          + "\(step.reached) test\(step.reached == 1 ? "" : "s") reached the step")
      for rule in step.neverFired { lines.append("    never fired: \(Self.describe(rule))") }
      for rule in step.alwaysFired { lines.append("    fired in every test: \(Self.describe(rule))") }
    }
    let count = firedRuleCount
    let never = Set(steps.flatMap(\.neverFired).map(\.code)).count
    let always = Set(steps.flatMap(\.alwaysFired).map(\.code)).count
    lines.append(
      "\(count.fired) of \(count.total) rules fired in some test; \(never) never fired in a step, "
        + "\(always) fired in every test that reached its step.")
    return lines.joined(separator: "\n")
  }

  /// The same for scripts: `tests`, `rules` {`fired`, `total`} and `steps`, each with its
  /// `flow`, `sequence`, `name`, `reached`, `rules` (code, kind, fired, file, line, column),
  /// `neverFired` and `alwaysFired` (codes).
  public var json: JSON {
    let count = firedRuleCount
    return [
      "tests": .int(tests),
      "rules": ["fired": .int(count.fired), "total": .int(count.total)],
      "steps": .array(
        steps.map { step in
          [
            "flow": .string(step.flow), "sequence": .int(step.sequence), "name": .string(step.name),
            "reached": .int(step.reached),
            "rules": .array(step.rules.map(Self.json)),
            "neverFired": .array(step.neverFired.map { .string($0.code) }),
            "alwaysFired": .array(step.alwaysFired.map { .string($0.code) }),
          ]
        }),
    ]
  }

  private static func describe(_ rule: Rule) -> String {
    "\(rule.code) (\(rule.kind) rule" + (rule.definedAt.map { ", \($0)" } ?? "") + ")"
  }

  private static func json(_ rule: Rule) -> JSON {
    var object: JSON = ["code": .string(rule.code), "kind": .string(rule.kind), "fired": .int(rule.fired)]
    if let site = rule.definedAt {
      object.set(path: "file", to: .string(site.file))
      object.set(path: "line", to: .int(site.location.line))
      object.set(path: "column", to: .int(site.location.column))
    }
    return object
  }
}
