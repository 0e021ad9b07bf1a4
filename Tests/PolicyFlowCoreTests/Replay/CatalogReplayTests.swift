import Foundation
import Testing

@testable import PolicyFlowCore

/// The pure half of `policies replay`: the outcomes compared, the rules counted, the changes
/// listed, and the scan that reads the rules of a recorded outcome without parsing it.
struct CatalogReplayTests {
  static let examples = StoredOutcomeTests.examples
  static let at = Timestamp(iso8601: "2026-11-22")!

  static func catalog() throws -> Catalog {
    try #require(CatalogLoader.load(directory: CatalogTestPaths.packageRoot).catalog)
  }

  static func text(_ example: String) throws -> String {
    try CatalogTestPaths.read("examples/policies/" + example)
  }

  @Test(arguments: examples)
  func theScanReadsTheRulesAFullParseReads(_ example: String) throws {
    let outcome = ProcessingCycle(catalog: try Self.catalog()).run(
      try JSON(parsing: try Self.text(example)), at: Self.at)
    let stored = outcome.storedText
    let scanned = try #require(StoredOutcomeRules.scan(stored))
    #expect(scanned == ReplayReport.parsedRules(ofStored: stored))
    #expect(scanned == ReplayReport.rules(of: outcome))
  }

  /// The recorded premium a replay compares with is read by a scan of the stored outcome: the
  /// same currency and total as the cycle calculated, none when it calculated none.
  @Test(arguments: examples)
  func theRecordedPremiumIsTheCalculatedOne(_ example: String) throws {
    let outcome = ProcessingCycle(catalog: try Self.catalog()).run(
      try JSON(parsing: try Self.text(example)), at: Self.at)
    let premium = ReplayReport.recordedPremium(ofStored: outcome.storedText)
    #expect(premium?.currency == outcome.calculation?.currency)
    #expect(premium?.total == outcome.calculation?.total)
    // A text the scan does not recognise is parsed: the same answer.
    let spaced = outcome.storedJSON.serialized(pretty: true)
    #expect(ReplayReport.recordedPremium(ofStored: spaced)?.total == outcome.calculation?.total)
  }

  /// A premium whose currency the candidate changes is listed in both currencies, with no
  /// difference (amounts in two currencies do not subtract) and nothing added to the totals.
  @Test func aChangedCurrencyIsListedWithoutADifference() throws {
    let outcome = ProcessingCycle(catalog: try Self.catalog()).run(
      try JSON(parsing: try Self.text("health-approved.json")), at: Self.at)
    let calculation = try #require(outcome.calculation)
    let recorded = outcome.storedText.replacingOccurrences(
      of: #""currency":"\#(calculation.currency)""#, with: #""currency":"JPY""#)
    let input = ReplayInput(
      code: "P-1", version: 1, status: "Approved", dataText: "{}", recorded: .approved, recordedOutcomeText: recorded)
    var report = ReplayReport()
    report.add(input, outcome: outcome, recordedRules: [])
    #expect(report.premiumChanged == 1)
    #expect(report.premiumChanges.first?.recordedCurrency == "JPY")
    #expect(report.premiumChanges.first?.currency == calculation.currency)
    #expect(report.premiumChanges.first?.difference == nil)
    #expect(report.premiumDifference.isEmpty)
    // Canceled since: its premium in force is the settlement, not what the cycle calculated.
    var canceled = input
    canceled.status = "Canceled"
    var later = ReplayReport()
    later.add(canceled, outcome: outcome, recordedRules: [])
    #expect(later.premiumChanged == 0)
    #expect(later.premiumChanges.isEmpty)
  }

  @Test func theScanLeavesWhatItDoesNotExpectToTheParser() {
    #expect(StoredOutcomeRules.scan(#"{"messages":[{"rule":"A\"B"}],"pendReasons":[]}"#) == nil)
    #expect(StoredOutcomeRules.scan(#"{"messages":[{"rule":"A"}"#) == nil)
    #expect(
      StoredOutcomeRules.scan(
        #"{"messages":[{"reads":[{"path":"rule","value":{"rule":"X"}}],"rule":"A"}],"pendReasons":[{"rule":"B"}],"calculation":{"rule":"C"}}"#
      ) == ["A", "B"])
  }

  /// A stored RULE_ERROR names the rule that failed: the rule did not fire, on the recorded side
  /// as on the candidate's, whichever member comes first; scan and parse agree.
  @Test(arguments: [
    #"{"messages":[{"code":"RULE_ERROR","rule":"A"},{"rule":"B","code":"MSG_B"}],"pendReasons":[]}"#,
    #"{"messages":[{"rule":"A","code":"RULE_ERROR"},{"code":"MSG_B","rule":"B"}],"pendReasons":[]}"#,
  ])
  func aRecordedRuleErrorIsNotTheRuleFiring(_ stored: String) {
    #expect(StoredOutcomeRules.scan(stored) == ["B"])
    #expect(ReplayReport.parsedRules(ofStored: stored) == ["B"])
  }

  @Test func aReplayCountsEachPolicyOnceAndListsOnlyChangedOutcomesOfProcessedOnes() throws {
    let catalog = try Self.catalog()
    let cycle = ProcessingCycle(catalog: catalog)
    var inputs: [ReplayInput] = []
    for (index, example) in Self.examples.enumerated() {
      let text = try Self.text(example)
      let recorded = cycle.run(try JSON(parsing: text), at: Self.at)
      // Every third policy was never processed; the others recorded an Approved outcome, so the
      // ones the catalog does not approve change.
      inputs.append(
        ReplayInput(
          code: String(format: "P%02d", index), version: 1, status: "Approved", dataText: text,
          recorded: index % 3 == 0 ? nil : .approved, recordedOutcomeText: index % 3 == 0 ? nil : recorded.storedText))
    }
    let report = CatalogReplay(catalog: catalog, at: Self.at).run(inputs)
    #expect(report.replayed == Self.examples.count)
    let processed = inputs.filter { $0.recorded != nil }
    let notApproved = processed.filter {
      cycle.run(try! JSON(parsing: $0.dataText), at: Self.at).disposition != .clean
    }
    #expect(report.changes.map(\.code) == notApproved.map(\.code))
    #expect(report.changed == notApproved.count && report.changed > 1)
    #expect(report.changes.allSatisfy { $0.recorded == .approved && $0.new != .approved })
    let none = ReplayOutcome.allCases.map { report.count(from: nil, to: $0) }.reduce(0, +)
    #expect(none == inputs.count - processed.count)
    let firstOnly = CatalogReplay(catalog: catalog, at: Self.at, keptChanges: 1).run(inputs)
    #expect(firstOnly.changed == report.changed)
    #expect(firstOnly.changes == Array(report.changes.prefix(1)))
    // Recorded with the same catalog, each rule fires as often now as it would.
    let recordedOnly = CatalogReplay(catalog: catalog, at: Self.at).run(processed)
    #expect(recordedOnly.recordedFires == recordedOnly.newFires)
    #expect(recordedOnly.newFires["AGE_AT_START_RECORDED", default: 0] > 0)
  }
}
