// Low-level code: a path is followed through pointers into the objects' storage (`locate`),
// segments read where they lie. Benchmark: `policyflow-bench logic` (cond5 120-130 ns -> about
// 48 ns on 2026-11-30 with paths tested in place; reading a segment in place, 946 -> 836
// instructions an evaluation on 2026-12-06). BENCHMARKS.md has both.

/// A data path split into interned keys at compile time, so that a lookup compares small
/// integers instead of hashing strings.
struct LogicPath: Sendable {
  struct Segment: Sendable {
    /// The member name, for objects.
    let key: JSONKey
    /// The key's interned number (``JSONKey/spilledID`` when it carries its name), read where
    /// the segment lies: copying a segment copies its key, an outlined copy of an enum that may
    /// hold a reference, and that copy on every step of a path took the `logic` benchmark
    /// (policyflow-bench, cond5) from 818 to 946 instructions an evaluation (callgrind); read in
    /// place, 836.
    let id: UInt32
    /// The element index, for arrays, when the segment reads as a non-negative integer.
    let index: Int?

    init(_ name: String) {
      key = JSONKey(name)
      id = key.id
      index = Int(name).flatMap { $0 >= 0 ? $0 : nil }
    }

    /// A dotted path's segments, one per component, empty ones included (`a..b`, `""`).
    static func dotted(_ path: String) -> [Segment] {
      path.split(separator: ".", omittingEmptySubsequences: false).map { Segment(String($0)) }
    }
  }

  /// The path as written, for traces.
  let text: String
  let segments: [Segment]

  /// A `var` path: dotted (`policy.state`, `items.0.qty`); `""` is the whole data.
  init(dotted text: String) {
    self.text = text
    segments = text.isEmpty ? [] : Segment.dotted(text)
  }

  /// A `val` path: one segment per element, no splitting on dots.
  init(segments names: [String], text: String) {
    self.text = text
    segments = names.map(Segment.init)
  }

  /// The value at the path, or nil when a step is missing (a null on the way counts as missing).
  ///
  /// Only the value found is copied: the objects on the way are read in place (``locate(in:)``),
  /// since copying each out of its parent cost an atomic reference count up and down, which once
  /// dominated evaluation time.
  @inline(__always)
  func lookup(in data: borrowing JSON) -> JSON? {
    if segments.isEmpty { return copy data }
    return locate(in: data)?.pointee
  }

  /// Where the value at the path lies inside `data`, or nil when a step is missing; the path
  /// must have at least one segment.
  ///
  /// The pointer is into the storage of an object or array that `data` holds, so it is valid
  /// only while `data` is: callers read it at once, within the call that borrowed `data`.
  /// Nothing is copied on the way down, so no reference is counted.
  @inline(__always)
  func locate(in data: borrowing JSON) -> UnsafePointer<JSON>? {
    let found = segments.withUnsafeBufferPointer { segments -> UnsafePointer<JSON>? in
      let first = segments.baseAddress!
      guard var current = LogicPath.locate(first, in: data) else { return nil }
      for level in 1..<segments.count {
        guard let next = LogicPath.locate(first + level, in: current.pointee) else { return nil }
        current = next
      }
      return current
    }
    // Objects a deferred parse made hold no members of their own, so a path through one finds
    // nothing above: only then is it followed again, reading members in.
    return found ?? locateReading(in: data)
  }

  /// ``locate(in:)`` through objects a deferred parse made, whose members are read in on the
  /// way (the first time) and read where they are built; nil when a step is missing.
  @inline(never)
  private func locateReading(in data: borrowing JSON) -> UnsafePointer<JSON>? {
    segments.withUnsafeBufferPointer { segments -> UnsafePointer<JSON>? in
      let first = segments.baseAddress!
      guard var current = LogicPath.locateReading(first, in: data) else { return nil }
      for level in 1..<segments.count {
        guard let next = LogicPath.locateReading(first + level, in: current.pointee) else { return nil }
        current = next
      }
      return current
    }
  }

  /// ``locate(_:in:)`` for ``locateReading(in:)``: reads deferred members in.
  private static func locateReading(_ segment: UnsafePointer<Segment>, in parent: borrowing JSON)
    -> UnsafePointer<JSON>?
  {
    switch parent {
    case .object(let object):
      let id = segment.pointee.id
      return id != JSONKey.spilledID ? object.memberPointer(id: id) : object.memberPointer(segment.pointee.key)
    case .array(let array):
      guard let index = segment.pointee.index, index < array.count else { return nil }
      return array.withUnsafeBufferPointer { $0.baseAddress! + index }
    default:
      return nil
    }
  }

  /// The segment is read through its pointer, field by field, so that nothing is copied.
  @inline(__always)
  private static func locate(_ segment: UnsafePointer<Segment>, in parent: borrowing JSON) -> UnsafePointer<JSON>? {
    switch parent {
    case .object(let object):
      return object.memberPointerIfBuilt(segment)
    case .array(let array):
      guard let index = segment.pointee.index, index < array.count else { return nil }
      return array.withUnsafeBufferPointer { $0.baseAddress! + index }
    default:
      return nil
    }
  }
}

/// A `val` path: how many scope levels to climb, then the segments to follow.
///
/// Inside `map`, `filter`, `all`, `some`, `none` and `reduce` the data is the current element;
/// climbing one level reaches the iteration (`{"val": [[1], "index"]}` is the element's index),
/// two levels the data the iteration started from, and so on, as in json-logic-engine. Inside the
/// fallback of `try`, one level up is null and two levels up is the data outside the `try`.
struct LogicScopedPath: Sendable {
  let climb: Int
  let path: LogicPath

  /// Reads `[[n], "a", 1]`-style arguments; nil when an element is not a string, number or null.
  init?(arguments: [JSON]) {
    var elements = arguments[...]
    var climb = 0
    if let first = elements.first, case .array(let marker) = first, marker.count == 1, let n = marker[0].number {
      climb = Int(Swift.min(abs(n), 1_000))  // deeper than any rule nests; keeps Int() from trapping
      elements = elements.dropFirst()
    }
    var names: [String] = []
    for element in elements {
      switch element {
      case .null: continue
      case .string(let s): names.append(s)
      case .int, .double: names.append(element.jsString)
      default: return nil
      }
    }
    self.climb = climb
    let prefix = String(repeating: "../", count: climb)
    path = LogicPath(segments: names, text: prefix + names.joined(separator: "."))
  }
}

/// The iterations an evaluation is inside, innermost first; only `val` climbing looks at it.
final class LogicScope {
  /// The data the iteration (or `try`) started from.
  let parentData: JSON
  let parent: LogicScope?
  /// The index of the current element, or nil for `try`.
  var index: Int?

  init(parentData: JSON, parent: LogicScope?, index: Int?) {
    self.parentData = parentData
    self.parent = parent
    self.index = index
  }

  static let indexKey = JSONKey("index")

  /// What climbing `levels` levels from `data` reaches; nil when it leaves the outermost data.
  static func climb(_ levels: Int, from data: JSON, scope: LogicScope?) -> JSON? {
    var frame = scope
    var result = data
    if levels == 0 { return data }
    for level in 1...levels {
      guard let current = frame else { return nil }
      if level % 2 == 1 {
        if let index = current.index {
          var meta = JSONObject()
          meta.set(indexKey, .int(index))
          result = .object(meta)
        } else {
          result = .null
        }
      } else {
        result = current.parentData
        frame = current.parent
      }
    }
    return result
  }
}
