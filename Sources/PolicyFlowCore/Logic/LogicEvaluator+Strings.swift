/// `merge`, `in`, `cat` and `substr`, as json-logic-js defines them.
extension LogicEvaluator {
  func strings(_ op: LogicOperator, _ values: [JSON]) throws(LogicError) -> JSON {
    switch op {
    case .merge:
      var result: [JSON] = []
      for value in values {
        if case .array(let elements) = value { result.append(contentsOf: elements) } else { result.append(value) }
      }
      return .array(result)
    case .contains:
      // `b.indexOf(a) !== -1`: substring for strings (a converted to a string), strict
      // membership for arrays, false for anything else.
      switch values[1] {
      case .string(let haystack): return .bool(Self.contains(haystack, values[0].jsString))
      case .array(let list): return .bool(list.contains { JSON.jsStrictEquals($0, values[0]) })
      default: return false
      }
    case .cat:
      // Decision: as json-logic-js (`"" + a + b`), null joins as "null"; json-logic-engine
      // skips nulls, but this operator is a jsonlogic.com one.
      var result = ""
      for value in values { result += value.jsString }
      return .string(result)
    default:
      return .string(Self.substring(values))
    }
  }

  static func contains(_ haystack: String, _ needle: String) -> Bool {
    if needle.isEmpty { return true }
    return haystack.contains(needle)
  }

  /// `substr(source, start, length)`: a negative start counts from the end; a negative length
  /// leaves that many characters off the end. Counts Unicode scalars (JavaScript counts UTF-16
  /// code units, which would split characters outside the Basic Multilingual Plane).
  static func substring(_ values: [JSON]) -> String {
    let scalars = Array(values[0].jsString.unicodeScalars)
    let count = scalars.count
    let start = integer(values[1])
    var from = start < 0 ? Swift.max(count + start, 0) : Swift.min(start, count)
    from = Swift.min(from, count)
    let rest = count - from
    var length = rest
    if values.count == 3 {
      let requested = integer(values[2])
      length = requested < 0 ? Swift.max(rest + requested, 0) : Swift.min(requested, rest)
    }
    var result = String.UnicodeScalarView()
    result.append(contentsOf: scalars[from..<(from + length)])
    return String(result)
  }

  /// `ToIntegerOrInfinity`, clamped to `Int`: NaN is 0, fractions truncate.
  static func integer(_ value: JSON) -> Int {
    switch value.jsNumber {
    case .int(let i): return i
    case .double(let d):
      if d.isNaN { return 0 }
      if d >= 9.2e18 { return Int.max / 2 }
      if d <= -9.2e18 { return Int.min / 2 }
      return Int(d.rounded(.towardZero))
    default: return 0
    }
  }
}
