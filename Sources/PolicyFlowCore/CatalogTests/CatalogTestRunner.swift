import Foundation
import Synchronization

/// Runs catalog tests: one processing cycle per test, compared with its expectation.
///
/// The cycle is pure, so tests share nothing but the catalog and run in parallel on every core;
/// results come back in the order of the tests, whatever order they finished in.
public struct CatalogTestRunner: Sendable {
  public let catalog: Catalog

  public init(catalog: Catalog) {
    self.catalog = catalog
  }

  /// Runs every test and returns one result per test, in the same order.
  public func run(_ tests: [CatalogTest]) -> [CatalogTestResult] {
    guard !tests.isEmpty else { return [] }
    let cycle = ProcessingCycle(catalog: catalog)
    // A few chunks per core keeps every core busy when some tests take longer than others,
    // without a lock per test.
    let chunks = min(tests.count, max(1, ProcessInfo.processInfo.activeProcessorCount * 4))
    let collected = Mutex<[[CatalogTestResult]?]>(Array(repeating: nil, count: chunks))
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let range = Self.range(of: chunk, chunks: chunks, count: tests.count)
      let results = tests[range].map { run($0, with: cycle) }
      collected.withLock { $0[chunk] = results }
    }
    return collected.withLock { $0.flatMap { $0 ?? [] } }
  }

  /// Runs one test.
  public func run(_ test: CatalogTest) -> CatalogTestResult {
    run(test, with: ProcessingCycle(catalog: catalog))
  }

  private func run(_ test: CatalogTest, with cycle: ProcessingCycle) -> CatalogTestResult {
    let outcome = cycle.run(test.policy, at: test.at)
    return CatalogTestResult(
      test: test, differences: test.expectation.differences(from: outcome), flowCode: outcome.flowCode,
      stepsRun: outcome.stepsRun, firedRules: firedRules(outcome))
  }

  private func firedRules(_ outcome: CycleOutcome) -> Set<FiredRule> {
    var fired = Set<FiredRule>()
    for message in outcome.messages where catalog.validationRules[message.rule]?.message.code == message.code {
      if let step = message.step { fired.insert(FiredRule(step: step.name, rule: message.rule)) }
    }
    for reason in outcome.pendReasons where catalog.pendRules[reason.rule] != nil {
      fired.insert(FiredRule(step: reason.step.name, rule: reason.rule))
    }
    return fired
  }

  /// The tests of chunk `chunk` of `chunks`, as even as whole tests allow.
  private static func range(of chunk: Int, chunks: Int, count: Int) -> Range<Int> {
    (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
  }
}
