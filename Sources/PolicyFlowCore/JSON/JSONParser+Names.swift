/// Member names and the plain part of strings: the key cache, and scanning eight bytes at a time.
extension JSONParser {
  /// A member name, interned; names without escapes are looked up in the key cache by their
  /// bytes.
  mutating func parseKey() throws(JSONParseError) -> JSONKey {
    let start = index + 1
    let end = simpleStringEnd(from: start)
    guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return JSONKey(try parseString()) }
    let count = end - start
    let hash = nameHash(start, count)
    // Two candidate slots, so two names that share one do not evict each other on every
    // document. An empty name never matches: unused slots hold an empty name.
    let first = Int(truncatingIfNeeded: hash % UInt64(JSONParser.keyCacheSize))
    let second = Int(truncatingIfNeeded: (hash >> 32) % UInt64(JSONParser.keyCacheSize))
    let found = keyCache.withUnsafeBufferPointer { cache -> JSONKey? in
      guard count > 0 else { return nil }
      if cache[first].name.count == count && sameBytes(cache[first].name, start) { return cache[first].key }
      if cache[second].name.count == count && sameBytes(cache[second].name, start) { return cache[second].key }
      return nil
    }
    if let found {
      index = end + 1
      return found
    }
    let key = JSONKey(try parseString())
    guard count > 0 else { return key }
    let slot = keyCache[first].name.isEmpty || !keyCache[second].name.isEmpty ? first : second
    keyCache[slot] = KeyCacheEntry(name: Array(bytes[start..<end]), key: key)
    keyCacheChanged = true
    return key
  }

  /// Whether `name` equals the bytes at `start` (the caller checked the length), eight bytes
  /// at a time.
  private func sameBytes(_ name: [UInt8], _ start: Int) -> Bool {
    name.withUnsafeBytes { name in
      let text = UnsafeRawPointer(bytes.baseAddress! + start)
      var offset = 0
      while offset + 8 <= name.count {
        if name.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
          != text.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        {
          return false
        }
        offset += 8
      }
      while offset < name.count {
        if name[offset] != text.load(fromByteOffset: offset, as: UInt8.self) { return false }
        offset += 1
      }
      return true
    }
  }

  /// A hash of the `count` bytes at `start` for the key cache: the length and the first and
  /// last eight bytes (member names differ early or late), without a pass over every byte.
  private func nameHash(_ start: Int, _ count: Int) -> UInt64 {
    let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    var hash = UInt64(count) &* multiplier
    if count >= 8 {
      let text = UnsafeRawPointer(bytes.baseAddress! + start)
      hash = (hash ^ text.loadUnaligned(as: UInt64.self)) &* multiplier
      hash = (hash ^ text.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* multiplier
    } else {
      var word: UInt64 = 0
      for i in 0..<count { word |= UInt64(bytes[start + i]) << UInt64(8 * i) }
      hash = (hash ^ word) &* multiplier
    }
    return hash ^ (hash >> 29)
  }

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
      let ones: UInt64 = 0x0101_0101_0101_0101
      let highs: UInt64 = 0x8080_8080_8080_8080
      while i + 8 <= bytes.count {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let flags =
          ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word) & highs
        if flags != 0 { return i + flags.trailingZeroBitCount / 8 }
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
}
