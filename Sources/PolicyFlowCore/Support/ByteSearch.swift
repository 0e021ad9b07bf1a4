#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Searches for a run of bytes in a text's UTF-8, for the scans that read stored JSON without
/// parsing it (`audit verify`'s check of a document's code and group, replay's recorded premium).
/// The standard library's `firstRange(of:)` over bytes looked up type metadata at every
/// comparison: a third of `audit verify`'s time (`policyflow-bench audit`, BENCHMARKS.md,
/// 2026-12-07, night).
public enum ByteSearch {
  /// Where the first `needle` starts in `bytes`: `memchr` to each candidate first byte, then
  /// `memcmp`. 0 for an empty needle.
  public static func firstOffset(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let first = needle.first else { return 0 }
    guard let base = bytes.baseAddress, bytes.count >= needle.count else { return nil }
    return needle.withUnsafeBufferPointer { wanted in
      var start = 0
      let lastStart = bytes.count - needle.count
      while start <= lastStart {
        guard let found = memchr(base + start, Int32(first), lastStart - start + 1) else { return nil }
        let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        if memcmp(base + offset, wanted.baseAddress!, needle.count) == 0 { return offset }
        start = offset + 1
      }
      return nil
    }
  }

  /// Where the last `needle` starts in `bytes`, searching from the end (what is sought lies near
  /// it). Nil for an empty needle.
  public static func lastOffset(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let first = needle.first, bytes.count >= needle.count else { return nil }
    var start = bytes.count - needle.count
    while start >= 0 {
      if bytes[start] == first, bytes[start..<(start + needle.count)].elementsEqual(needle) { return start }
      start -= 1
    }
    return nil
  }

  /// Whether `text`'s UTF-8 holds `needle`.
  public static func contains(_ needle: [UInt8], in text: String) -> Bool {
    var text = text
    return text.withUTF8 { firstOffset(of: needle, in: $0) != nil }
  }
}
