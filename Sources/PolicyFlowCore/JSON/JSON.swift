/// A JSON value as the engine sees it: policy data, rule constants and JsonLogic results.
///
/// Integers that fit in 64 bits are kept exact in ``int(_:)``; amounts in minor units never pass
/// through `Double`. Object keys are interned ``JSONKey``s so that a compiled `var` path looks a
/// field up by comparing small integers instead of hashing strings.
///
/// Two numbers are equal when they have the same numeric value, whatever their case (`1 == 1.0`).
public enum JSON: Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object(JSONObject)
}

extension JSON {
  /// The value as a `Double` when it is a number.
  @inlinable public var number: Double? {
    switch self {
    case .int(let i): Double(i)
    case .double(let d): d
    default: nil
    }
  }

  @inlinable public var isNumber: Bool {
    switch self {
    case .int, .double: true
    default: false
    }
  }

  @inlinable public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  @inlinable public var arrayValue: [JSON]? {
    if case .array(let a) = self { return a }
    return nil
  }

  @inlinable public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  /// The JSON type name used in error messages: `null`, `boolean`, `integer`, `number`, `string`,
  /// `array` or `object`.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "boolean"
    case .int: "integer"
    case .double: "number"
    case .string: "string"
    case .array: "array"
    case .object: "object"
    }
  }

  /// Follows a dotted path (`policyholder.address.country`); array elements are addressed by
  /// their index (`enrollments.0.role`). Returns nil when any step is missing.
  public subscript(path path: String) -> JSON? {
    var current = self
    for component in path.split(separator: ".", omittingEmptySubsequences: false) {
      guard let next = current.child(String(component)) else { return nil }
      current = next
    }
    return current
  }

  /// The member of an object or the element of an array named by one path component.
  @inlinable public func child(_ component: String) -> JSON? {
    switch self {
    case .object(let object): return object[component]
    case .array(let array):
      guard let index = Int(component), array.indices.contains(index) else { return nil }
      return array[index]
    default: return nil
    }
  }
}

extension JSON: Equatable {
  public static func == (lhs: JSON, rhs: JSON) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.int, .double), (.double, .int), (.double, .double):
      return JSON.compareNumbers(lhs, rhs) == .orderedSame
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)): return a == b
    default: return false
    }
  }

  /// Orders two numbers exactly, also between an `Int` and a `Double` beyond 2^53.
  /// Returns nil when either side is not a number or is NaN.
  @inlinable public static func compareNumbers(_ lhs: JSON, _ rhs: JSON) -> NumericOrder? {
    switch (lhs, rhs) {
    case (.int(let a), .int(let b)):
      return a < b ? .orderedAscending : (a == b ? .orderedSame : .orderedDescending)
    case (.double(let a), .double(let b)):
      return compare(a, b)
    case (.int(let a), .double(let b)):
      return compare(a, b)
    case (.double(let a), .int(let b)):
      return compare(b, a).map(\.reversed)
    default:
      return nil
    }
  }

  @inlinable static func compare(_ a: Double, _ b: Double) -> NumericOrder? {
    if a < b { return .orderedAscending }
    if a > b { return .orderedDescending }
    if a == b { return .orderedSame }
    return nil
  }

  @inlinable static func compare(_ a: Int, _ b: Double) -> NumericOrder? {
    if b.isNaN { return nil }
    // Every Int is exactly representable as a Double when |a| <= 2^53; beyond that compare
    // through the integer side so that large amounts keep their exact order.
    if let exact = Int(exactly: b.rounded(.down)) {
      if a < exact { return .orderedAscending }
      if a > exact { return .orderedDescending }
      return b == b.rounded(.down) ? .orderedSame : .orderedAscending
    }
    return b > 0 ? .orderedAscending : .orderedDescending
  }
}

/// The order of two numbers.
public enum NumericOrder: Sendable {
  case orderedAscending, orderedSame, orderedDescending

  @inlinable var reversed: NumericOrder {
    switch self {
    case .orderedAscending: .orderedDescending
    case .orderedSame: .orderedSame
    case .orderedDescending: .orderedAscending
    }
  }
}

extension JSON: Hashable {
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let b): hasher.combine(b)
    case .int(let i):
      // Equal numbers must hash alike whatever their case.
      if let d = Double(exactly: i) { hasher.combine(d) } else { hasher.combine(i) }
    case .double(let d): hasher.combine(d)
    case .string(let s): hasher.combine(s)
    case .array(let a): hasher.combine(a)
    case .object(let o): hasher.combine(o)
    }
  }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral
{
  public init(nilLiteral: ()) { self = .null }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: JSON...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSON)...) {
    var object = JSONObject()
    for (key, value) in elements { object[key] = value }
    self = .object(object)
  }
}
