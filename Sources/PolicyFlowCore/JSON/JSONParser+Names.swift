// Low-level code: member names read as two 64-bit words through raw pointers, the key cache
// compared through pointers to its entries, strings scanned eight bytes at a time. Benchmark:
// `policyflow-bench cycle` (BENCHMARKS.md, 2026-12-01: a byte loop had cost about 230
// instructions a name; parsing 91,500 -> 63,400 instructions a policy with this file).

/// Member names and the plain part of strings: the key cache, and scanning eight bytes at a time.
extension JSONParser {
  /// A member name, interned; names without escapes are looked up in the key cache by their
  /// bytes.
  mutating func parseKey() throws(JSONParseError) -> JSONKey {
    let start = index + 1
    let name: NameWords
    if let short = NameWords(shortNameIn: bytes, at: start) {
      name = short
    } else {
      let end = simpleStringEnd(from: start)
      guard end < bytes.count, bytes[end] == UInt8(ascii: "\""), end > start else { return JSONKey(try parseString()) }
      name = NameWords(bytes, start: start, count: end - start)
    }
    // Two candidate slots, so two names that share one do not evict each other on every
    // document. An empty name never matches: unused slots have a count of 0.
    let hash = name.hash
    let first = Int(truncatingIfNeeded: hash % UInt64(JSONParser.keyCacheSize))
    let second = Int(truncatingIfNeeded: (hash >> 32) % UInt64(JSONParser.keyCacheSize))
    let found = keyCache.withUnsafeBufferPointer { cache -> JSONKey? in
      let base = cache.baseAddress!
      if KeyCacheEntry.holds(name, at: base + first, bytes) { return JSONKey(id: base[first].keyID) }
      if KeyCacheEntry.holds(name, at: base + second, bytes) { return JSONKey(id: base[second].keyID) }
      return nil
    }
    if let found {
      index = start + name.count + 1
      return found
    }
    let key = JSONKey(try parseString())
    // A key the intern table had no room for stays out of the cache: the cache keeps interned
    // keys only, and keeping the name alive would outlast the documents that used it.
    guard key.isInterned else { return key }
    let slot = keyCache[first].count == 0 || keyCache[second].count != 0 ? first : second
    keyCache[slot] = KeyCacheEntry(name, bytes, key: key)
    keyCacheChanged = true
    return key
  }
}

/// A member name as the key cache compares it: its length and its first sixteen bytes in two
/// words (most names are shorter). Two words compare in two instructions where a byte loop took
/// one per byte.
struct NameWords {
  var count: Int
  var head: UInt64
  var next: UInt64
  /// The last eight bytes of a name longer than sixteen, for the hash only: names that share
  /// their start and length (`addressLine1`, `addressLine2` after a long prefix) then still
  /// land in different cache slots. Zero for shorter names.
  var tail: UInt64 = 0
  /// Where the name starts in the text being parsed.
  var start: Int

  /// The name of `count` bytes at `start` in `bytes`.
  init(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, count: Int) {
    self.count = count
    self.start = start
    head = NameWords.word(bytes, start, Swift.min(count, 8))
    next = count > 8 ? NameWords.word(bytes, start + 8, Swift.min(count - 8, 8)) : 0
    if count > 16 { tail = NameWords.word(bytes, start + count - 8, 8) }
  }

  /// The name at `start` when it is a plain name of 1 to 16 bytes closed by a quote, read
  /// in two words that give both its bytes and where it ends; nil otherwise (longer, escaped,
  /// empty, or too near the end of the text to read sixteen bytes at once).
  @inline(__always) init?(shortNameIn bytes: UnsafeBufferPointer<UInt8>, at start: Int) {
    guard start + 16 <= bytes.count, let base = bytes.baseAddress else { return nil }
    let first = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
    let second = UnsafeRawPointer(base + start + 8).loadUnaligned(as: UInt64.self)
    if let end = JSONText.firstSpecialByte(in: first) {
      count = end
      head = end == 0 ? 0 : first & ((1 << UInt64(8 * end)) - 1)
      next = 0
    } else if let end = JSONText.firstSpecialByte(in: second) {
      count = 8 + end
      head = first
      next = end == 0 ? 0 : second & ((1 << UInt64(8 * end)) - 1)
    } else {
      return nil
    }
    guard count > 0, bytes[start + count] == UInt8(ascii: "\"") else { return nil }
    self.start = start
  }

  var hash: UInt64 {
    let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    var hash = (UInt64(count) ^ head) &* multiplier
    hash = (hash ^ next) &* multiplier
    if count > 16 { hash = (hash ^ tail) &* multiplier }
    return hash ^ (hash >> 29)
  }

  /// The `count` (at most eight) bytes at `offset` as a little-endian word, upper bytes zero.
  private static func word(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ count: Int) -> UInt64 {
    if offset + 8 <= bytes.count, let base = bytes.baseAddress {
      let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
      return count == 8 ? word : word & ((1 << UInt64(8 * count)) - 1)
    }
    var word: UInt64 = 0
    for i in 0..<count { word |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
    return word
  }
}

/// A member name the parser has interned: its words, any bytes after the sixteenth, its key.
///
/// 32 bytes, so that the whole cache (1,024 entries) fits a core's first-level data cache: with
/// an `Int` count it took 48, and the load of an entry was a fifth of the time spent per name.
struct KeyCacheEntry: Sendable {
  var count: Int32 = 0
  /// The key's interned number (the cache holds interned keys only).
  var keyID: UInt32 = 0
  var head: UInt64 = 0
  var next: UInt64 = 0
  var rest: [UInt8] = []

  static let empty = KeyCacheEntry()

  private init() {}

  init(_ name: NameWords, _ bytes: UnsafeBufferPointer<UInt8>, key: JSONKey) {
    count = Int32(clamping: name.count)
    head = name.head
    next = name.next
    if name.count > 16 { rest = Array(bytes[(name.start + 16)..<(name.start + name.count)]) }
    keyID = key.id
  }

  /// Whether the entry at `entry` is `name`. Read through the pointer, field by field, so
  /// that nothing is copied (the tail array would be retained).
  @inline(__always) static func holds(
    _ name: NameWords, at entry: UnsafePointer<KeyCacheEntry>, _ bytes: UnsafeBufferPointer<UInt8>
  ) -> Bool {
    guard entry.pointee.count == Int32(clamping: name.count), entry.pointee.head == name.head,
      entry.pointee.next == name.next
    else {
      return false
    }
    return name.count <= 16 || entry.pointee.rest.elementsEqual(bytes[(name.start + 16)..<(name.start + name.count)])
  }
}

extension JSONParser {
  /// The first index at or after `start` holding a byte that ends the plain part of a string
  /// (`"`, `\` or a control character), or the end of the input.
  func simpleStringEnd(from start: Int) -> Int {
    JSONText.plainRunEnd(bytes, from: start)
  }
}

/// Byte-level facts about JSON text that the parser and the writer share.
enum JSONText {
  /// The first index at or after `start` holding a byte that cannot stand for itself inside a
  /// JSON string (`"`, `\` or a control character), or `bytes.count`. Eight bytes are tested
  /// at a time: a byte is flagged when `byte - k` borrows into its high bit while the byte's own
  /// high bit is clear; a borrow can only flag bytes above an earlier flagged one, so the
  /// lowest flag is exact.
  static func plainRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var i = start
    if let base = bytes.baseAddress {
      while i + 8 <= bytes.count {
        if let end = firstSpecialByte(in: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { return i + end }
        i += 8
      }
    }
    while i < bytes.count {
      let byte = bytes[i]
      if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return i }
      i += 1
    }
    return i
  }

  /// The position (0–7) of the first byte of `word` (eight bytes of text, little-endian) that
  /// cannot stand for itself in a string, or nil when all eight can.
  @inline(__always) static func firstSpecialByte(in word: UInt64) -> Int? {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let quote = word ^ (ones &* 0x22)
    let backslash = word ^ (ones &* 0x5C)
    let flags =
      ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word)
      & 0x8080_8080_8080_8080
    return flags == 0 ? nil : flags.trailingZeroBitCount / 8
  }
}
