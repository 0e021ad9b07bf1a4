import Foundation
import Synchronization

/// Runs a candidate catalog on stored policy versions, one cycle each at one reference time,
/// and reports how their outcomes would change (``ReplayReport``). Pure: it reads no store and
/// writes nothing; the store streams the versions in (`PolicyStore.replay`).
///
/// Parsing and cycles run on every core: a page of versions is cut into a few chunks per core,
/// each replayed into a report of its own, and the reports merged in page order.
public struct CatalogReplay: Sendable {
  public let cycle: ProcessingCycle
  /// The reference time every cycle runs at (`today`, `age_at`).
  public let at: Timestamp

  /// How many changed versions a report keeps (``ReplayReport/keptChanges``); nil for all.
  public let keptChanges: Int?

  public init(catalog: Catalog, at: Timestamp, keptChanges: Int? = nil) {
    cycle = ProcessingCycle(catalog: catalog)
    self.at = at
    self.keptChanges = keptChanges
  }

  /// Replays `inputs` (in code order) on every core.
  public func run(_ inputs: [ReplayInput]) -> ReplayReport {
    guard !inputs.isEmpty else { return ReplayReport(keptChanges: keptChanges) }
    let chunks = min(inputs.count, max(1, ProcessInfo.processInfo.activeProcessorCount * 4))
    let collected = Mutex<[ReplayReport?]>(Array(repeating: nil, count: chunks))
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let range = (inputs.count * chunk / chunks)..<(inputs.count * (chunk + 1) / chunks)
      var report = ReplayReport(keptChanges: keptChanges)
      for input in inputs[range] { replay(input, into: &report) }
      collected.withLock { $0[chunk] = report }
    }
    return collected.withLock { partial in
      var report = ReplayReport(keptChanges: keptChanges)
      for chunk in partial { if let chunk { report.merge(chunk) } }
      return report
    }
  }

  /// Replays one version into `report`. The document is read as a worker reads it (the deferred
  /// parse: objects below the top two levels are checked, and built only when a rule reads them),
  /// which took a version from 152,700 to 124,500 instructions (`policyflow-bench replay`).
  public func replay(_ input: ReplayInput, into report: inout ReplayReport) {
    let data: JSON
    do { data = try JSON(parsingDeferred: input.dataText) } catch {
      report.unreadable.append(.init(code: input.code, version: input.version, error: "\(error)"))
      return
    }
    let outcome = cycle.run(
      data, at: at, resolvedReasons: input.resolvedReasons, resolvedSinceEdit: input.resolvedSinceEdit)
    let recordedRules = input.recordedOutcomeText.map(ReplayReport.rules(ofStored:)) ?? []
    report.add(input, outcome: outcome, recordedRules: recordedRules)
  }
}
