/// Comparison and equality as the JSON Logic community specification defines them: JavaScript's
/// operators, except that a comparison which would quietly answer `false` for values that are
/// not comparable fails instead.
///
/// For `<`, `<=`, `>`, `>=`, `==` and `!=`:
/// - two strings compare as strings (UTF-16 code units), so ISO dates order correctly;
/// - an array or object operand is a `NaN` error;
/// - `null` is never equal to a string; against a string it orders as 0 does against the
///   string's number, and not at all (every comparison false, no error) when the string is not a
///   number, as in JavaScript;
/// - otherwise both operands are numbers: `null` is 0 (so `null == 0`), booleans 0 and 1, a
///   string its numeric value; a string that is not a number is a `NaN` error
///   (`{"<": [2023, "2024-01-01"]}` fails rather than letting a policy through).
///
/// `===` and `!==` never fail: same type and value (numbers by value, arrays and objects by
/// structure).
extension JSON {
  /// `a <op> b`; integers compare exactly.
  @inline(__always)
  static func logicCompare(_ a: JSON, _ b: JSON, _ comparison: LogicComparison) throws(LogicError) -> Bool {
    if case .int(let x) = a, case .int(let y) = b {
      switch comparison {
      case .less: return x < y
      case .lessOrEqual: return x <= y
      case .greater: return x > y
      case .greaterOrEqual: return x >= y
      }
    }
    guard let order = try comparisonOrder(a, b, comparison.symbol) else { return false }
    switch comparison {
    case .less: return order == .orderedAscending
    case .lessOrEqual: return order != .orderedDescending
    case .greater: return order == .orderedDescending
    case .greaterOrEqual: return order != .orderedAscending
    }
  }

  /// `==`, `===`, `!=` or `!==`.
  @inline(__always)
  static func logicEquals(_ a: JSON, _ b: JSON, _ kind: LogicEquality) throws(LogicError) -> Bool {
    switch kind {
    case .strict: return jsStrictEquals(a, b)
    case .strictNot: return !jsStrictEquals(a, b)
    case .loose: return try looseEquals(a, b, "==")
    case .looseNot: return try !looseEquals(a, b, "!=")
    }
  }

  @inline(__always)
  private static func looseEquals(_ a: JSON, _ b: JSON, _ symbol: String) throws(LogicError) -> Bool {
    // The shapes rules compare most, decided without the general rules.
    if case .int(let x) = a, case .int(let y) = b { return x == y }
    if case .string(let x) = a, case .string(let y) = b { return x == y }
    if case .bool(let x) = a, case .bool(let y) = b { return x == y }
    switch (a, b) {
    case (.null, .null): return true
    case (.null, .string), (.string, .null): return false
    default: return try comparisonOrder(a, b, symbol) == .orderedSame
    }
  }

  /// How `a` and `b` order under the rules above; nil when they are unordered (`null` against a
  /// string that is not a number).
  static func comparisonOrder(_ a: JSON, _ b: JSON, _ symbol: String) throws(LogicError) -> NumericOrder? {
    switch (a, b) {
    case (.array, _), (.object, _), (_, .array), (_, .object):
      throw LogicError.notANumber(
        "'\(symbol)' cannot compare \(a.serialized()) with \(b.serialized()): arrays and objects are not numbers")
    case (.string(let s), .string(let t)):
      if s.utf16.elementsEqual(t.utf16) { return .orderedSame }
      return s.utf16.lexicographicallyPrecedes(t.utf16) ? .orderedAscending : .orderedDescending
    case (.null, .string(let text)), (.string(let text), .null):
      let number = JSON.parseJSNumber(text)
      if case .double(let d) = number, d.isNaN { return nil }
      return a == .null ? compareNumbers(.int(0), number) : compareNumbers(number, .int(0))
    default:
      let x = a.jsNumber
      let y = b.jsNumber
      for (value, number) in [(a, x), (b, y)] {
        if case .double(let d) = number, d.isNaN {
          throw LogicError.notANumber(
            "'\(symbol)' cannot compare \(a.serialized()) with \(b.serialized()): \(value.serialized()) is not a number"
          )
        }
      }
      return compareNumbers(x, y)
    }
  }
}

extension LogicComparison {
  /// The operator as rules write it, for messages.
  var symbol: String {
    switch self {
    case .less: "<"
    case .lessOrEqual: "<="
    case .greater: ">"
    case .greaterOrEqual: ">="
    }
  }
}
