// Low-level code: objects and arrays checked in one loop over raw pointers, the open containers
// kept as bits. Benchmarks: `policyflow-bench cycle` (BENCHMARKS.md, "Results (2026-12-07, the
// objects not built checked in one loop, #19 item 3)": checking the objects a deferred parse
// does not build took a quarter of a cycle through a call per value) and `policyflow-bench
// import` (the top level of each record is built, everything inside it checked).

/// Whether each open container is an object or an array, one bit a level (128 levels, the
/// parser's limit).
struct OpenContainers {
  private var low: UInt64 = 0
  private var high: UInt64 = 0

  @inline(__always) mutating func set(_ level: Int, isObject: Bool) {
    let bit: UInt64 = 1 << UInt64(level & 63)
    if level < 64 {
      low = isObject ? low | bit : low & ~bit
    } else {
      high = isObject ? high | bit : high & ~bit
    }
  }

  @inline(__always) func isObject(_ level: Int) -> Bool {
    (level < 64 ? low : high) >> UInt64(level & 63) & 1 == 1
  }
}

/// What ``JSONParser/checkContainer()`` found: where the object or array ends, its members,
/// whether its text is what the compact serializer writes, and how deep it nests.
struct CheckedContainer {
  /// The offset just after the closing `}` or `]`.
  var end: Int
  /// Its own members (a repeated name counted each time).
  var count: Int
  /// No white space, no escapes, integers only (no `-0`, at most 18 digits), no name that may
  /// repeat one before it in its object (a 64-bit mask of name hashes,
  /// ``JSONParser/nameBit(_:from:to:)``), no name beyond ASCII, no object nested two deep.
  var isCanonical: Bool
  /// The nesting below the object itself (0 when nothing inside it is an object or array).
  var levels: Int
}

extension JSONParser {
  /// Checks the object or array at the current byte as the full parser checks it (strict or
  /// not, as the parser is), steps over it, and returns its member count (an array's: 0) and
  /// whether its text is canonical. Refuses what the full parser refuses (nesting beyond
  /// ``maximumDepth`` included) with a terse message: callers parse again in full for the error
  /// (see ``JSON/init(parsingDeferred:)`` and ``parseTopLevel(_:isStrict:)``). Strict, it also
  /// refuses a name with an escape or beyond ASCII and an integer of more than 18 digits, for the
  /// full parse to decide.
  mutating func checkContainer() throws(JSONParseError) -> (count: Int, isCanonical: Bool) {
    guard let checked = JSONParser.check(bytes, at: index, levels: JSONParser.maximumDepth - depth, isStrict: isStrict)
    else {
      throw error("not a valid JSON value")
    }
    index = checked.end
    deepest = max(deepest, depth + 1 + checked.levels)
    return (checked.count, checked.isCanonical)
  }

  /// The loop of ``checkContainer()``, allowing `allowed` levels of nesting (the container's
  /// own included). Open containers are bits of `kinds` (set for an object). Nil when the text
  /// is not one valid object or array.
  private static func check(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, levels allowed: Int, isStrict: Bool)
    -> CheckedContainer?
  {
    guard let base = bytes.baseAddress, start < bytes.count else { return nil }
    let count = bytes.count
    var kinds = OpenContainers()
    // The name masks of the container itself and of an object directly inside it (an array's
    // element included); a name deeper makes the text not canonical, a conservative answer.
    var outerNames: UInt64 = 0
    var innerNames: UInt64 = 0
    // Strict: the names of the open objects as start and end offsets, innermost last, from
    // `frame` on; each object's frame start is pushed on `frames` when an object inside it opens.
    var names: [Int] = []
    var frames: [Int] = []
    var frame = 0
    var i = start
    var level = -1
    var deepest = 0
    var members = 0
    var canonical = true

    @inline(__always) func skipWhitespace() {
      while i < count {
        let byte = base[i]
        guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
        canonical = false
        i += 1
      }
    }

    // States: a member name is next, a value is next, or a value just ended.
    let name = 0
    let value = 1
    let after = 2
    var state = value
    while true {
      if state == name {
        guard i < count, base[i] == UInt8(ascii: "\"") else { return nil }
        let nameStart = i + 1
        guard let end = stringEnd(base, count, from: nameStart, canonical: &canonical, isStrict: isStrict) else {
          return nil
        }
        if level == 0 { members += 1 }
        // Names the parser interns as Swift strings, which are equal when their characters are
        // (U+03A9 and U+2126, a composed and a decomposed é): bytes alone cannot tell such names
        // apart or say how they are written back, so a name beyond ASCII is left to the full parse.
        if canonical || isStrict, !isASCII(base, from: nameStart, to: end - 1) {
          if isStrict { return nil }
          canonical = false
        }
        if canonical {
          let bit = nameBit(bytes, from: nameStart, to: end - 1)
          if level == 0 {
            if outerNames & bit != 0 { canonical = false }
            outerNames |= bit
          } else if level == 1 {
            if innerNames & bit != 0 { canonical = false }
            innerNames |= bit
          } else {
            canonical = false
          }
        }
        if isStrict {
          guard isNew(bytes, from: nameStart, to: end - 1, among: names[frame...]) else { return nil }
          names.append(nameStart)
          names.append(end - 1)
        }
        i = end
        skipWhitespace()
        guard i < count, base[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        skipWhitespace()
        state = value
        continue
      }
      if state == value {
        guard i < count else { return nil }
        let byte = base[i]
        switch byte {
        case UInt8(ascii: "\""):
          guard let end = stringEnd(base, count, from: i + 1, canonical: &canonical, isStrict: isStrict) else {
            return nil
          }
          i = end
        case UInt8(ascii: "{"), UInt8(ascii: "["):
          level += 1
          guard level < allowed else { return nil }
          deepest = max(deepest, level)
          if level == 1 { innerNames = 0 }
          let isObject = byte == UInt8(ascii: "{")
          kinds.set(level, isObject: isObject)
          if isStrict && isObject {
            frames.append(frame)
            frame = names.count
          }
          i += 1
          skipWhitespace()
          guard i < count && base[i] == byte &+ 2 else {  // `}` and `]` are two after `{` and `[`
            state = isObject ? name : value
            continue
          }
          i += 1
          if isStrict && isObject { frame = frames.removeLast() }
          level -= 1
          if level < 0 { return CheckedContainer(end: i, count: 0, isCanonical: canonical, levels: 0) }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
          guard let end = numberEnd(base, count, from: i, canonical: &canonical, isStrict: isStrict) else {
            return nil
          }
          i = end
        case UInt8(ascii: "t"):
          guard literal(base, count, at: i, "true") else { return nil }
          i += 4
        case UInt8(ascii: "f"):
          guard literal(base, count, at: i, "fals"), i + 4 < count, base[i + 4] == UInt8(ascii: "e") else {
            return nil
          }
          i += 5
        case UInt8(ascii: "n"):
          guard literal(base, count, at: i, "null") else { return nil }
          i += 4
        default: return nil
        }
        guard level >= 0 else { return nil }  // not a container
        state = after
      }
      // A value ended: a comma, or the end of the innermost container.
      skipWhitespace()
      guard i < count else { return nil }
      let byte = base[i]
      let isObject = kinds.isObject(level)
      if byte == UInt8(ascii: ",") {
        i += 1
        skipWhitespace()
        state = isObject ? name : value
      } else if byte == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
        i += 1
        if isStrict && isObject {
          names.removeSubrange(frame...)
          frame = frames.removeLast()
        }
        level -= 1
        if level < 0 { return CheckedContainer(end: i, count: members, isCanonical: canonical, levels: deepest) }
      } else {
        return nil
      }
    }
  }

  @inline(__always) private static func isASCII(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Bool {
    var bits: UInt8 = 0
    for i in start..<end { bits |= base[i] }
    return bits < 0x80
  }

  /// Strict: whether the name from `start` to `end` (quotes excluded) differs, byte for byte,
  /// from each earlier name of its object (`earlier`, start and end offsets) and has no escape
  /// (`"co\u0064e"` is `"code"`: the full parse compares the names such a name stands for).
  private static func isNew(
    _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, among earlier: ArraySlice<Int>
  )
    -> Bool
  {
    let name = bytes[start..<end]
    if name.contains(UInt8(ascii: "\\")) { return false }
    var other = earlier.startIndex
    while other < earlier.endIndex {
      if bytes[earlier[other]..<earlier[other + 1]].elementsEqual(name) { return false }
      other += 2
    }
    return true
  }

  /// The offset just after the closing quote of the string whose text starts at `start`, with
  /// the checks of ``parseString()``: escapes from the JSON set, four hex digits after `\u`, a
  /// low surrogate escaped after a high one, no control characters; strict, no half of a
  /// surrogate pair alone either. An escape makes the text not canonical.
  @inline(__always) private static func stringEnd(
    _ base: UnsafePointer<UInt8>, _ count: Int, from start: Int, canonical: inout Bool, isStrict: Bool
  ) -> Int? {
    var i = start
    while true {
      while i + 8 <= count {
        if let offset = JSONText.firstSpecialByte(in: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
          i += offset
          break
        }
        i += 8
      }
      while i < count, base[i] >= 0x20, base[i] != UInt8(ascii: "\""), base[i] != UInt8(ascii: "\\") { i += 1 }
      guard i < count else { return nil }
      switch base[i] {
      case UInt8(ascii: "\""): return i + 1
      case UInt8(ascii: "\\"):
        canonical = false
        guard i + 1 < count else { return nil }
        switch base[i + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
          UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
          i += 2
        case UInt8(ascii: "u"):
          guard let code = hex4(base, count, at: i + 2) else { return nil }
          i += 6
          if (0xD800..<0xDC00).contains(code), i + 1 < count, base[i] == UInt8(ascii: "\\"),
            base[i + 1] == UInt8(ascii: "u")
          {
            guard let low = hex4(base, count, at: i + 2), (0xDC00..<0xE000).contains(low) else { return nil }
            i += 6
          } else if isStrict, (0xD800..<0xE000).contains(code) {
            return nil
          }
        default: return nil
        }
      default: return nil  // a control character
      }
    }
  }

  @inline(__always) private static func hex4(_ base: UnsafePointer<UInt8>, _ count: Int, at start: Int) -> UInt32? {
    guard start + 4 <= count else { return nil }
    var value: UInt32 = 0
    for i in start..<(start + 4) {
      let byte = base[i]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: return nil
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  /// The offset just after the number starting at `start`, by the grammar ``parseNumber()``
  /// reads. Canonical only for an integer of at most 18 digits (it always fits `Int`), not `-0`;
  /// strict, a number the full parse may refuse (``parseNumber()``) is refused, for it to decide.
  @inline(__always) private static func numberEnd(
    _ base: UnsafePointer<UInt8>, _ count: Int, from start: Int, canonical: inout Bool, isStrict: Bool
  ) -> Int? {
    @inline(__always) func isDigit(_ i: Int) -> Bool {
      i < count && base[i] &- UInt8(ascii: "0") < 10
    }
    var i = start
    if base[i] == UInt8(ascii: "-") { i += 1 }
    let digits = i
    guard isDigit(i) else { return nil }
    if base[i] == UInt8(ascii: "0") {
      i += 1
      if isDigit(i) { return nil }  // a leading zero
      if digits != start { canonical = false }  // -0
    } else {
      while isDigit(i) { i += 1 }
    }
    // Strict, what the full parse may refuse: an integer that may not fit 64 bits, a fraction of
    // 16 digits or more before its point (from 2^53 on), any exponent.
    var mayBeRefused = i - digits > 18
    if mayBeRefused { canonical = false }
    if i < count, base[i] == UInt8(ascii: ".") {
      mayBeRefused = i - digits > 15
      canonical = false
      i += 1
      guard isDigit(i) else { return nil }
      while isDigit(i) { i += 1 }
    }
    if i < count, base[i] | 0x20 == UInt8(ascii: "e") {
      mayBeRefused = true
      canonical = false
      i += 1
      if i < count, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
      guard isDigit(i) else { return nil }
      while isDigit(i) { i += 1 }
    }
    return isStrict && mayBeRefused ? nil : i
  }

  /// Whether the four bytes at `start` are `word`'s.
  @inline(__always) private static func literal(
    _ base: UnsafePointer<UInt8>, _ count: Int, at start: Int, _ word: StaticString
  ) -> Bool {
    guard start + 4 <= count else { return false }
    let expected = UnsafeRawPointer(word.utf8Start).loadUnaligned(as: UInt32.self)
    return UnsafeRawPointer(base + start).loadUnaligned(as: UInt32.self) == expected
  }

  /// One bit of 64 for a member name (its bytes from `start` to `end`, quotes excluded), from a
  /// hash of its length and first eight bytes: two names with different bits differ.
  @inline(__always) static func nameBit(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UInt64 {
    let length = end - start
    var head: UInt64 = 0
    if start + 8 <= bytes.count, let base = bytes.baseAddress {
      head = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
      if length < 8 { head &= (1 << UInt64(8 * length)) - 1 }
    } else {
      for i in 0..<Swift.min(length, 8) { head |= UInt64(bytes[start + i]) << UInt64(8 * i) }
    }
    let word = UInt64(length) ^ head
    return 1 << ((word &* 0x9E37_79B9_7F4A_7C15) >> 58)
  }
}
