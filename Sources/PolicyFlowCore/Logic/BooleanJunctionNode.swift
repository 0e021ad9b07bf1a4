// Low-level code: the operands are called through `Unmanaged` references, borrowed for each
// call. Benchmark: `policyflow-bench logic` (cond5, callgrind, 2026-12-06: 935 instructions an
// evaluation with this loop, 1,194 with a plain `for operand in operands` loop, which retains
// and releases each operand around its call).

/// `and` / `or` over operands that are all boolean (comparisons, `!`, `in`…), the shape of most
/// conditions: its value is the truth its test decides, in one loop over the operands instead
/// of a call per link.
final class BooleanJunctionNode: BooleanNode, @unchecked Sendable {
  /// Holds the operands alive; ``references`` is what the loop reads.
  let operands: [LogicNode]
  /// The same operands unretained: reading a class reference out of an array retains and
  /// releases it around each call, an unmanaged one is borrowed.
  let references: [Unmanaged<LogicNode>]
  let isAnd: Bool

  init(_ operands: [LogicNode], isAnd: Bool) {
    self.operands = operands
    self.references = operands.map { Unmanaged.passUnretained($0) }
    self.isAnd = isAnd
  }

  override func test(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> Bool {
    var failure: LogicError?
    let truth = references.withUnsafeBufferPointer { references in
      for reference in references {
        let decided = reference._withUnsafeGuaranteedRef { operand in
          do throws(LogicError) { return try operand.test(data, evaluator, scope) } catch {
            failure = error
            return !isAnd
          }
        }
        if decided != isAnd { return !isAnd }
      }
      return isAnd
    }
    if let failure { throw failure }
    return truth
  }
}
