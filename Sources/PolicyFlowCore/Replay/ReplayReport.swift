/// What replaying a candidate catalog on stored policy versions found: how many moved from each
/// recorded outcome to each new one, how often each rule fires in the recorded cycles and would
/// fire with the candidate, and which policies would change outcome.
///
/// Reports of parts of the book (pages, chunks of a page) ``merge(_:)`` into one; merged in code
/// order, ``changes`` stay in code order.
public struct ReplayReport: Sendable {
  /// A policy whose outcome would change.
  public struct Change: Sendable, Hashable {
    public var code: String
    public var version: Int
    /// The version's status now.
    public var status: String
    public var recorded: ReplayOutcome
    public var new: ReplayOutcome
    /// The flow the candidate ran it through (nil when none could be chosen).
    public var flow: String?
    /// The rules on its recorded outcome, and on the candidate's, sorted; the candidate's rules
    /// that failed on it (a RULE_ERROR) are not among `newRules` but in `failingRules`.
    public var recordedRules: [String]
    public var newRules: [String]
    public var failingRules: [String] = []
  }

  /// A rule of the candidate that fails (a fatal `RULE_ERROR`) where it should decide: on how
  /// many replayed versions, and the first of them in code order with the error's sentence.
  public struct RuleFailure: Sendable, Hashable {
    public var versions: Int
    public var code: String
    public var version: Int
    public var text: String
  }

  /// A stored document that does not parse: it cannot be replayed (nor processed).
  public struct Unreadable: Sendable, Hashable {
    public var code: String
    public var version: Int
    public var error: String
  }

  /// The versions replayed (unreadable ones excepted).
  public var replayed = 0
  /// Recorded outcome (nil: never processed) → new outcome → how many.
  public var matrix: [ReplayOutcome?: [ReplayOutcome: Int]] = [:]
  /// Per rule, how many replayed versions it is on the recorded outcome of (a message it
  /// attached, a pend reason it raised), and on the candidate's.
  public var recordedFires: [String: Int] = [:]
  public var newFires: [String: Int] = [:]
  /// Per rule of the candidate that fails on some versions: a rule that cannot be evaluated is
  /// not a rule that fires, though its RULE_ERROR names it (and sends the policy to Edit).
  public var newFailures: [String: RuleFailure] = [:]
  /// How many versions' outcome would change; never-processed versions are not changes (they
  /// have no outcome to change), and count in the matrix's `none` row.
  public var changed = 0
  /// The first of them in code order, at most ``keptChanges`` (all unless a limit was given).
  public var changes: [Change] = []
  /// How many changes ``changes`` keeps: a book where most outcomes change would otherwise keep
  /// a record per policy when only the first few are shown.
  public var keptChanges = Int.max
  public var unreadable: [Unreadable] = []
  /// How many versions approved before and again would be priced differently, the sum of the
  /// differences per currency (minor units), and the first of them in code order.
  public var premiumChanged = 0
  public var premiumDifference: [String: Int] = [:]
  public var premiumChanges: [ReplayPremiumChange] = []

  /// An empty report that keeps at most `keptChanges` changes (all when nil).
  public init(keptChanges: Int? = nil) {
    self.keptChanges = keptChanges ?? Int.max
  }

  /// How many replayed versions go from `recorded` to `new`.
  public func count(from recorded: ReplayOutcome?, to new: ReplayOutcome) -> Int {
    matrix[recorded]?[new] ?? 0
  }

  /// Adds `other`, a report of policies after this one's in code order.
  public mutating func merge(_ other: ReplayReport) {
    replayed += other.replayed
    for (recorded, row) in other.matrix {
      for (new, count) in row { matrix[recorded, default: [:]][new, default: 0] += count }
    }
    for (rule, count) in other.recordedFires { recordedFires[rule, default: 0] += count }
    for (rule, count) in other.newFires { newFires[rule, default: 0] += count }
    for (rule, failure) in other.newFailures {
      guard let first = newFailures[rule] else {
        newFailures[rule] = failure
        continue
      }
      newFailures[rule]?.versions = first.versions + failure.versions
    }
    changed += other.changed
    changes += other.changes.prefix(max(0, keptChanges - changes.count))
    unreadable += other.unreadable
    premiumChanged += other.premiumChanged
    for (currency, difference) in other.premiumDifference { premiumDifference[currency, default: 0] += difference }
    premiumChanges += other.premiumChanges.prefix(max(0, keptChanges - premiumChanges.count))
  }

  /// Counts one replayed version.
  mutating func add(_ input: ReplayInput, outcome: CycleOutcome, recordedRules: Set<String>) {
    let new = ReplayOutcome(outcome.disposition)
    replayed += 1
    matrix[input.recorded, default: [:]][new, default: 0] += 1
    let newRules = Self.rules(of: outcome)
    for rule in recordedRules { recordedFires[rule, default: 0] += 1 }
    var failing = Set<String>()
    for message in outcome.messages where Self.isFailure(message.code) && failing.insert(message.rule).inserted {
      let failure = newFailures[message.rule]
      newFailures[message.rule] = RuleFailure(
        versions: (failure?.versions ?? 0) + 1, code: failure?.code ?? input.code,
        version: failure?.version ?? input.version, text: failure?.text ?? message.text)
    }
    for rule in newRules.subtracting(failing) { newFires[rule, default: 0] += 1 }
    if new == .approved { comparePremium(input, outcome: outcome) }
    guard let recorded = input.recorded, recorded != new else { return }
    changed += 1
    guard changes.count < keptChanges else { return }
    changes.append(
      Change(
        code: input.code, version: input.version, status: input.status, recorded: recorded, new: new,
        flow: outcome.flowCode, recordedRules: recordedRules.sorted(), newRules: newRules.subtracting(failing).sorted(),
        failingRules: failing.sorted()))
  }

  /// The code of the message a rule that cannot be evaluated attaches.
  static let ruleError = "RULE_ERROR"
  /// The code of the message a premium line that cannot be evaluated attaches (its rule is
  /// `(calculation CODE)`): a failure too, not a rule that fires.
  static let calculationError = "CALCULATION_ERROR"

  /// Whether a message of `code` says its rule failed rather than fired.
  static func isFailure(_ code: String) -> Bool { code == ruleError || code == calculationError }

  /// The rules on an outcome: each message's and pend reason's (engine problems name theirs in
  /// parentheses, `(flow)`, `(calculation TAX)`).
  static func rules(of outcome: CycleOutcome) -> Set<String> {
    Set(outcome.messages.map(\.rule)).union(outcome.pendReasons.map(\.rule))
  }

  /// The rules on a stored outcome (``CycleOutcome/storedText``) that fired, read the same way
  /// (a rule whose RULE_ERROR the outcome carries failed, and is not counted): by
  /// ``StoredOutcomeRules``' scan, and by a full parse when the scan cannot tell.
  static func rules(ofStored text: String) -> Set<String> {
    if let rules = StoredOutcomeRules.scan(text) { return rules }
    return parsedRules(ofStored: text)
  }

  /// ``rules(ofStored:)`` by a full parse.
  static func parsedRules(ofStored text: String) -> Set<String> {
    guard let stored = try? JSON(parsing: text) else { return [] }
    var rules = Set<String>()
    for key in ["messages", "pendReasons"] {
      for item in stored[path: key]?.arrayValue ?? [] where !isFailure(item[path: "code"]?.stringValue ?? "") {
        if let rule = item[path: "rule"]?.stringValue { rules.insert(rule) }
      }
    }
    return rules
  }
}
