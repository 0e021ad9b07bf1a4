/// A compiled JsonLogic expression: the tree the evaluator walks.
///
/// The common shapes of policy rules get their own cases (a `var` with a constant path, a
/// comparison, `in` against a constant list) so that evaluating them neither allocates an
/// argument array nor looks an operator up; everything else goes through ``call(_:_:)``.
enum LogicNode: Sendable {
  /// A literal, or a subtree with no operator in it.
  case constant(JSON)
  /// An array literal holding at least one operation.
  case array([LogicNode])
  /// `{"var": "a.b"}` with a constant path and no default.
  case path(LogicPath)
  /// `{"var": ["a.b", default]}` with a constant path.
  indirect case pathOr(LogicPath, LogicNode)
  /// `{"val": …}` with constant segments, possibly climbing out of an iteration.
  case scoped(LogicScopedPath)
  case and([LogicNode])
  case or([LogicNode])
  /// `if` / `?:`: condition, consequent pairs, then an optional alternative.
  case conditional([LogicNode])
  indirect case not(LogicNode)
  indirect case truthy(LogicNode)
  indirect case compare(LogicComparison, LogicNode, LogicNode)
  /// `{"<": [a, b, c]}`: a < b < c.
  indirect case between(LogicComparison, LogicNode, LogicNode, LogicNode)
  indirect case equality(LogicEquality, LogicNode, LogicNode)
  /// `{"in": [x, [constants…]]}`: strict membership, as `Array.prototype.indexOf`.
  indirect case memberOf(LogicNode, [JSON])
  /// `{"matches": [x, "constant pattern"]}` with the pattern compiled once.
  indirect case matches(LogicNode, LogicPattern)
  /// Any other operator, with its unevaluated arguments (some operators are lazy).
  case call(LogicOperator, [LogicNode])

  /// The value when the node is a constant.
  var constantValue: JSON? {
    if case .constant(let value) = self { return value }
    return nil
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

/// A regular expression compiled from a rule. `Regex` is not declared `Sendable`; a compiled
/// regex is immutable and the standard library documents it as safe to share between threads.
struct LogicPattern: @unchecked Sendable {
  let source: String
  let regex: Regex<AnyRegexOutput>

  init(_ source: String) throws {
    self.source = source
    self.regex = try Regex(source)
  }

  func matches(_ subject: String) -> Bool {
    subject.contains(regex)
  }
}
