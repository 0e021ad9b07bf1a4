// The specialised nodes for the operators policy rules use most: truth, comparison, equality,
// arithmetic on two operands, membership in a constant list and matching a constant pattern.
// Each reads its operands in place (see ``LogicOperand``) and, where its value is a boolean,
// decides it directly in `test`.
//
// Low-level code: constant lists are scanned through `withUnsafeBufferPointer`. Benchmarks:
// `policyflow-bench logic` and `cycle` (BENCHMARKS.md, 2026-11-30: operands read in place instead
// of an argument array per evaluation; `a + b` had built a two-element array each time).

/// A node whose value is always a boolean: it decides `test`, and its value is that truth.
class BooleanNode: LogicNode, @unchecked Sendable {
  override final var isBoolean: Bool { true }
  override final func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError)
    -> JSON
  {
    .bool(try test(data, evaluator, scope))
  }
}

/// `!` (negated) and `!!`.
final class TruthNode: BooleanNode, @unchecked Sendable {
  let operand: LogicOperand
  let negated: Bool
  init(_ operand: LogicNode, negated: Bool) {
    self.operand = LogicOperand(operand)
    self.negated = negated
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    try operand.test(data, evaluator, scope) != negated
  }
}

/// `<`, `<=`, `>`, `>=` with two operands (three or more: ``ChainedComparisonNode``).
final class CompareNode: BooleanNode, @unchecked Sendable {
  let comparison: LogicComparison
  let lhs: LogicOperand
  let rhs: LogicOperand
  init(_ comparison: LogicComparison, _ lhs: LogicNode, _ rhs: LogicNode) {
    self.comparison = comparison
    self.lhs = LogicOperand(lhs)
    self.rhs = LogicOperand(rhs)
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    let a = try lhs.evaluate(data, evaluator, scope)
    let b = try rhs.evaluate(data, evaluator, scope)
    return try JSON.logicCompare(a, b, comparison)
  }
}

/// `==`, `===`, `!=`, `!==` with two operands.
final class EqualityNode: BooleanNode, @unchecked Sendable {
  let kind: LogicEquality
  let lhs: LogicOperand
  let rhs: LogicOperand
  init(_ kind: LogicEquality, _ lhs: LogicNode, _ rhs: LogicNode) {
    self.kind = kind
    self.lhs = LogicOperand(lhs)
    self.rhs = LogicOperand(rhs)
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    let a = try lhs.evaluate(data, evaluator, scope)
    let b = try rhs.evaluate(data, evaluator, scope)
    if evaluator.recorder != nil { evaluator.noteNullEquality(a, b, kind) }
    return try JSON.logicEquals(a, b, kind)
  }
}

/// `+`, `-`, `*`, `/` and `%` with two operands, the shape of premium calculations and of
/// counting in `reduce`: no argument array is built for each evaluation.
final class ArithmeticNode: LogicNode, @unchecked Sendable {
  let op: LogicOperator
  let lhs: LogicOperand
  let rhs: LogicOperand
  init(_ op: LogicOperator, _ lhs: LogicNode, _ rhs: LogicNode) {
    self.op = op
    self.lhs = LogicOperand(lhs)
    self.rhs = LogicOperand(rhs)
  }
  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    let a = try lhs.evaluate(data, evaluator, scope)
    let b = try rhs.evaluate(data, evaluator, scope)
    return try LogicEvaluator.arithmetic(op, a, b, exact: evaluator.contextPointer.pointee.exactIntegers)
  }
}

/// `{"in": [x, [constants…]]}`: strict membership, as `Array.prototype.indexOf`.
final class MemberNode: BooleanNode, @unchecked Sendable {
  let needle: LogicOperand
  let list: [JSON]
  init(_ needle: LogicNode, _ list: [JSON]) {
    self.needle = LogicOperand(needle)
    self.list = list
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    let value = try needle.evaluate(data, evaluator, scope)
    return list.withUnsafeBufferPointer { candidates in
      for candidate in candidates where JSON.jsStrictEquals(candidate, value) { return true }
      return false
    }
  }
}

/// `{"matches": [x, "constant pattern"]}` with the pattern compiled once.
final class MatchesNode: BooleanNode, @unchecked Sendable {
  let subject: LogicNode
  let pattern: LogicPattern
  init(_ subject: LogicNode, _ pattern: LogicPattern) {
    self.subject = subject
    self.pattern = pattern
  }
  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    guard case .string(let s) = try subject.evaluate(data, evaluator, scope) else { return false }
    return pattern.matches(s)
  }
}

/// The four relational operators.
enum LogicComparison: Sendable {
  case less, lessOrEqual, greater, greaterOrEqual
}

/// `==`, `===`, `!=` and `!==`.
enum LogicEquality: Sendable {
  case loose, strict, looseNot, strictNot
}
