/// What must hold after a test's cycle. Every member given is checked; nil members are not.
///
/// Each member remembers where it is written, so a failure points at the line an author edits.
public struct TestExpectation: Sendable {
  /// A value expected, with where it is written in the test file.
  public struct Member<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
      self.value = value
      self.location = location
    }
  }

  public var status: Member<PolicyStatus>?
  /// The step the cycle stopped in (the last step that ran).
  public var step: Member<String>?
  /// Message codes that must be attached.
  public var messages: Member<[String]>?
  /// When true, no message beyond ``messages`` may be attached.
  public var messagesExactly = false
  /// Message codes that must not be attached.
  public var absentMessages: Member<[String]>?
  /// The pend reason codes attached, exactly.
  public var pendReasons: Member<[String]>?
  /// Fields of the data after derivations: dotted path → value (null: absent or null).
  public var derived: [(path: String, value: Member<JSON>)] = []
  /// Members of the premium calculated on approval: `total`, `currency`, `lines.CODE` → value;
  /// ``expectsNoPremium`` when the test wants none.
  public var premium: [(path: String, value: Member<JSON>)] = []
  public var expectsNoPremium: Member<Bool>?

  public init() {}

  /// Whether the expectation checks anything at all; a test that cannot fail is refused.
  public var isEmpty: Bool {
    status == nil && step == nil && messages == nil && absentMessages == nil && pendReasons == nil
      && derived.isEmpty && premium.isEmpty && expectsNoPremium == nil
  }

  /// How `outcome` departs from the expectation, in the order the members are listed above; empty
  /// when the test passes.
  public func differences(from outcome: CycleOutcome) -> [TestDifference] {
    var found: [TestDifference] = []
    let attached = outcome.messages.map(\.code)
    if let status, status.value != outcome.status {
      // Sent back to Edit: by which fatal messages, and the first one's sentence (a rule the
      // change made fail says so only there; the test said "got Edit" and nothing of why).
      var actual = outcome.status.rawValue
      let fatal = outcome.messages.filter { $0.severity == .fatal }
      if outcome.status == .edit, let first = fatal.first {
        actual +=
          " (fatal \(fatal.map { "\($0.code) of \($0.rule)" }.joined(separator: ", ")): \(first.text))"
      }
      found.append(.init(member: "status", expected: status.value.rawValue, actual: actual, at: status))
    }
    if let step, outcome.stepsRun.last != step.value {
      found.append(.init(member: "step", expected: step.value, actual: outcome.stepsRun.last ?? "none", at: step))
    }
    if let messages {
      let missing = messages.value.filter { !attached.contains($0) }
      let extra = messagesExactly ? Self.unique(attached.filter { !messages.value.contains($0) }) : []
      if !missing.isEmpty || !extra.isEmpty {
        found.append(
          .init(
            member: "messages", expected: Self.list(messages.value), actual: Self.list(Self.unique(attached)),
            at: messages, missing: missing, unexpected: extra))
      }
    }
    if let absentMessages {
      let present = absentMessages.value.filter { attached.contains($0) }
      if !present.isEmpty {
        found.append(
          .init(
            member: "absentMessages", expected: "none of " + Self.list(absentMessages.value),
            actual: Self.list(present), at: absentMessages))
      }
    }
    if let pendReasons {
      let codes = outcome.pendReasons.map(\.code)
      if Set(codes) != Set(pendReasons.value) {
        found.append(
          .init(
            member: "pendReasons", expected: Self.list(pendReasons.value), actual: Self.list(codes), at: pendReasons,
            missing: pendReasons.value.filter { !codes.contains($0) },
            unexpected: codes.filter { !pendReasons.value.contains($0) }))
      }
    }
    for (path, expected) in derived {
      let actual = outcome.data[path: path]
      let matches = expected.value == .null ? (actual == nil || actual == .null) : actual == expected.value
      if !matches {
        found.append(
          .init(
            member: path, expected: expected.value.serialized(), actual: actual?.serialized() ?? "absent",
            at: expected))
      }
    }
    found += premiumDifferences(from: outcome)
    return found
  }

  /// The premium's members that differ, as `premium.total`, `premium.lines.BASE`.
  private func premiumDifferences(from outcome: CycleOutcome) -> [TestDifference] {
    var found: [TestDifference] = []
    let calculated: JSON? = outcome.calculation.map { calculation in
      var lines = JSONObject()
      for line in calculation.lines { lines[line.code] = .int(line.amount) }
      return ["total": .int(calculation.total), "currency": .string(calculation.currency), "lines": .object(lines)]
    }
    if let expectsNoPremium, let calculated {
      found.append(
        .init(
          member: "premium", expected: "none", actual: calculated[path: "total"]?.serialized() ?? "",
          at: expectsNoPremium))
    }
    for (path, expected) in premium {
      let actual = calculated?[path: path]
      guard actual != expected.value else { continue }
      let shown =
        calculated == nil ? "no premium (the cycle did not approve the policy)" : actual?.serialized() ?? "absent"
      found.append(.init(member: "premium.\(path)", expected: expected.value.serialized(), actual: shown, at: expected))
    }
    return found
  }

  private static func list(_ codes: [String]) -> String {
    codes.isEmpty ? "none" : codes.joined(separator: ", ")
  }

  private static func unique(_ codes: [String]) -> [String] {
    var seen = Set<String>()
    return codes.filter { seen.insert($0).inserted }
  }
}
