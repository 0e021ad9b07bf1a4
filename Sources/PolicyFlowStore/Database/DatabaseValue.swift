/// One value passed to or read from the database, in the five storage classes SQLite knows
/// (PostgreSQL's types map onto them: booleans are integers 0 and 1, `bytea` is a blob).
///
/// Use it to pass a list of arguments to ``SQLiteConnection/execute(_:_:)`` and
/// ``SQLiteConnection/query(_:_:row:)``, and to read a column whose type is not known in advance.
/// Literals work directly: `["POL-1", 3, 2.5, .null]`.
public enum DatabaseValue: Hashable, Sendable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)
  case blob([UInt8])
}

extension DatabaseValue {
  /// An integer, or NULL when `value` is nil.
  public init(_ value: Int?) {
    self = value.map { .integer(Int64($0)) } ?? .null
  }

  /// An integer, or NULL when `value` is nil.
  public init(_ value: Int64?) {
    self = value.map { .integer($0) } ?? .null
  }

  /// A real, or NULL when `value` is nil.
  public init(_ value: Double?) {
    self = value.map { .real($0) } ?? .null
  }

  /// A text, or NULL when `value` is nil.
  public init(_ value: String?) {
    self = value.map { .text($0) } ?? .null
  }

  /// A blob, or NULL when `value` is nil.
  public init(_ value: [UInt8]?) {
    self = value.map { .blob($0) } ?? .null
  }
}

extension DatabaseValue: ExpressibleByIntegerLiteral {
  public init(integerLiteral value: Int64) {
    self = .integer(value)
  }
}

extension DatabaseValue: ExpressibleByFloatLiteral {
  public init(floatLiteral value: Double) {
    self = .real(value)
  }
}

extension DatabaseValue: ExpressibleByStringLiteral {
  public init(stringLiteral value: String) {
    self = .text(value)
  }
}
