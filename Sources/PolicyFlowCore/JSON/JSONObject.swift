/// A JSON object that keeps its members in document order.
///
/// Keys and values live in parallel arrays: finding a member scans a contiguous run of small
/// integers, which beats hashing for the handful of fields a policy object usually has.
public struct JSONObject: Sendable, Sequence {
  public private(set) var keys: [JSONKey] = []
  public private(set) var values: [JSON] = []

  public init() {}

  /// An object with these members; `keys` must not repeat (the parser checks as it reads).
  init(uniqueKeys keys: [JSONKey], values: [JSON]) {
    self.keys = keys
    self.values = values
  }

  public var count: Int { keys.count }
  public var isEmpty: Bool { keys.isEmpty }

  /// The member named by an interned key.
  @inlinable public subscript(key: JSONKey) -> JSON? {
    get {
      guard let index = index(of: key) else { return nil }
      return values[index]
    }
  }

  @inlinable public func index(of key: JSONKey) -> Int? {
    keys.withUnsafeBufferPointer { buffer in
      for i in 0..<buffer.count where buffer[i] == key { return i }
      return nil
    }
  }

  /// The member named by a string; setting nil removes it.
  public subscript(name: String) -> JSON? {
    get { self[JSONKey(name)] }
    set {
      let key = JSONKey(name)
      if let index = index(of: key) {
        if let newValue {
          values[index] = newValue
        } else {
          keys.remove(at: index)
          values.remove(at: index)
        }
      } else if let newValue {
        keys.append(key)
        values.append(newValue)
      }
    }
  }

  /// Sets a member by interned key, replacing an existing one in place.
  public mutating func set(_ key: JSONKey, _ value: JSON) {
    if let index = index(of: key) {
      values[index] = value
    } else {
      keys.append(key)
      values.append(value)
    }
  }

  /// Member names in document order.
  public var names: [String] { keys.map(\.name) }

  public func makeIterator() -> AnyIterator<(key: String, value: JSON)> {
    var index = 0
    return AnyIterator {
      guard index < keys.count else { return nil }
      defer { index += 1 }
      return (keys[index].name, values[index])
    }
  }
}

extension JSONObject: Hashable {
  /// Objects are equal when they have the same members, in any order.
  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for (i, key) in lhs.keys.enumerated() {
      guard let other = rhs[key], other == lhs.values[i] else { return false }
    }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    // Order-independent: combine per-member hashes commutatively.
    var sum = 0
    for (i, key) in keys.enumerated() {
      var member = Hasher()
      member.combine(key)
      member.combine(values[i])
      sum = sum &+ member.finalize()
    }
    hasher.combine(count)
    hasher.combine(sum)
  }
}
