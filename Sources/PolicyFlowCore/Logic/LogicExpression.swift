/// A JsonLogic expression compiled once, evaluated many times.
///
/// Operators: every jsonlogic.com operator, the community additions of the json-logic project
/// (`val`, `??`, `exists`, `throw`, `try`, `preserve`, `length`, errors as values), and
/// PolicyFlow's domain operators (`today`, `now`, `is_date`, `date_before`, `date_after`,
/// `date_add`, `days_between`, `age_at`, `matches`, `has_message`, `is_country`,
/// `is_currency`). Both the community suite and the jsonlogic.com suite pass; where
/// json-logic-js and the community specification differ, the community specification wins:
/// variadic `-` `/` `%`, chained lazy comparisons, `{}` is falsy, and values that cannot be
/// compared or computed with are errors (`NaN`, `Invalid Arguments`) rather than a quiet `false`.
public struct LogicExpression: Sendable {
  /// The JSON the expression was compiled from (for display and snapshots).
  public let source: JSON
  let root: LogicNode

  /// Compiles `rule`, reporting every problem at once (unknown operators with a suggestion,
  /// wrong number of arguments, malformed domain-operator arguments). Each problem carries a JSON
  /// Pointer relative to `rule`, so a caller can map it to a file location.
  public static func compile(_ rule: JSON) throws(LogicCompileFailure) -> LogicExpression {
    var compiler = LogicCompiler()
    let root = compiler.compile(rule, at: "")
    guard compiler.problems.isEmpty else { throw LogicCompileFailure(problems: compiler.problems) }
    return LogicExpression(source: rule, root: root)
  }

  /// Evaluates against `data`. Errors are JsonLogic errors (`{"type": "NaN"}`, thrown values…).
  public func evaluate(_ data: JSON, in context: LogicContext = LogicContext()) throws(LogicError) -> JSON {
    try LogicEvaluator.with(context, recorder: nil) { (evaluator) throws(LogicError) in
      try evaluator.evaluate(root, data, nil)
    }
  }

  /// Whether the expression holds for `data`: the JsonLogic truthiness of ``evaluate(_:in:)``'s
  /// result, decided without building the intermediate results of comparisons and `and`/`or`.
  public func isTrue(for data: JSON, in context: LogicContext = LogicContext()) throws(LogicError) -> Bool {
    try LogicEvaluator.with(context, recorder: nil) { (evaluator) throws(LogicError) in
      try root.test(data, evaluator, nil)
    }
  }

  /// Evaluates and records every value the expression read (each `var`/`val` path and what it
  /// found), for explaining an outcome.
  ///
  /// Reads are appended to `trace` in evaluation order, also when evaluation fails. Besides
  /// `var` and `val`, `missing`/`missing_some` keys and `has_message` codes are recorded.
  public func evaluate(_ data: JSON, in context: LogicContext = LogicContext(), trace: inout LogicTrace)
    throws(LogicError) -> JSON
  {
    let recorder = LogicTraceRecorder()
    defer { trace.reads.append(contentsOf: recorder.reads) }
    return try LogicEvaluator.with(context, recorder: recorder) { (evaluator) throws(LogicError) in
      try evaluator.evaluate(root, data, nil)
    }
  }
}

extension JSON {
  /// JsonLogic truthiness as the community specification tables it: false, null, 0, NaN, "",
  /// [] and {} are false; everything else is true. (json-logic-js took `{}` as true, as
  /// JavaScript does.)
  public var isTruthy: Bool {
    switch self {
    case .null: false
    case .bool(let b): b
    case .int(let i): i != 0
    case .double(let d): d != 0 && !d.isNaN
    case .string(let s): !s.isEmpty
    case .array(let a): !a.isEmpty
    case .object(let o): !o.isEmpty
    }
  }
}
