// Low-level code: values read in place through `LogicPath.locate`'s pointers when untraced.
// Benchmark: `policyflow-bench cycle` (BENCHMARKS.md, 2026-12-06: "`missing` reads values in
// place").

/// `{"missing": [constant keys…]}` with every key's path split and interned once, at compile
/// time. Rebuilding the paths on each evaluation (splitting the text and interning each
/// segment under the global key lock) was the largest single cost of a processing cycle.
final class MissingNode: LogicNode, @unchecked Sendable {
  let keys: [JSON]
  let paths: [LogicPath]

  /// Nil when a key has no constant path; the generic evaluation handles those.
  init?(_ arguments: [JSON]) {
    // As the generic `missing`: a first argument that is an array is the whole list.
    let list: [JSON]
    if case .array(let first)? = arguments.first { list = first } else { list = arguments }
    var paths: [LogicPath] = []
    paths.reserveCapacity(list.count)
    for key in list { paths.append(LogicCompiler.varPath(key) ?? LogicPath(dotted: key.jsString)) }
    self.keys = list
    self.paths = paths
  }

  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    var absent: [JSON] = []
    // Untraced, each value is looked at where it lies (``LogicPath/locate(in:)``): copying it
    // out of the document, and each path out of the node, cost a reference count up and down.
    if evaluator.recorder == nil {
      paths.withUnsafeBufferPointer { paths in
        for i in 0..<paths.count where MissingNode.isAbsent(paths[i], in: data) { absent.append(keys[i]) }
      }
      return .array(absent)
    }
    for i in 0..<paths.count {
      switch evaluator.read(paths[i], data, scope) {
      case nil, .null?: absent.append(keys[i])
      case .string(let s)? where s.isEmpty: absent.append(keys[i])
      default: break
      }
    }
    return .array(absent)
  }

  /// Whether `missing` counts the value at `path` as absent: no value, null, or "".
  @inline(__always) static func isAbsent(_ path: borrowing LogicPath, in data: borrowing JSON) -> Bool {
    if path.segments.isEmpty { return isAbsent(data) }
    guard let value = path.locate(in: data) else { return true }
    return isAbsent(value.pointee)
  }

  @inline(__always) private static func isAbsent(_ value: borrowing JSON) -> Bool {
    switch value {
    case .null: true
    case .string(let s): s.isEmpty
    default: false
    }
  }
}
