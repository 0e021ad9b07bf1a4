/// Every operator the compiler knows: the jsonlogic.com set, the community additions maintained
/// by the json-logic project, and PolicyFlow's domain operators.
enum LogicOperator: String, CaseIterable, Sendable {
  // Data access.
  case variable = "var"
  case missing
  case missingSome = "missing_some"
  case val, exists
  // Logic and control.
  case ifThenElse = "if"
  case ternary = "?:"
  case equal = "=="
  case strictEqual = "==="
  case notEqual = "!="
  case strictNotEqual = "!=="
  case not = "!"
  case truthy = "!!"
  case or, and
  case coalesce = "??"
  case throwError = "throw"
  case tryEach = "try"
  case preserve, log
  // Numbers.
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
  case max, min
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case remainder = "%"
  // Arrays and strings.
  case map, filter, reduce, all, none, some, merge
  case contains = "in"
  case cat, substr, length
  // Domain.
  case today, now
  case isDate = "is_date"
  case dateBefore = "date_before"
  case dateAfter = "date_after"
  case dateAdd = "date_add"
  case daysBetween = "days_between"
  case ageAt = "age_at"
  case matches
  case hasMessage = "has_message"
  case isCountry = "is_country"
  case isCurrency = "is_currency"

  static let byName: [String: LogicOperator] = Dictionary(
    uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

  /// How many arguments the operator accepts. A non-array operand counts as one argument.
  var arity: ClosedRange<Int> {
    switch self {
    case .variable: 0...2
    case .missingSome, .map, .filter, .all, .none, .some, .contains: 2...2
    case .dateBefore, .dateAfter, .daysBetween, .ageAt, .matches: 2...2
    case .reduce, .substr: 2...3
    case .not, .truthy, .throwError, .log, .isDate, .isCountry, .isCurrency, .length: 1...1
    case .tryEach, .exists, .hasMessage, .max, .min, .subtract, .divide: 1...Int.max
    // Comparisons chain: every neighbouring pair must hold (`{"<": [1, 2, 3]}`).
    case .equal, .strictEqual, .notEqual, .strictNotEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
      .remainder:
      2...Int.max
    case .today, .now: 0...0
    case .dateAdd: 3...3
    case .missing, .val, .ifThenElse, .ternary, .or, .and, .coalesce, .preserve, .add, .multiply, .merge, .cat:
      0...Int.max
    }
  }

  /// Operators whose arguments must be written as an array: they decide which arguments to
  /// evaluate, so an operand that computes the list (`{"if": {"var": "x"}}`) or a single value
  /// (`{"and": true}`) is `Invalid Arguments`.
  var needsArgumentArray: Bool {
    switch self {
    case .ifThenElse, .ternary, .and, .or: true
    default: false
    }
  }

  /// Operators that take a list of values: an operand that is an operation (not an array) and
  /// yields an array gives them that array's elements as arguments (`{"+": {"var": "amounts"}}`,
  /// `{"max": {"map": …}}`); another value is one argument.
  var spreadsComputedArguments: Bool {
    switch self {
    case .add, .subtract, .multiply, .divide, .remainder, .max, .min, .cat, .merge: true
    default: false
    }
  }

  /// `'substr' takes 2 or 3 arguments`, for arity problems.
  var arityDescription: String {
    let range = arity
    let noun = { (n: Int) in n == 1 ? "argument" : "arguments" }
    if range.upperBound == Int.max {
      return "'\(rawValue)' takes at least \(range.lowerBound) \(noun(range.lowerBound))"
    }
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
