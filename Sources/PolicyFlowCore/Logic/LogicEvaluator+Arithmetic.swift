/// `+`, `-`, `*`, `/`, `%`, `max` and `min`.
///
/// Operands convert as JavaScript's unary plus (`"3.14"` is 3.14, `null` 0, `true` 1), as in
/// json-logic-engine; json-logic-js's `parseFloat` for `+` and `*` (which reads `"3abc"` as 3) is
/// not followed. Errors follow the community specification: an array or object operand, a string
/// that is not a number, or a result JSON cannot hold (NaN, infinity, division by zero) is a
/// `{"type": "NaN"}` error; `max`/`min` of nothing is `Invalid Arguments`.
///
/// Integers stay exact: `Int` with `Int` gives an `Int` when the result is exact (`/` only when it
/// divides evenly) and falls back to `Double` on overflow; a `Double` operand gives a `Double`.
extension LogicEvaluator {
  func arithmetic(_ op: LogicOperator, _ values: [JSON]) throws(LogicError) -> JSON {
    var numbers: [JSON] = []
    numbers.reserveCapacity(values.count)
    for value in values { numbers.append(try Self.number(value, for: op)) }
    switch op {
    case .add:
      var sum = JSON.int(0)
      for n in numbers { sum = try Self.combine(sum, n, op) }
      return sum
    case .multiply:
      guard var product = numbers.first else { return .int(1) }
      for n in numbers.dropFirst() { product = try Self.combine(product, n, op) }
      return product
    case .subtract:
      if numbers.count == 1 { return try Self.combine(.int(0), numbers[0], op) }
      return try Self.combine(numbers[0], numbers[1], op)
    case .divide, .remainder:
      return try Self.combine(numbers[0], numbers[1], op)
    default:
      guard var best = numbers.first else {
        throw LogicError.invalidArguments("'\(op.rawValue)' needs at least one number")
      }
      for n in numbers.dropFirst() {
        let order = JSON.compareNumbers(n, best)
        if op == .max ? order == .orderedDescending : order == .orderedAscending { best = n }
      }
      return best
    }
  }

  /// `+`, `-`, `*`, `/` or `%` of exactly two operands: what ``arithmetic(_:_:)`` gives for
  /// `[a, b]`, without an argument array.
  static func arithmetic(_ op: LogicOperator, _ a: JSON, _ b: JSON) throws(LogicError) -> JSON {
    let x = try number(a, for: op)
    let y = try number(b, for: op)
    // `+` folds from 0 as the general case does (0 + -0.0 is 0.0 in floating point).
    if op == .add { return try combine(try combine(.int(0), x, op), y, op) }
    return try combine(x, y, op)
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

  private static func combine(_ a: JSON, _ b: JSON, _ op: LogicOperator) throws(LogicError) -> JSON {
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
}
