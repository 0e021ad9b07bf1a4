extension LogicExpression {
  /// One evaluation, and the rules of the language it relied on whose answer changed with the
  /// community semantics (#19).
  public struct CompatibilityReport: Sendable {
    /// The result, or the error a rule would now meet (a fatal `RULE_ERROR` in a cycle).
    public var result: Result<JSON, LogicError>
    /// A sentence per changed rule the evaluation relied on, such as `{} is now false (it was
    /// true)`. The result may still be what it was (a changed answer deep inside need not change
    /// the outcome), so these are warnings, not proof.
    public var changes: [String]
  }

  /// Evaluates against `data`, noting where the answer rests on a rule whose meaning changed:
  /// the truth of an empty object (also of the whole result, when `isCondition`), `null == 0`,
  /// and a computed operand spread as arguments. Errors that the stricter rules added (`NaN` for
  /// values that cannot be compared, `Invalid Arguments`, `Exceeded Allowed Depth`) show as a
  /// failed result.
  public func compatibilityReport(
    for data: JSON, in context: LogicContext = LogicContext(), isCondition: Bool = true
  ) -> CompatibilityReport {
    let recorder = LogicTraceRecorder()
    let result = Result { () throws(LogicError) -> JSON in
      try LogicEvaluator.with(context, recorder: recorder) { (evaluator) throws(LogicError) in
        let value = try evaluator.evaluate(root, data, nil)
        if isCondition { _ = evaluator.truth(value) }
        return value
      }
    }
    return CompatibilityReport(result: result, changes: recorder.changes)
  }
}
