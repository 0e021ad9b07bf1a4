// Low-level code: each node reads its value where it lies, through the pointer
// `LogicPath.locate` returns. Benchmark: `policyflow-bench logic` (BENCHMARKS.md, 2026-11-30:
// cond5 120-130 ns -> about 48 ns with paths tested in place).

/// A test of one constant `var` path against a constant, decided on the value where it lies in
/// the data: `{">=": [{"var": "applicant.age"}, 18]}`, `{"==": [{"var": "policy.product"},
/// "TERM"]}`, `{"in": [{"var": "policy.state"}, ["CA", "NY"]]}`, `{"!": {"var": "a.smoker"}}`.
///
/// Most conditions in a catalog have this shape. The general nodes copy the value out of the
/// document (a reference count up and down for a string or object on the way) and compare it with
/// a constant they inspect again on every evaluation; this node decodes the constant once and
/// reads the value in place.
///
/// It decides only the common typed case (an integer against an integer, a string against a
/// string, a boolean against a boolean, any value's truth). For any other value, and whenever
/// reads are traced, it defers to the general node it was made from, so the two never disagree.
class PathTestNode: BooleanNode, @unchecked Sendable {
  let path: LogicPath
  /// The node this one specialises: evaluated when the fast check does not decide.
  let general: LogicNode

  fileprivate init(_ path: LogicPath, general: LogicNode) {
    self.path = path
    self.general = general
  }

  /// The specialised node for `node`, or `node` itself when it is not of a shape this handles.
  static func specialise(_ node: LogicNode) -> LogicNode {
    switch node {
    case let node as CompareNode:
      if let path = node.lhs.memberPath, let constant = node.rhs.constantInt {
        return PathCompareIntNode(path, node.comparison, constant, general: node)
      }
      if let path = node.rhs.memberPath, let constant = node.lhs.constantInt {
        return PathCompareIntNode(path, node.comparison.flipped, constant, general: node)
      }
    case let node as EqualityNode:
      let expected = node.kind == .loose || node.kind == .strict
      if let path = node.lhs.memberPath, case .constant(let constant) = node.rhs {
        return equals(path, constant, expected: expected, node)
      }
      if let path = node.rhs.memberPath, case .constant(let constant) = node.lhs {
        return equals(path, constant, expected: expected, node)
      }
    case let node as MemberNode:
      let strings = node.list.compactMap(\.stringValue)
      if let path = node.needle.memberPath, strings.count == node.list.count {
        return PathMemberNode(path, strings, general: node)
      }
    case let node as TruthNode:
      if let path = node.operand.memberPath { return PathTruthNode(path, expected: !node.negated, general: node) }
    case let node as CallNode where [.isDate, .isCountry, .isCurrency].contains(node.op) && node.args.count == 1:
      if let path = LogicOperand(node.args[0]).memberPath { return PathPredicateNode(path, node.op, general: node) }
    default:
      break
    }
    return node
  }

  private static func equals(_ path: LogicPath, _ constant: JSON, expected: Bool, _ node: LogicNode) -> LogicNode {
    switch constant {
    case .int(let i): PathEqualsIntNode(path, i, expected: expected, general: node)
    case .string(let s): PathEqualsStringNode(path, s, expected: expected, general: node)
    case .bool(let b): PathEqualsIntNode(path, b ? 1 : 0, isBool: true, expected: expected, general: node)
    default: node
    }
  }
}

/// `value <op> constant` for an integer value.
final class PathCompareIntNode: PathTestNode, @unchecked Sendable {
  let comparison: LogicComparison
  let constant: Int
  init(_ path: LogicPath, _ comparison: LogicComparison, _ constant: Int, general: LogicNode) {
    self.comparison = comparison
    self.constant = constant
    super.init(path, general: general)
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    if evaluator.recorder == nil, let value = path.locate(in: data), case .int(let v) = value.pointee {
      switch comparison {
      case .less: return v < constant
      case .lessOrEqual: return v <= constant
      case .greater: return v > constant
      case .greaterOrEqual: return v >= constant
      }
    }
    return try general.test(data, evaluator, scope)
  }
}

/// `==`/`===` (expected true) or `!=`/`!==` (expected false) against an integer or boolean
/// constant, for a value of the same type.
final class PathEqualsIntNode: PathTestNode, @unchecked Sendable {
  let constant: Int
  let isBool: Bool
  let expected: Bool
  init(_ path: LogicPath, _ constant: Int, isBool: Bool = false, expected: Bool, general: LogicNode) {
    self.constant = constant
    self.isBool = isBool
    self.expected = expected
    super.init(path, general: general)
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    if evaluator.recorder == nil, let value = path.locate(in: data) {
      switch value.pointee {
      case .int(let v) where !isBool: return (v == constant) == expected
      case .bool(let b) where isBool: return (b == (constant != 0)) == expected
      default: break
      }
    }
    return try general.test(data, evaluator, scope)
  }
}

/// `==`/`===` or `!=`/`!==` against a string constant, for a string value.
final class PathEqualsStringNode: PathTestNode, @unchecked Sendable {
  let constant: String
  let expected: Bool
  init(_ path: LogicPath, _ constant: String, expected: Bool, general: LogicNode) {
    self.constant = constant
    self.expected = expected
    super.init(path, general: general)
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    if evaluator.recorder == nil, let value = path.locate(in: data), case .string(let s) = value.pointee {
      return (s == constant) == expected
    }
    return try general.test(data, evaluator, scope)
  }
}

/// `in` a list of constant strings, for a string value.
final class PathMemberNode: PathTestNode, @unchecked Sendable {
  let strings: [String]
  init(_ path: LogicPath, _ strings: [String], general: LogicNode) {
    self.strings = strings
    super.init(path, general: general)
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    if evaluator.recorder == nil, let value = path.locate(in: data), case .string(let s) = value.pointee {
      return strings.withUnsafeBufferPointer { candidates in
        for candidate in candidates where candidate == s { return true }
        return false
      }
    }
    return try general.test(data, evaluator, scope)
  }
}

/// `!!` (expected true) or `!` (expected false): decided for every value, a missing one too.
final class PathTruthNode: PathTestNode, @unchecked Sendable {
  let expected: Bool
  init(_ path: LogicPath, expected: Bool, general: LogicNode) {
    self.expected = expected
    super.init(path, general: general)
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    guard evaluator.recorder == nil else { return try general.test(data, evaluator, scope) }
    guard let value = path.locate(in: data) else { return !expected }
    return value.pointee.isTruthy == expected
  }
}

extension LogicComparison {
  /// The comparison with its operands swapped: `k < x` is `x > k`.
  var flipped: LogicComparison {
    switch self {
    case .less: .greater
    case .lessOrEqual: .greaterOrEqual
    case .greater: .less
    case .greaterOrEqual: .lessOrEqual
    }
  }
}

extension LogicOperand {
  /// The operand's path when it reads a member (or element) of the data: a `var` with a
  /// constant, non-empty path. The whole data (`{"var": ""}`) is no member read.
  var memberPath: LogicPath? {
    if case .path(let path) = self, !path.segments.isEmpty { return path }
    return nil
  }

  /// The operand's value when it is an integer constant.
  var constantInt: Int? {
    if case .constant(.int(let i)) = self { return i }
    return nil
  }
}

/// `is_date`, `is_country` or `is_currency` of a path, for a string value: the string is read
/// in place, where the general call built an argument array and copied the value into it.
final class PathPredicateNode: PathTestNode, @unchecked Sendable {
  let op: LogicOperator
  init(_ path: LogicPath, _ op: LogicOperator, general: LogicNode) {
    self.op = op
    super.init(path, general: general)
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    if evaluator.recorder == nil, let value = path.locate(in: data), case .string(let text) = value.pointee {
      return LogicEvaluator.isValid(text, op)
    }
    return try general.test(data, evaluator, scope)
  }
}
