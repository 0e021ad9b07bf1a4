/// A list operator whose operand is one operation rather than an array: `{"+": {"var":
/// "amounts"}}`, `{"max": {"map": …}}`, `{"cat": {"merge": …}}`. The operation runs first; an array
/// it yields is the argument list, any other value the one argument.
///
/// The number of arguments is known only then, so it is checked here rather than by the
/// compiler: `{"-": {"preserve": []}}` is `Invalid Arguments`.
final class SpreadCallNode: LogicNode, @unchecked Sendable {
  let op: LogicOperator
  let operand: LogicNode

  init(_ op: LogicOperator, _ operand: LogicNode) {
    precondition(op.spreadsComputedArguments, "'\(op.rawValue)' does not spread a computed operand")
    self.op = op
    self.operand = operand
  }

  override func evaluate(_ data: JSON, _ evaluator: LogicEvaluator, _ scope: LogicScope?) throws(LogicError) -> JSON {
    let value = try operand.evaluate(data, evaluator, scope)
    let values: [JSON]
    if case .array(let elements) = value {
      values = elements
      evaluator.recorder?.noteChange(
        "'\(op.rawValue)' now takes the elements of the array its operand computes as its arguments "
          + "(before, the array was one argument)")
    } else {
      values = [value]
    }
    switch op {
    case .cat, .merge: return try evaluator.strings(op, values)
    default: return try evaluator.arithmetic(op, values)
    }
  }
}
