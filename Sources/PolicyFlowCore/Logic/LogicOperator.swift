/// Every operator the compiler knows: the jsonlogic.com set, the community additions maintained
/// by the json-logic project, and PolicyFlow's domain operators.
enum LogicOperator: String, CaseIterable, Sendable {
  // Data access.
  case variable = "var", missing, missingSome = "missing_some", val, exists
  // Logic and control.
  case ifThenElse = "if", ternary = "?:", equal = "==", strictEqual = "===", notEqual = "!="
  case strictNotEqual = "!==", not = "!", truthy = "!!", or, and, coalesce = "??"
  case throwError = "throw", tryEach = "try", preserve, log
  // Numbers.
  case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", max, min
  case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
  // Arrays and strings.
  case map, filter, reduce, all, none, some, merge, contains = "in", cat, substr
  // Domain.
  case today, now, isDate = "is_date", dateBefore = "date_before", dateAfter = "date_after"
  case dateAdd = "date_add", daysBetween = "days_between", ageAt = "age_at", matches
  case hasMessage = "has_message", isCountry = "is_country", isCurrency = "is_currency"

  static let byName: [String: LogicOperator] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

  /// How many arguments the operator accepts. A non-array operand counts as one argument.
  var arity: ClosedRange<Int> {
    switch self {
    case .variable: 0...2
    case .missingSome, .equal, .strictEqual, .notEqual, .strictNotEqual, .greater, .greaterOrEqual: 2...2
    case .divide, .remainder, .map, .filter, .all, .none, .some, .contains: 2...2
    case .dateBefore, .dateAfter, .daysBetween, .ageAt, .matches: 2...2
    case .less, .lessOrEqual, .reduce, .substr: 2...3
    case .not, .truthy, .throwError, .log, .isDate, .isCountry, .isCurrency: 1...1
    case .subtract: 1...2
    case .tryEach, .exists, .hasMessage, .max, .min: 1...Int.max
    case .today, .now: 0...0
    case .dateAdd: 3...3
    case .missing, .val, .ifThenElse, .ternary, .or, .and, .coalesce, .preserve, .add, .multiply, .merge, .cat:
      0...Int.max
    }
  }

  /// `'substr' takes 2 or 3 arguments`, for arity problems.
  var arityDescription: String {
    let range = arity
    let noun = { (n: Int) in n == 1 ? "argument" : "arguments" }
    if range.upperBound == Int.max { return "'\(rawValue)' takes at least \(range.lowerBound) \(noun(range.lowerBound))" }
    if range.lowerBound == range.upperBound {
      if range.lowerBound == 0 { return "'\(rawValue)' takes no arguments" }
      return "'\(rawValue)' takes \(range.lowerBound) \(noun(range.lowerBound))"
    }
    if range.upperBound == range.lowerBound + 1 {
      return "'\(rawValue)' takes \(range.lowerBound) or \(range.upperBound) arguments"
    }
    return "'\(rawValue)' takes \(range.lowerBound) to \(range.upperBound) arguments"
  }
}
