/// A compiled JsonLogic expression: the tree the evaluator walks.
///
/// Nodes are classes with immutable children: reading a child from a node the caller already
/// holds needs no reference counting, which an indirect enum's payload copies did (they were most
/// of the evaluation time). The common shapes of policy rules get their own node (a `var` with a
/// constant path, a comparison, `in` against a constant list), so evaluating them neither
/// allocates an argument array nor looks an operator up; everything else is a ``CallNode``.
///
/// `@unchecked Sendable`: a tree is built once by the compiler and never mutated afterwards.
class LogicNode: @unchecked Sendable {
  /// The value when the node is a constant.
  var constantValue: JSON? { nil }

  func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    preconditionFailure("LogicNode subclasses override evaluate")
  }

  /// True when every value the node evaluates to is a boolean (comparisons, `!`, `in`…), so
  /// that an `and`/`or` over such nodes is a boolean too.
  var isBoolean: Bool { false }

  /// The truthiness of what ``evaluate(_:_:_:)`` returns. Nodes that decide a truth value
  /// directly override it, so that a condition is tested without building and releasing a
  /// `JSON` result at every level.
  func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    evaluator.truth(try evaluate(data, evaluator, scope))
  }
}

/// A literal, or a subtree with no operator in it.
final class ConstantNode: LogicNode, @unchecked Sendable {
  let value: JSON
  init(_ value: JSON) { self.value = value }
  override var constantValue: JSON? { value }
  override var isBoolean: Bool {
    if case .bool = value { return true }
    return false
  }
  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    value
  }
}

/// An array literal holding at least one operation.
final class ArrayNode: LogicNode, @unchecked Sendable {
  let elements: [LogicNode]
  init(_ elements: [LogicNode]) { self.elements = elements }
  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    .array(try evaluator.values(elements, data, scope))
  }
}

/// `{"var": "a.b"}` with a constant path, and an optional default.
final class PathNode: LogicNode, @unchecked Sendable {
  let path: LogicPath
  let fallback: LogicNode?
  init(_ path: LogicPath, fallback: LogicNode? = nil) {
    self.path = path
    self.fallback = fallback
  }
  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    if let value = evaluator.read(path, data, scope) { return value }
    guard let fallback else { return .null }
    return try fallback.evaluate(data, evaluator, scope)
  }
}

/// `{"val": …}` with constant segments, possibly climbing out of an iteration.
final class ScopedPathNode: LogicNode, @unchecked Sendable {
  let scoped: LogicScopedPath
  init(_ scoped: LogicScopedPath) { self.scoped = scoped }
  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    evaluator.readScoped(scoped, data, scope) ?? .null
  }
}

/// An operand of a specialised node, with the two commonest shapes (a constant `var` path and a
/// literal) read in place instead of through another node's virtual call.
enum LogicOperand: Sendable {
  case path(LogicPath)
  case constant(JSON)
  case node(LogicNode)

  init(_ node: LogicNode) {
    if let value = node.constantValue {
      self = .constant(value)
    } else if let pathNode = node as? PathNode, pathNode.fallback == nil {
      self = .path(pathNode.path)
    } else {
      self = .node(node)
    }
  }

  @inline(__always)
  func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    switch self {
    case .path(let path): return evaluator.read(path, data, scope) ?? .null
    case .constant(let value): return value
    case .node(let node): return try node.evaluate(data, evaluator, scope)
    }
  }

  @inline(__always)
  func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    switch self {
    case .path(let path): return evaluator.read(path, data, scope).map(evaluator.truth) ?? false
    case .constant(let value): return evaluator.truth(value)
    case .node(let node): return try node.test(data, evaluator, scope)
    }
  }

  var isBoolean: Bool {
    switch self {
    case .path: false
    case .constant(let value): if case .bool = value { true } else { false }
    case .node(let node): node.isBoolean
    }
  }
}

/// `and` / `or`: the first deciding value, or the last one.
///
/// A chain rather than an array of operands: each link reads its operand and the next link
/// from immutable properties, which needs no reference counting, where loading each element of
/// an array retained and released it.
final class JunctionNode: LogicNode, @unchecked Sendable {
  /// This link's operand. A node rather than a ``LogicOperand``: a node held in an enum payload
  /// is retained and released when it is read, a plain property is borrowed.
  let operand: LogicNode
  /// The rest of the chain; unused on the last link. Not optional: unwrapping an optional
  /// property copies the reference, a plain one is borrowed.
  let next: LogicNode
  let isLast: Bool
  let isAnd: Bool
  /// Whether this link's operand and every later one are boolean: then the chain's value is
  /// the boolean its test gives.
  let allBoolean: Bool

  private init(_ operand: LogicNode, next: JunctionNode?, isAnd: Bool) {
    self.operand = operand
    self.next = next ?? operand
    self.isLast = next == nil
    self.isAnd = isAnd
    self.allBoolean = operand.isBoolean && (next?.allBoolean ?? true)
  }

  override var isBoolean: Bool { allBoolean }

  /// The node for `and` (or `or`) over `operands`; `null` when there are none, as json-logic-js.
  static func make(_ operands: [LogicNode], isAnd: Bool) -> LogicNode {
    if !operands.isEmpty, operands.allSatisfy(\.isBoolean) { return BooleanJunctionNode(operands, isAnd: isAnd) }
    var chain: JunctionNode?
    for operand in operands.reversed() { chain = JunctionNode(operand, next: chain, isAnd: isAnd) }
    return chain ?? ConstantNode(.null)
  }

  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    if allBoolean { return .bool(try test(data, evaluator, scope)) }
    let value = try operand.evaluate(data, evaluator, scope)
    if isLast || evaluator.truth(value) != isAnd { return value }
    return try next.evaluate(data, evaluator, scope)
  }

  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    let truth = try operand.test(data, evaluator, scope)
    if isLast || truth != isAnd { return truth }
    return try next.test(data, evaluator, scope)
  }
}

/// Any other operator, with its unevaluated arguments (some operators are lazy).
final class CallNode: LogicNode, @unchecked Sendable {
  let op: LogicOperator
  let args: [LogicNode]
  init(_ op: LogicOperator, _ args: [LogicNode]) {
    self.op = op
    self.args = args
  }
  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    try evaluator.call(op, args, data, scope)
  }
}
