// Low-level code: `isIdentical(to:)` compares arrays' and objects' storage by address before
// their contents. Benchmark: `policyflow-bench worker` (BENCHMARKS.md: deciding whether a cycle
// changed a document compared it member by member, 35,000 instructions a policy; shared storage
// now answers at once).

extension JSON {
  /// Sets the value at a dotted path (`derived.ageAtStart`), creating objects along the way.
  /// A step that lands on a non-object value replaces it with an object; array elements are
  /// addressed by index and must exist.
  public mutating func set(path: String, to value: JSON) {
    set(LogicPath.Segment.dotted(path)[...], to: value)
  }

  /// Why ``set(path:to:)`` would lose what is there or write a member no one named, or nil: a
  /// name left empty (`a..b`), an array item past its end or named by a name (an array would be
  /// replaced by an object), a value other than an object (a text or a number would be replaced by
  /// one). Setting an existing item, a member, or a path through null or absent members is fine.
  public func problemSetting(path: String) -> String? {
    // The path split as set(path:to:) splits it, so that the two cannot read it differently.
    let segments = LogicPath.Segment.dotted(path)
    let names = segments.map(\.key.name)
    if names.contains(where: \.isEmpty) { return "'\(path)' has an empty name: give member names between the dots" }
    var current: JSON? = self
    for (depth, segment) in segments.enumerated() {
      let (name, above) = (names[depth], depth == 0 ? "the document" : "'\(names[..<depth].joined(separator: "."))'")
      switch current {
      case .array(let items)?:
        let range = items.isEmpty ? "none" : "0–\(items.count - 1)"
        guard let index = segment.index else {
          return "\(above) is an array (items \(range)): '\(name)' is not an item's index"
        }
        guard index < items.count else {
          return "\(above) is an array of \(items.count) item\(items.count == 1 ? "" : "s") (items \(range)): an edit "
            + "changes an item, it does not add item \(index); set the whole array instead"
        }
        current = items[index]
      case .object(let object)?:
        current = object[segment.key]
      case .null?, nil:
        // A missing member made here is an object: an index would be a member's name, where the
        // user meant an array's item (CSV headers make arrays of numbered columns).
        if segment.index != nil, depth > 0 {
          return "\(above) is \(current == nil ? "missing" : "null"): '\(name)' would make it an object with a member "
            + "'\(name)', not an array; set \(above) whole instead (a JSON array, or an object for names that are numbers)"
        }
        current = nil
      case let value?:
        let article = value.typeName.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return "\(above) is \(article) \(value.typeName), not an object: setting '\(path)' would replace it"
      }
    }
    return nil
  }

  /// ``set(path:to:)`` along a path split and interned beforehand, for paths set on every
  /// cycle (derived fields, calculation lines): splitting and interning were most of its cost.
  mutating func set(_ segments: ArraySlice<LogicPath.Segment>, to value: JSON) {
    guard let first = segments.first else {
      self = value
      return
    }
    let rest = segments.dropFirst()
    switch self {
    case .array(var array):
      if let index = first.index, array.indices.contains(index) {
        self = .null  // drop the reference so the array is mutated in place
        array[index].set(rest, to: value)
        self = .array(array)
        return
      }
    case .object(var object):
      self = .null
      var child = object[first.key] ?? .null
      object.set(first.key, .null)  // the same for the child: one reference while it changes
      child.set(rest, to: value)
      object.set(first.key, child)
      self = .object(object)
      return
    default:
      break
    }
    var object = JSONObject(minimumCapacity: 4)
    var child = JSON.null
    child.set(rest, to: value)
    object.set(first.key, child)
    self = .object(object)
  }
}

extension JSON {
  /// True when both values are written alike: the same cases (`1` and `1.0` differ), the same
  /// strings, arrays element by element, and objects with the same members in the same order.
  /// Stricter than `==`, so a value identical to another serializes to the same text.
  ///
  /// Arrays and objects that share their storage (one is a copy of the other, or of a part of
  /// it, not written since) are identical without a look inside: a cycle that changes one
  /// member of a policy copies the top object, and its other members still share storage.
  public func isIdentical(to other: JSON) -> Bool {
    switch (self, other) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)):
      guard a.count == b.count else { return false }
      if a.withUnsafeBufferPointer({ $0.baseAddress }) == b.withUnsafeBufferPointer({ $0.baseAddress }) {
        return true
      }
      for i in a.indices where !a[i].isIdentical(to: b[i]) { return false }
      return true
    case (.object(let a), .object(let b)):
      guard a.count == b.count else { return false }
      if a.storage === b.storage { return true }
      for i in 0..<a.count where a.key(at: i) != b.key(at: i) || !a.value(at: i).isIdentical(to: b.value(at: i)) {
        return false
      }
      return true
    default: return false
    }
  }
}
