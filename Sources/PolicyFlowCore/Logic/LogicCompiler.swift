/// Turns rule JSON into a ``LogicNode`` tree, collecting every problem instead of stopping at
/// the first.
///
/// Decisions:
/// - An object with exactly one member is an operation; an unknown operator name is a problem
///   (catalog authors must hear about typos), never data.
/// - An object with no member or several members is a literal, returned as written, as
///   json-logic-js does (`is_logic` requires exactly one key).
/// - A non-array operand is one argument: `{"!": true}` is `{"!": [true]}`.
struct LogicCompiler {
  private(set) var problems: [LogicCompileFailure.Problem] = []

  mutating func compile(_ rule: JSON, at pointer: String) -> LogicNode {
    switch rule {
    case .array(let elements):
      var nodes: [LogicNode] = []
      nodes.reserveCapacity(elements.count)
      for (i, element) in elements.enumerated() { nodes.append(compile(element, at: "\(pointer)/\(i)")) }
      let constants = nodes.compactMap(\.constantValue)
      return constants.count == nodes.count ? .constant(.array(constants)) : .array(nodes)
    case .object(let object) where object.count == 1:
      return compileOperation(named: object.keys[0].name, operand: object.values[0], at: pointer)
    default:
      return .constant(rule)
    }
  }

  private mutating func problem(_ pointer: String, _ message: String) {
    problems.append(LogicCompileFailure.Problem(pointer: pointer, message: message))
  }

  private mutating func compileOperation(named name: String, operand: JSON, at pointer: String) -> LogicNode {
    let memberPointer = "\(pointer)/\(JSONDocument.escape(name))"
    guard let op = LogicOperator.byName[name] else {
      let suggestion = Suggestion.didYouMean(name, among: LogicOperator.allCases.map(\.rawValue))
      problem(memberPointer, "unknown operator '\(name)'.\(suggestion)")
      return .constant(.null)
    }
    if op == .preserve { return .constant(operand) }
    let operands: [JSON]
    let pointers: [String]
    if case .array(let elements) = operand {
      operands = elements
      pointers = elements.indices.map { "\(memberPointer)/\($0)" }
    } else {
      operands = [operand]
      pointers = [memberPointer]
    }
    if !op.arity.contains(operands.count) {
      problem(memberPointer, "\(op.arityDescription), found \(operands.count)")
    }
    var args: [LogicNode] = []
    args.reserveCapacity(operands.count)
    for (i, operand) in operands.enumerated() { args.append(compile(operand, at: pointers[i])) }
    checkDomainConstants(op, args, pointers)
    return specialise(op, args)
  }

  /// Constant arguments of domain operators are checked now, so a typo fails the catalog load.
  private mutating func checkDomainConstants(_ op: LogicOperator, _ args: [LogicNode], _ pointers: [String]) {
    switch op {
    case .matches where args.count == 2:
      guard let pattern = args[1].constantValue else { return }
      guard case .string(let source) = pattern else {
        return problem(pointers[1], "'matches' needs a pattern string, found \(pattern.serialized())")
      }
      do { _ = try LogicPattern(source) } catch {
        problem(pointers[1], "invalid regular expression \(pattern.serialized()): \(error)")
      }
    case .dateAdd where args.count == 3:
      guard let unit = args[2].constantValue else { return }
      if unit.stringValue.flatMap(LogicDateUnit.init(rawValue:)) == nil {
        let suggestion = unit.stringValue.map { Suggestion.didYouMean($0, among: LogicDateUnit.names) } ?? ""
        problem(pointers[2], "unknown date unit \(unit.serialized()); use \"days\", \"months\" or \"years\".\(suggestion)")
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
  }

  /// Picks the specialised node for the shapes policy rules use most.
  private func specialise(_ op: LogicOperator, _ args: [LogicNode]) -> LogicNode {
    switch op {
    case .variable:
      guard let first = args.first else { return .path(LogicPath(dotted: "")) }
      guard let key = first.constantValue, let path = LogicCompiler.varPath(key) else { break }
      if args.count == 2 { return .pathOr(path, args[1]) }
      return .path(path)
    case .val:
      let constants = args.compactMap(\.constantValue)
      if constants.count == args.count, let scoped = LogicScopedPath(arguments: constants) { return .scoped(scoped) }
    case .and: return .and(args)
    case .or: return .or(args)
    case .ifThenElse, .ternary: return .conditional(args)
    case .not where args.count == 1: return .not(args[0])
    case .truthy where args.count == 1: return .truthy(args[0])
    case .less, .lessOrEqual, .greater, .greaterOrEqual:
      let comparison: LogicComparison =
        switch op {
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        default: .greaterOrEqual
        }
      if args.count == 2 { return .compare(comparison, args[0], args[1]) }
      if args.count == 3, comparison == .less || comparison == .lessOrEqual {
        return .between(comparison, args[0], args[1], args[2])
      }
    case .equal, .strictEqual, .notEqual, .strictNotEqual:
      guard args.count == 2 else { break }
      let kind: LogicEquality =
        switch op {
        case .equal: .loose
        case .strictEqual: .strict
        case .notEqual: .looseNot
        default: .strictNot
        }
      return .equality(kind, args[0], args[1])
    case .contains:
      if args.count == 2, case .array(let list)? = args[1].constantValue { return .memberOf(args[0], list) }
    case .matches:
      if args.count == 2, case .string(let source)? = args[1].constantValue, let pattern = try? LogicPattern(source) {
        return .matches(args[0], pattern)
      }
    default:
      break
    }
    return .call(op, args)
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
