extension CycleOutcome {
  /// The outcome as scripts read it: `status`, `flow`, `catalogHash`, `at`, `stepsRun`,
  /// `messages`, `pendReasons` and `calculation` (the premium result when approved, else null),
  /// each message and pend reason with its rule, step and the values its condition read.
  public var json: JSON {
    [
      "status": .string(status.rawValue),
      "flow": flowCode.map(JSON.string) ?? .null,
      "catalogHash": .string(catalogHash),
      "at": .string(at.iso8601),
      "stepsRun": .array(stepsRun.map(JSON.string)),
      "messages": .array(messages.map(\.json)),
      "pendReasons": .array(pendReasons.map(\.json)),
      "calculation": calculation?.json ?? .null,
    ]
  }
}

extension AttachedMessage {
  public var json: JSON {
    [
      "code": .string(code), "severity": .string(severity.rawValue), "text": .string(text), "rule": .string(rule),
      "step": step.map { .string($0.name) } ?? .null,
      "stepDisplayName": step.map { .string($0.displayName) } ?? .null,
      "stepSequence": step.map { .int($0.sequence) } ?? .null,
      "condition": condition ?? .null,
      "reads": trace.json,
    ]
  }
}

extension AttachedPendReason {
  public var json: JSON {
    [
      "code": .string(code), "description": .string(description), "rule": .string(rule),
      "step": .string(step.name), "stepDisplayName": .string(step.displayName), "stepSequence": .int(step.sequence),
      "condition": condition ?? .null,
      "reads": trace.json,
    ]
  }
}

extension LogicTrace {
  /// `[{"path": "policyholder.country", "value": "NL"}, …]`; a missing value has no `value`.
  public var json: JSON {
    .array(
      reads.map { read in
        var entry: JSON = ["path": .string(read.path)]
        if let value = read.value { entry.set(path: "value", to: value) } else { entry.set(path: "missing", to: true) }
        return entry
      })
  }
}
