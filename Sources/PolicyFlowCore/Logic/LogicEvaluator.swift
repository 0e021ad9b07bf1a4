// Low-level code: the evaluator borrows the context through a pointer for the length of one
// evaluation. Benchmark: `policyflow-bench cycle`, whose rules evaluate with a context holding
// the message codes attached so far (commit 6da4ebf, 2026-11-22: copying the context into each
// evaluation retained that set on every call).

/// Walks a compiled ``LogicNode`` tree. One evaluator serves traced and untraced evaluation:
/// the recorder is optional and checked once per read.
struct LogicEvaluator {
  /// The caller's context, borrowed for the evaluation: holding a copy would retain and release
  /// its set of message codes on every evaluation.
  let contextPointer: UnsafePointer<LogicContext>
  let recorder: LogicTraceRecorder?

  /// Runs `body` with an evaluator over `context`; the evaluator must not outlive it.
  static func with<Result>(
    _ context: borrowing LogicContext, recorder: LogicTraceRecorder?,
    _ body: (LogicEvaluator) throws(LogicError) -> Result
  ) throws(LogicError) -> Result {
    try withUnsafePointer(to: context) { (pointer) throws(LogicError) -> Result in
      try body(LogicEvaluator(contextPointer: pointer, recorder: recorder))
    }
  }

  var context: LogicContext { contextPointer.pointee }

  @inline(__always)
  func evaluate(_ node: LogicNode, _ data: JSON, _ scope: LogicScope?) throws(LogicError) -> JSON {
    try node.evaluate(data, self, scope)
  }

  /// Evaluates every node, in order.
  func values(_ nodes: [LogicNode], _ data: JSON, _ scope: LogicScope?) throws(LogicError) -> [JSON] {
    var result: [JSON] = []
    result.reserveCapacity(nodes.count)
    for node in nodes { result.append(try evaluate(node, data, scope)) }
    return result
  }

  /// Reads `path` from `data`. Traced only outside iterations: inside `map`, `filter`,
  /// `reduce`, `all`, `some` and `none` the data is the current element (or `current` and
  /// `accumulator`), which says nothing about the policy on its own; the iterated array itself
  /// was traced when it was read.
  @inline(__always)
  func read(_ path: LogicPath, _ data: JSON, _ scope: LogicScope?) -> JSON? {
    let found = path.lookup(in: data)
    if let recorder, scope == nil { recorder.record(path.text, found) }
    return found
  }

  /// The truth of `value`, noting under a recorder when it is an empty object: `{}` is false
  /// since the community semantics (#19) and was true before.
  @inline(__always)
  func truth(_ value: JSON) -> Bool {
    if let recorder, case .object(let object) = value, object.isEmpty {
      recorder.noteChange("{} is now false (it was true)")
    }
    return value.isTruthy
  }

  /// Notes `null == 0` and `null == false` (true since the community semantics, false in
  /// JavaScript and before).
  func noteNullEquality(_ a: JSON, _ b: JSON, _ kind: LogicEquality) {
    guard kind == .loose || kind == .looseNot else { return }
    for (x, y) in [(a, b), (b, a)] where x == .null {
      if y == .int(0) || y == .double(0) || y == .bool(false) {
        let sentence =
          kind == .loose
          ? "null == \(y.serialized()) is now true (it was false)"
          : "null != \(y.serialized()) is now false (it was true)"
        recorder?.noteChange(sentence)
      }
    }
  }

  func readScoped(_ scoped: LogicScopedPath, _ data: JSON, _ scope: LogicScope?) -> JSON? {
    let found = LogicScope.climb(scoped.climb, from: data, scope: scope).flatMap { scoped.path.lookup(in: $0) }
    if let recorder { recorder.record(scoped.path.text, found) }
    return found
  }

  /// `if`: condition/consequent pairs, then the alternative; with one argument, that argument.
  func conditional(_ nodes: [LogicNode], _ data: JSON, _ scope: LogicScope?) throws(LogicError) -> JSON {
    var i = 0
    while i + 1 < nodes.count {
      if try nodes[i].test(data, self, scope) { return try evaluate(nodes[i + 1], data, scope) }
      i += 2
    }
    if i < nodes.count { return try evaluate(nodes[i], data, scope) }
    return .null
  }

  /// The operators without a specialised node.
  func call(_ op: LogicOperator, _ args: [LogicNode], _ data: JSON, _ scope: LogicScope?)
    throws(LogicError) -> JSON
  {
    switch op {
    case .variable: return try dynamicVar(args, data, scope)
    case .val, .exists: return try dynamicVal(op, args, data, scope)
    case .missing: return missing(try values(args, data, scope), data, scope)
    case .missingSome: return try missingSome(try values(args, data, scope), data, scope)
    case .coalesce:
      for node in args {
        let value = try evaluate(node, data, scope)
        if value != .null { return value }
      }
      return .null
    case .tryEach: return try attempt(args, data, scope)
    case .throwError: throw thrown(try evaluate(args[0], data, scope))
    case .log:
      // Returns its argument and writes nothing: the core does no I/O, and the CLI's stdout is
      // machine-read. A traced evaluation shows what the argument read.
      return try evaluate(args[0], data, scope)
    case .map, .filter, .all, .none, .some, .reduce: return try iterate(op, args, data, scope)
    case .subtract where args.count == 1 && contextPointer.pointee.exactIntegers && Self.isDivision(args[0]):
      return try negatedQuotient(args[0], data, scope)
    case .add, .subtract, .multiply, .divide, .remainder, .max, .min:
      return try arithmetic(op, try values(args, data, scope))
    case .merge, .contains, .cat, .substr:
      return try strings(op, try values(args, data, scope))
    case .length: return try Self.length(try evaluate(args[0], data, scope))
    case .today, .now, .isDate, .dateBefore, .dateAfter, .dateAdd, .daysBetween, .ageAt:
      return try dates(op, try values(args, data, scope))
    case .matches, .hasMessage, .isCountry, .isCurrency:
      return try domain(op, try values(args, data, scope))
    case .ifThenElse, .ternary: return try conditional(args, data, scope)
    case .and, .or, .not, .truthy, .less, .lessOrEqual, .greater, .greaterOrEqual, .equal, .strictEqual, .notEqual,
      .strictNotEqual, .preserve:
      // Reached only when the compiler could not specialise (a wrong argument count it reported).
      throw LogicError.invalidArguments("'\(op.rawValue)' was given the wrong number of arguments")
    }
  }

  /// `try`: the first argument that does not fail; each fallback sees the previous error as its
  /// data (`{"val": "type"}`), with the data outside the `try` two levels up. When every argument
  /// fails, the last error is thrown.
  ///
  /// Decision: the fallback's data is the whole error value (`{"type": "NaN"}`, or the object
  /// `throw` was given with all its members); json-logic-engine passes only `{"type": …}`, which
  /// this extends.
  private func attempt(_ args: [LogicNode], _ data: JSON, _ scope: LogicScope?) throws(LogicError) -> JSON {
    var lastError: LogicError?
    for node in args {
      do {
        if let error = lastError {
          return try evaluate(node, error.value, LogicScope(parentData: data, parent: scope, index: nil))
        }
        return try evaluate(node, data, scope)
      } catch {
        lastError = error
      }
    }
    throw lastError ?? LogicError.invalidArguments("'try' takes at least 1 argument")
  }

  /// `throw`: a string becomes `{"type": string}`; an object is thrown as it is. A one-member
  /// object literal such as `{"type": "X"}` reads as an operator, so rules write
  /// `{"throw": "X"}` or `{"throw": {"preserve": {"type": "X", …}}}`.
  private func thrown(_ value: JSON) -> LogicError {
    switch value {
    case .string(let type): return LogicError(type: type, message: type)
    case .object(let object):
      let type = object["type"]?.stringValue ?? "Error"
      let message = object["message"]?.stringValue ?? type
      return LogicError(type: type, message: message, value: value)
    default:
      return LogicError(type: value.jsString, message: value.jsString)
    }
  }
}
