/// `var` and `val` with computed paths, `exists`, `missing` and `missing_some`.
extension LogicEvaluator {
  /// `{"var": [computed, default]}`: the path is known only now.
  func dynamicVar(_ args: [LogicNode], _ data: JSON, _ scope: LogicScope?) throws(LogicError) -> JSON {
    let key = try evaluate(args[0], data, scope)
    let path = LogicCompiler.varPath(key) ?? LogicPath(dotted: key.jsString)
    if let value = read(path, data, scope) { return value }
    if args.count == 2 { return try evaluate(args[1], data, scope) }
    return .null
  }

  /// `val` and `exists` whose segments are computed.
  func dynamicVal(_ op: LogicOperator, _ args: [LogicNode], _ data: JSON, _ scope: LogicScope?)
    throws(LogicError) -> JSON
  {
    var segments = try values(args, data, scope)
    // A single computed argument that is an array is the whole path.
    if segments.count == 1, case .array(let inner) = segments[0] { segments = inner }
    guard let scoped = LogicScopedPath(arguments: segments) else {
      throw LogicError.invalidArguments("'\(op.rawValue)' path segments must be strings or numbers")
    }
    let found = readScoped(scoped, data, scope)
    if op == .exists { return .bool(found != nil) }
    return found ?? .null
  }

  /// `missing`: the keys (from the arguments, or from a first argument that is an array) whose
  /// value is absent, null or `""`, as json-logic-js decides.
  func missing(_ keys: [JSON], _ data: JSON, _ scope: LogicScope?) -> JSON {
    let list: [JSON]
    if case .array(let first)? = keys.first { list = first } else { list = keys }
    var absent: [JSON] = []
    for key in list {
      let path = LogicCompiler.varPath(key) ?? LogicPath(dotted: key.jsString)
      let value = read(path, data, scope)
      switch value {
      case nil, .null?: absent.append(key)
      case .string(let s)? where s.isEmpty: absent.append(key)
      default: break
      }
    }
    return .array(absent)
  }

  /// `missing_some`: `[]` when at least `need` of the keys are present, else the missing ones.
  func missingSome(_ args: [JSON], _ data: JSON, _ scope: LogicScope?) throws(LogicError) -> JSON {
    guard case .array(let keys) = args[1] else {
      throw LogicError.invalidArguments("'missing_some' needs an array of keys, found \(args[1].serialized())")
    }
    let need = args[0].jsNumber.number ?? 0
    guard case .array(let absent) = missing([args[1]], data, scope) else { return [] }
    return Double(keys.count - absent.count) >= need ? [] : .array(absent)
  }
}
