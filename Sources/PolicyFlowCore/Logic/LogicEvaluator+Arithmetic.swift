/// `+`, `-`, `*`, `/`, `%`, `max` and `min`.
///
/// Operands convert as JavaScript's unary plus (`"3.14"` is 3.14, `null` 0, `true` 1), as in
/// json-logic-engine; json-logic-js's `parseFloat` for `+` and `*` (which reads `"3abc"` as 3) is
/// not followed. Errors follow the community specification: an array or object operand, a string
/// that is not a number, or a result JSON cannot hold (NaN, infinity, division by zero) is a
/// `{"type": "NaN"}` error.
///
/// Every operator folds left over its arguments (`{"-": [10, 2, 3]}` is 5, `{"/": [8, 2, 2]}` is
/// 2, `{"%": [8, 6, 3]}` is 2); with one argument `-` negates it and `/` takes its reciprocal;
/// `+` of nothing is 0 and `*` of nothing 1; `-` and `/` of nothing and `%` of fewer than two are
/// `Invalid Arguments`. `max` and `min` take numbers only: any other argument, or none, is
/// `Invalid Arguments`.
///
/// Integers stay exact: `Int` with `Int` gives an `Int` when the result is exact (`/` only when it
/// divides evenly) and falls back to `Double` on overflow; a `Double` operand gives a `Double`.
/// With ``LogicContext/exactIntegers`` (calculation lines, money) every operand must be a whole
/// number (null, what a missing value reads as, is refused rather than taken as 0) and every
/// result exact: an overflow is an error, and a fraction (a division that does not come out whole)
/// may be a line's amount, negated or not (``negatedQuotient(_:_:_:)``), but no operand (see
/// ``combineExactly(_:_:_:)``).
extension LogicEvaluator {
  func arithmetic(_ op: LogicOperator, _ values: [JSON]) throws(LogicError) -> JSON {
    guard op.arity.contains(values.count) else {
      throw LogicError.invalidArguments("\(op.arityDescription), found \(values.count)")
    }
    if op == .max || op == .min { return try Self.extreme(op, values) }
    let exact = context.exactIntegers
    var numbers: [JSON] = []
    numbers.reserveCapacity(values.count)
    for value in values {
      if exact { try Self.requirePresent(value, for: op) }
      numbers.append(try Self.number(value, for: op))
    }
    switch op {
    case .add:
      var sum = JSON.int(0)
      for n in numbers { sum = try Self.combine(sum, n, op, exact: exact) }
      return sum
    case .multiply:
      guard var product = numbers.first else { return .int(1) }
      for n in numbers.dropFirst() { product = try Self.combine(product, n, op, exact: exact) }
      return product
    case .subtract where numbers.count == 1:
      return try Self.combine(.int(0), numbers[0], op, exact: exact)
    case .divide where numbers.count == 1:
      return try Self.combine(.int(1), numbers[0], op, exact: exact)
    default:
      var result = numbers[0]
      for n in numbers.dropFirst() { result = try Self.combine(result, n, op, exact: exact) }
      return result
    }
  }

  /// `{"-": [{"/": [a, b]}]}` in money's arithmetic: the quotient negated, a fraction included,
  /// which is exact (its sign flips): a discount line, `{"-": [10% of the base]}`, priced a policy
  /// and then refused its pro rata cancellation (money trial). Only a quotient's fraction: a
  /// decimal the data holds (`49.99`) stays refused, as in every other operation.
  func negatedQuotient(_ division: LogicNode, _ data: JSON, _ scope: LogicScope?) throws(LogicError) -> JSON {
    let quotient = try evaluate(division, data, scope)
    if case .double(let fraction) = quotient, fraction.rounded() != fraction { return .double(-fraction) }
    return try arithmetic(.subtract, [quotient])
  }

  /// Whether `node` divides: the operand whose fraction ``negatedQuotient(_:_:_:)`` may negate.
  static func isDivision(_ node: LogicNode) -> Bool {
    (node as? ArithmeticNode)?.op == .divide || (node as? CallNode)?.op == .divide
  }

  /// `max` or `min` of numbers.
  private static func extreme(_ op: LogicOperator, _ values: [JSON]) throws(LogicError) -> JSON {
    var best: JSON?
    for value in values {
      switch value {
      case .int, .double: break
      default: throw LogicError.invalidArguments("'\(op.rawValue)' takes numbers, found \(value.serialized())")
      }
      guard let current = best else {
        best = value
        continue
      }
      let order = JSON.compareNumbers(value, current)
      if op == .max ? order == .orderedDescending : order == .orderedAscending { best = value }
    }
    return best ?? .null
  }

  /// `+`, `-`, `*`, `/` or `%` of exactly two operands: what ``arithmetic(_:_:)`` gives for
  /// `[a, b]`, without an argument array.
  static func arithmetic(_ op: LogicOperator, _ a: JSON, _ b: JSON, exact: Bool) throws(LogicError) -> JSON {
    if exact {
      try requirePresent(a, for: op)
      try requirePresent(b, for: op)
    }
    let x = try number(a, for: op)
    let y = try number(b, for: op)
    // `+` folds from 0 as the general case does (0 + -0.0 is 0.0 in floating point).
    if op == .add { return try combine(try combine(.int(0), x, op, exact: exact), y, op, exact: exact) }
    return try combine(x, y, op, exact: exact)
  }

  /// In money's arithmetic (``LogicContext/exactIntegers``) null is no operand: it is what a
  /// missing value reads as, and taken as 0 a misspelt path priced a policy at its fees alone
  /// (rule author trial). A value that may be absent says so with a default (`{"var": [path, 0]}`).
  static func requirePresent(_ value: JSON, for op: LogicOperator) throws(LogicError) {
    guard case .null = value else { return }
    throw LogicError(
      type: "Invalid Arguments",
      message:
        "'\(op.rawValue)' of null: a value it reads is missing (a misspelt path?), and an amount is never guessed; "
        + "give a value that may be absent a default, {\"var\": [\"path\", 0]}")
  }

  /// The operand as a number (`.int` or a finite `.double`), or a NaN error naming it.
  static func number(_ value: JSON, for op: LogicOperator) throws(LogicError) -> JSON {
    switch value {
    case .int, .double:
      return value
    case .array, .object:
      throw LogicError.notANumber("'\(op.rawValue)' cannot use \(value.typeName) \(value.serialized()) as a number")
    default:
      let number = value.jsNumber
      if case .double(let d) = number, !d.isFinite {
        throw LogicError.notANumber("'\(op.rawValue)' cannot use \(value.serialized()) as a number")
      }
      return number
    }
  }

  private static func combine(_ a: JSON, _ b: JSON, _ op: LogicOperator, exact: Bool) throws(LogicError) -> JSON {
    if exact { return try combineExactly(try wholeNumber(a, op, of: (a, b)), try wholeNumber(b, op, of: (a, b)), op) }
    if case .int(let x) = a, case .int(let y) = b {
      let (result, overflow): (Int, Bool)
      switch op {
      case .add: (result, overflow) = x.addingReportingOverflow(y)
      case .subtract: (result, overflow) = x.subtractingReportingOverflow(y)
      case .multiply: (result, overflow) = x.multipliedReportingOverflow(by: y)
      case .divide:
        guard y != 0 else { throw LogicError.notANumber("division by zero") }
        let (quotient, quotientOverflow) = x.dividedReportingOverflow(by: y)
        if !quotientOverflow, quotient * y == x { return .int(quotient) }
        (result, overflow) = (0, true)
      default:
        guard y != 0 else { throw LogicError.notANumber("remainder of a division by zero") }
        let (remainder, remainderOverflow) = x.remainderReportingOverflow(dividingBy: y)
        return .int(remainderOverflow ? 0 : remainder)
      }
      if !overflow { return .int(result) }
    }
    let x = a.number ?? .nan
    let y = b.number ?? .nan
    let result: Double
    switch op {
    case .add: result = x + y
    case .subtract: result = x - y
    case .multiply: result = x * y
    case .divide:
      guard y != 0 else { throw LogicError.notANumber("division by zero") }
      result = x / y
    default:
      guard y != 0 else { throw LogicError.notANumber("remainder of a division by zero") }
      result = x.truncatingRemainder(dividingBy: y)
    }
    guard result.isFinite else {
      throw LogicError.notANumber("'\(op.rawValue)' of \(a.serialized()) and \(b.serialized()) is not a finite number")
    }
    return .double(result)
  }

  /// A calculation line's operand: a whole number (a `Double` that holds one exactly stands for
  /// it); a fraction is refused, since arithmetic on it would be rounded in binary floating point.
  /// The refusal names both `operands`, so that the line's author can tell which value it is.
  private static func wholeNumber(_ value: JSON, _ op: LogicOperator, of operands: (JSON, JSON)) throws(LogicError)
    -> Int
  {
    switch value {
    case .int(let whole): return whole
    case .double(let number) where number.rounded() == number && number.magnitude < 0x1p53: return Int(number)
    default:
      throw LogicError.invalidArguments(
        "'\(op.rawValue)' of \(operands.0.serialized()) and \(operands.1.serialized()): \(value.serialized()) is not "
          + "a whole number, and a calculation line computes with whole numbers, exactly; write a rate as integers and "
          + "divide last, e.g. {\"/\": [{\"*\": [amount, 725]}, 10000]} for 7.25%")
    }
  }

  /// `x op y` for a calculation line: exact, or refused. Only a division that does not come out
  /// whole gives a fraction (a `Double`), and only from a numerator below 2^52, where a `Double`
  /// quotient rounds to the nearest minor unit as the exact fraction would; the fraction may be
  /// the line's amount but takes part in no further arithmetic.
  private static func combineExactly(_ x: Int, _ y: Int, _ op: LogicOperator) throws(LogicError) -> JSON {
    let (result, overflow): (Int, Bool)
    switch op {
    case .add: (result, overflow) = x.addingReportingOverflow(y)
    case .subtract: (result, overflow) = x.subtractingReportingOverflow(y)
    case .multiply: (result, overflow) = x.multipliedReportingOverflow(by: y)
    case .divide:
      guard y != 0 else { throw LogicError.notANumber("division by zero") }
      let (quotient, quotientOverflow) = x.dividedReportingOverflow(by: y)
      if !quotientOverflow, quotient * y == x { return .int(quotient) }
      guard x.magnitude < 1 << 52, y.magnitude <= 1 << 53 else {
        throw LogicError.invalidArguments(
          "the quotient of \(x) and \(y) is beyond exact arithmetic (a fraction of a numerator from 2^52 on); an "
            + "amount is computed exactly or not at all")
      }
      return .double(Double(x) / Double(y))
    default:
      guard y != 0 else { throw LogicError.notANumber("remainder of a division by zero") }
      let (remainder, remainderOverflow) = x.remainderReportingOverflow(dividingBy: y)
      return .int(remainderOverflow ? 0 : remainder)
    }
    guard !overflow else {
      throw LogicError.invalidArguments(
        "'\(op.rawValue)' of \(x) and \(y) is beyond exact integer arithmetic (64 bits); an amount is computed "
          + "exactly or not at all")
    }
    return .int(result)
  }
}
