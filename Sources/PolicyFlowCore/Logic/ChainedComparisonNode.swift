/// A comparison or equality with three or more operands: `{"<": [a, b, c]}` holds when every
/// neighbouring pair does (`a < b` and `b < c`), as the community specification chains them.
///
/// Lazy: operands are evaluated left to right and evaluation stops at the first pair that does
/// not hold, so `{"<": [3, 2, {"throw": "X"}]}` is false and never throws.
final class ChainedComparisonNode: BooleanNode, @unchecked Sendable {
  let relation: LogicRelation
  let operands: [LogicOperand]

  init(_ relation: LogicRelation, _ operands: [LogicNode]) {
    precondition(operands.count > 2, "a chain has three or more operands; two are a CompareNode or EqualityNode")
    self.relation = relation
    self.operands = operands.map(LogicOperand.init)
  }

  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    var previous = try operands[0].evaluate(data, evaluator, scope)
    for operand in operands.dropFirst() {
      let next = try operand.evaluate(data, evaluator, scope)
      if evaluator.recorder != nil, case .equality(let kind) = relation {
        evaluator.noteNullEquality(previous, next, kind)
      }
      guard try relation.holds(previous, next) else { return false }
      previous = next
    }
    return true
  }
}

/// What a neighbouring pair of a chain must satisfy.
enum LogicRelation: Sendable {
  case ordering(LogicComparison)
  case equality(LogicEquality)

  func holds(_ a: JSON, _ b: JSON) throws(LogicError) -> Bool {
    switch self {
    case .ordering(let comparison): try JSON.logicCompare(a, b, comparison)
    case .equality(let kind): try JSON.logicEquals(a, b, kind)
    }
  }
}
