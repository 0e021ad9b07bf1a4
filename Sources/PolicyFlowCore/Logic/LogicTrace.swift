/// The values an evaluation read, in the order it read them.
public struct LogicTrace: Sendable, Hashable {
  public struct Read: Sendable, Hashable {
    /// The path as written in the rule (`policyholder.country`), or the operator for context
    /// reads (`has_message CODE`).
    public var path: String
    /// What was found; nil when the path was missing.
    public var value: JSON?

    public init(path: String, value: JSON?) {
      self.path = path
      self.value = value
    }
  }

  public var reads: [Read] = []

  public init(reads: [Read] = []) { self.reads = reads }
}

/// Collects reads during one traced evaluation. The evaluator holds an optional recorder and
/// checks it once per read, so untraced evaluation pays a single nil test.
final class LogicTraceRecorder {
  var reads: [LogicTrace.Read] = []
  /// Where the evaluation relied on a rule of the language whose answer changed with the
  /// community semantics (#19), one sentence each; read by the catalog's compatibility check.
  var changes: [String] = []

  /// Notes a changed rule once.
  func noteChange(_ sentence: String) {
    if !changes.contains(sentence) { changes.append(sentence) }
  }

  /// Records a read once: the same path read again with the same value adds nothing to an
  /// explanation.
  func record(_ path: String, _ value: JSON?) {
    let read = LogicTrace.Read(path: path, value: value)
    if !reads.contains(read) { reads.append(read) }
  }
}
