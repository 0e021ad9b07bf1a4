import Dispatch

/// Work that runs on another thread while its starter goes on; ``wait()`` returns the result.
///
/// The work touches nothing but what it captured (it must be `Sendable`) and its result.
final class BackgroundJob<Result: Sendable>: @unchecked Sendable {
  // `@unchecked`: `result` is written once, by the job before it leaves the group, and read only
  // after `wait()` has returned from waiting on that group, which orders the write before the read.
  private var result: Result?
  private let group = DispatchGroup()

  init(_ work: @escaping @Sendable () -> Result) {
    group.enter()
    DispatchQueue.global().async {
      self.result = work()
      self.group.leave()
    }
  }

  /// Waits for the work to finish and returns what it made, handing it over: the job keeps no
  /// copy (so that the caller decides where it is freed), and is waited for once.
  func wait() -> Result {
    group.wait()
    guard let result = result.take() else {
      preconditionFailure("a background job finished without a result, or was waited for twice")
    }
    return result
  }
}
