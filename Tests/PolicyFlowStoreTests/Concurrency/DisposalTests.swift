import Synchronization
import Testing

@testable import PolicyFlowStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A worker frees its committed batches on a thread of their own, at most a few waiting.
struct DisposalTests {
  /// Whether a ``Tracked`` was freed on the thread that made it; nil until it is freed.
  final class Report: Sendable {
    let freedOnMaker = Mutex<Bool?>(nil)
    var value: Bool? { freedOnMaker.withLock { $0 } }
  }

  /// Says in its report, when freed, whether that happened on the thread that made it.
  final class Tracked: Sendable {
    let maker = pthread_self()
    let report: Report

    init(_ report: Report) {
      self.report = report
    }

    deinit { report.freedOnMaker.withLock { $0 = pthread_equal(maker, pthread_self()) != 0 } }
  }

  @Test(.timeLimit(.minutes(1))) func aDroppedValueIsFreedOnAnotherThread() {
    let disposal = Disposal<Tracked>(limit: 2)
    let report = Report()
    disposal.drop(Tracked(report))
    while report.value == nil { Worker.sleep(1) }
    #expect(report.value == false)
  }

  /// With no room left, the caller frees the value itself, before `drop` returns.
  @Test func aValueBeyondTheLimitIsFreedAtOnceByTheCaller() {
    let disposal = Disposal<Tracked>(limit: 0)
    let report = Report()
    disposal.drop(Tracked(report))
    #expect(report.value == true)
  }
}
