/// `map`, `filter`, `all`, `none`, `some` and `reduce`: the second argument runs once per element
/// with the element as its data (`reduce`: `{"current": …, "accumulator": …}`).
///
/// As json-logic-js: a first argument that is not an array counts as an empty one, so `map` and
/// `filter` give `[]`, `all` gives false (also for an empty array), `none` true, `some` false,
/// and `reduce` its initial value (null when omitted).
extension LogicEvaluator {
  static let currentKey = JSONKey("current")
  static let accumulatorKey = JSONKey("accumulator")

  func iterate(_ op: LogicOperator, _ args: [LogicNode], _ data: JSON, _ scope: LogicScope?)
    throws(LogicError) -> JSON
  {
    let source = try evaluate(args[0], data, scope)
    let items = source.arrayValue ?? []
    let body = args[1]
    let inner = LogicScope(parentData: data, parent: scope, index: 0)
    switch op {
    case .map:
      var result: [JSON] = []
      result.reserveCapacity(items.count)
      for (i, item) in items.enumerated() {
        inner.index = i
        result.append(try evaluate(body, item, inner))
      }
      return .array(result)
    case .filter:
      var result: [JSON] = []
      for (i, item) in items.enumerated() {
        inner.index = i
        if try body.test(item, self, inner) { result.append(item) }
      }
      return .array(result)
    case .all, .none, .some:
      if items.isEmpty { return .bool(op == .none) }
      for (i, item) in items.enumerated() {
        inner.index = i
        let truthy = try body.test(item, self, inner)
        switch op {
        case .all where !truthy: return false
        case .some where truthy: return true
        case .none where truthy: return false
        default: continue
        }
      }
      return .bool(op != .some)
    default:
      var accumulator = args.count == 3 ? try evaluate(args[2], data, scope) : .null
      try Self.checkDepth(accumulator)
      // One object for every step, written in place: the body's data is released when the body
      // returns, so the object is unshared again (a body that keeps it, say by returning
      // `{"var": ""}`, gets a copy on the next write). A new object per element was most of the
      // cost of `reduce` over a policy's enrollments.
      var step = JSONObject(minimumCapacity: 2)
      for (i, item) in items.enumerated() {
        inner.index = i
        step.set(Self.currentKey, item)
        step.set(Self.accumulatorKey, accumulator)
        accumulator = try evaluate(body, .object(step), inner)
        try Self.checkDepth(accumulator)
      }
      return accumulator
    }
  }

  /// `reduce`'s accumulator may be an array or object of plain values, never one holding
  /// another array or object: `Exceeded Allowed Depth`, as the community specification bounds it,
  /// so that a body cannot grow a nested accumulator exponentially with the array.
  static func checkDepth(_ accumulator: JSON) throws(LogicError) {
    let nested: Bool
    switch accumulator {
    case .array(let elements): nested = elements.contains(where: \.isContainer)
    case .object(let object): nested = (0..<object.count).contains { object.value(at: $0).isContainer }
    default: nested = false
    }
    if nested {
      throw LogicError(
        type: "Exceeded Allowed Depth",
        message: "'reduce' cannot accumulate \(accumulator.serialized()): an array or object inside another")
    }
  }
}

extension JSON {
  /// Whether the value is an array or an object.
  fileprivate var isContainer: Bool {
    switch self {
    case .array, .object: true
    default: false
    }
  }
}
