/// Turns rule JSON into a ``LogicNode`` tree, collecting every problem instead of stopping at
/// the first.
///
/// Decisions:
/// - An object with exactly one member is an operation; an unknown operator name is a problem
///   (catalog authors must hear about typos), never data.
/// - An object with several members is an `Unknown Operator` problem, as the community suite
///   has it (json-logic-js took it as a literal): a literal object is written
///   `{"preserve": {…}}`. The empty object `{}` is a literal.
/// - A non-array operand is one argument: `{"!": true}` is `{"!": [true]}`, except that an
///   operation as the operand of a list operator (``LogicOperator/spreadsComputedArguments``)
///   gives its array's elements as arguments, and `if`, `?:`, `and`, `or` need an array.
struct LogicCompiler {
  private(set) var problems: [LogicCompileFailure.Problem] = []

  mutating func compile(_ rule: JSON, at pointer: String) -> LogicNode {
    switch rule {
    case .array(let elements):
      var nodes: [LogicNode] = []
      nodes.reserveCapacity(elements.count)
      for (i, element) in elements.enumerated() { nodes.append(compile(element, at: "\(pointer)/\(i)")) }
      let constants = nodes.compactMap(\.constantValue)
      return constants.count == nodes.count ? ConstantNode(.array(constants)) : ArrayNode(nodes)
    case .object(let object) where object.count == 1:
      return compileOperation(named: object.key(at: 0).name, operand: object.value(at: 0), at: pointer)
    case .object(let object) where object.count > 1:
      problem(
        pointer,
        "an operation has one operator, found an object with \(object.count) members; "
          + "write a literal object as {\"preserve\": {…}}", type: LogicError.unknownOperatorType)
      return ConstantNode(rule)
    default:
      return ConstantNode(rule)
    }
  }

  private mutating func problem(
    _ pointer: String, _ message: String, type: String = LogicError.invalidArgumentsType
  ) {
    problems.append(LogicCompileFailure.Problem(pointer: pointer, message: message, type: type))
  }

  /// Operators of other rule languages and their JsonLogic names, for the message about an
  /// unknown one.
  static let otherLanguages: [String: String] = [
    "contains": "'in', with the value first: {\"in\": [value, list or text]}",
    "includes": "'in', with the value first: {\"in\": [value, list or text]}", "eq": "'=='", "equals": "'=='",
    "ne": "'!='", "neq": "'!='", "gt": "'>'", "gte": "'>='", "lt": "'<'", "lte": "'<='", "not": "'!'",
    "concat": "'cat'", "sum": "'+'", "add": "'+'", "sub": "'-'", "mul": "'*'", "div": "'/'", "mod": "'%'",
    "count": "'length'", "len": "'length'",
    // Comparisons written backwards or as one sign: their edit distance suggested '==' for '=>',
    // turning a threshold into an equality (rule author trial).
    "=>": "'>='", "=<": "'<='", "=!": "'!='", "<>": "'!='", "≥": "'>='", "≤": "'<='", "≠": "'!='",
    "=": "'==' (or '===')",
  ]

  private mutating func compileOperation(named name: String, operand: JSON, at pointer: String) -> LogicNode {
    let memberPointer = "\(pointer)/\(JSONDocument.escape(name))"
    guard let op = LogicOperator.byName[name] else {
      // Another rule language's name first: its edit distance to a JsonLogic one ('not', 'now')
      // would suggest the wrong operator.
      var suggestion =
        Self.otherLanguages[name.lowercased()].map { " JsonLogic writes it \($0)." }
        ?? Suggestion.didYouMean(name, among: LogicOperator.allCases.map(\.rawValue))
      if suggestion.isEmpty { suggestion = " The README's JsonLogic section lists the operators." }
      problem(
        memberPointer, "unknown operator \(Excerpt.name(name)).\(suggestion)", type: LogicError.unknownOperatorType)
      return ConstantNode(.null)
    }
    if op == .preserve { return ConstantNode(operand) }
    let operands: [JSON]
    let pointers: [String]
    if case .array(let elements) = operand {
      operands = elements
      pointers = elements.indices.map { "\(memberPointer)/\($0)" }
    } else {
      operands = [operand]
      pointers = [memberPointer]
      if op.needsArgumentArray {
        problem(memberPointer, "'\(op.rawValue)' needs an array of arguments, found \(operand.serialized())")
      } else if op.spreadsComputedArguments, case .object(let object) = operand, object.count == 1 {
        // The count is known only when the operation has run: ``SpreadCallNode`` checks it.
        return SpreadCallNode(op, compile(operand, at: memberPointer))
      }
    }
    if !op.arity.contains(operands.count) {
      problem(memberPointer, "\(op.arityDescription), found \(operands.count)")
    }
    var args: [LogicNode] = []
    args.reserveCapacity(operands.count)
    for (i, operand) in operands.enumerated() { args.append(compile(operand, at: pointers[i])) }
    let pattern = checkDomainConstants(op, args, pointers)
    return PathTestNode.specialise(specialise(op, args, pattern: pattern))
  }

  /// Constant arguments of domain operators are checked now, so a typo fails the catalog load.
  /// Returns the compiled pattern of a `matches` with a constant one, so it is compiled once.
  private mutating func checkDomainConstants(
    _ op: LogicOperator, _ args: [LogicNode], _ pointers: [String]
  ) -> LogicPattern? {
    switch op {
    case .matches where args.count == 2:
      guard let pattern = args[1].constantValue else { return nil }
      guard case .string(let source) = pattern else {
        problem(pointers[1], "'matches' needs a pattern string, found \(Excerpt.json(pattern))")
        return nil
      }
      do { return try LogicPattern(source) } catch {
        problem(pointers[1], "invalid regular expression \(Excerpt.json(pattern)): \(error)")
      }
    case .dateAdd where args.count == 3:
      guard let unit = args[2].constantValue else { return nil }
      if unit.stringValue.flatMap(LogicDateUnit.init(rawValue:)) == nil {
        let suggestion = unit.stringValue.map { Suggestion.didYouMean($0, among: LogicDateUnit.names) } ?? ""
        problem(
          pointers[2], "unknown date unit \(Excerpt.json(unit)); use \"days\", \"months\" or \"years\".\(suggestion)")
      }
    case .hasMessage:
      for (i, arg) in args.enumerated() {
        guard let value = arg.constantValue else { continue }
        if value.stringValue == nil {
          problem(pointers[i], "'has_message' needs message codes (strings), found \(value.serialized())")
        }
      }
    default:
      break
    }
    return nil
  }

  /// Picks the specialised node for the shapes policy rules use most.
  private func specialise(_ op: LogicOperator, _ args: [LogicNode], pattern: LogicPattern?) -> LogicNode {
    switch op {
    case .variable:
      guard let first = args.first else { return PathNode(LogicPath(dotted: "")) }
      guard let key = first.constantValue, let path = LogicCompiler.varPath(key) else { break }
      return PathNode(path, fallback: args.count == 2 ? args[1] : nil)
    case .val:
      let constants = args.compactMap(\.constantValue)
      if constants.count == args.count, let scoped = LogicScopedPath(arguments: constants) {
        return ScopedPathNode(scoped)
      }
    case .and: return JunctionNode.make(args, isAnd: true)
    case .or: return JunctionNode.make(args, isAnd: false)
    case .not where args.count == 1: return TruthNode(args[0], negated: true)
    case .truthy where args.count == 1: return TruthNode(args[0], negated: false)
    case .less, .lessOrEqual, .greater, .greaterOrEqual:
      let comparison: LogicComparison =
        switch op {
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        default: .greaterOrEqual
        }
      if args.count == 2 { return CompareNode(comparison, args[0], args[1]) }
      if args.count > 2 { return ChainedComparisonNode(.ordering(comparison), args) }
    case .equal, .strictEqual, .notEqual, .strictNotEqual:
      let kind: LogicEquality =
        switch op {
        case .equal: .loose
        case .strictEqual: .strict
        case .notEqual: .looseNot
        default: .strictNot
        }
      if args.count == 2 { return EqualityNode(kind, args[0], args[1]) }
      if args.count > 2 { return ChainedComparisonNode(.equality(kind), args) }
    case .add, .subtract, .multiply, .divide, .remainder:
      if args.count == 2 { return ArithmeticNode(op, args[0], args[1]) }
    case .missing:
      let constants = args.compactMap(\.constantValue)
      if constants.count == args.count, let node = MissingNode(constants) { return node }
    case .contains:
      if args.count == 2, case .array(let list)? = args[1].constantValue { return MemberNode(args[0], list) }
    case .matches:
      if args.count == 2, let pattern { return MatchesNode(args[0], pattern) }
    default:
      break
    }
    return CallNode(op, args)
  }

  /// The path of a `var` key: `null` and `""` are the whole data; numbers read as JavaScript
  /// prints them (`1` is `"1"`). Nil for keys that must be computed at evaluation.
  static func varPath(_ key: JSON) -> LogicPath? {
    switch key {
    case .null: LogicPath(dotted: "")
    case .string(let s): LogicPath(dotted: s)
    case .int, .double, .bool: LogicPath(dotted: key.jsString)
    case .array(let a) where a.isEmpty: LogicPath(dotted: "")
    default: nil
    }
  }
}
