// Low-level code: patterns matched over the subject's ASCII bytes through an
// `UnsafeBufferPointer`. Benchmark: `policyflow-bench cycle` (BENCHMARKS.md: Swift `Regex` took
// 6% of a cycle for two UUID checks).

/// The patterns rules write most (`^[0-9a-fA-F]{8}-…$`, `^[A-Z]{2}[0-9]+$`), matched over ASCII
/// bytes without the general regex engine, which costs microseconds per match.
///
/// The subset: literal characters, `\` before punctuation, classes of literals and ranges
/// (`[a-z_.]`, negated `[^…]`), `.`, the greedy quantifiers `?`, `*`, `+`, `{n}`, `{n,}` and
/// `{n,m}`, and `^` / `$` at the ends of the pattern. Anything else (groups, alternation, `\d`
/// and other classes whose meaning depends on Unicode, lazy quantifiers) is not compiled here and
/// the pattern goes to `Regex`. Subjects that are not ASCII, or contain a line-breaking character
/// (line feed, vertical tab, form feed, carriage return), go to `Regex` as well, so that grapheme,
/// `.` and anchor rules never differ from it.
struct SimplePattern: Sendable {
  /// One pattern element: which bytes it accepts, and how many times in a row.
  struct Item: Sendable {
    /// Bit `b` set: byte `b` matches (ASCII only).
    var accepts: (UInt64, UInt64)
    var minimum: Int
    var maximum: Int

    func matches(_ byte: UInt8) -> Bool {
      byte < 64 ? accepts.0 & (1 << UInt64(byte)) != 0 : byte < 128 && accepts.1 & (1 << UInt64(byte - 64)) != 0
    }
  }

  let items: [Item]
  let anchoredStart: Bool
  let anchoredEnd: Bool
  /// The one length a subject can have when the pattern is anchored at both ends and every
  /// item repeats a fixed number of times (`^[0-9a-fA-F]{8}-…-[0-9a-fA-F]{12}$`, a UUID): such
  /// a subject is checked byte by byte in one pass, with no backtracking to try.
  let fixedLength: Int?

  /// The compiled pattern, or nil when `source` uses anything outside the subset.
  init?(_ source: String) {
    var bytes = Array(source.utf8)[...]
    guard bytes.allSatisfy({ $0 < 128 }) else { return nil }
    anchoredStart = bytes.first == UInt8(ascii: "^")
    if anchoredStart { bytes = bytes.dropFirst() }
    // A trailing `$` anchors unless it is escaped (`\$`).
    anchoredEnd =
      bytes.last == UInt8(ascii: "$") && (bytes.count < 2 || bytes[bytes.endIndex - 2] != UInt8(ascii: "\\"))
    if anchoredEnd { bytes = bytes.dropLast() }
    var items: [Item] = []
    while let byte = bytes.popFirst() {
      var item: Item
      switch byte {
      case UInt8(ascii: "["):
        guard let set = SimplePattern.parseClass(&bytes) else { return nil }
        item = Item(accepts: set, minimum: 1, maximum: 1)
      case UInt8(ascii: "\\"):
        guard let escaped = bytes.popFirst(), SimplePattern.isPunctuation(escaped) else { return nil }
        item = Item(accepts: SimplePattern.set(escaped), minimum: 1, maximum: 1)
      case UInt8(ascii: "."):
        // Every ASCII byte: subjects with a line break are left to `Regex`.
        item = Item(accepts: (UInt64.max, UInt64.max), minimum: 1, maximum: 1)
      case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "$"),
        UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "{"), UInt8(ascii: "}"),
        UInt8(ascii: "]"):
        return nil
      default:
        guard byte >= 0x20 else { return nil }
        item = Item(accepts: SimplePattern.set(byte), minimum: 1, maximum: 1)
      }
      guard SimplePattern.parseQuantifier(&bytes, into: &item) else { return nil }
      items.append(item)
    }
    self.items = items
    fixedLength =
      anchoredStart && anchoredEnd && items.allSatisfy({ $0.minimum == $0.maximum })
      ? items.reduce(0) { $0 + $1.minimum } : nil
  }

  /// Whether the pattern matches somewhere in `subject`; nil when the subject is outside what
  /// this matcher decides exactly like `Regex` (not ASCII, or holding a line-breaking character).
  func matches(_ subject: String) -> Bool? {
    var subject = subject
    return subject.withUTF8 { bytes -> Bool? in
      // Line feed, vertical tab, form feed and carriage return: `.` and the anchors treat them
      // as line breaks in `Regex`.
      for byte in bytes where byte >= 128 || (0x0A...0x0D).contains(byte) { return nil }
      if let fixedLength { return bytes.count == fixedLength && matchesInOnePass(bytes) }
      let lastStart = anchoredStart ? 0 : bytes.count
      for start in 0...lastStart where match(0, start, bytes) { return true }
      return false
    }
  }

  /// Each item's bytes in turn, for a pattern of fixed repetitions (``fixedLength``).
  private func matchesInOnePass(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var position = 0
    for item in items {
      for _ in 0..<item.minimum {
        guard item.matches(bytes[position]) else { return false }
        position += 1
      }
    }
    return true
  }

  /// Greedy with backtracking: the most repetitions first, then fewer.
  private func match(_ itemIndex: Int, _ position: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard itemIndex < items.count else { return !anchoredEnd || position == bytes.count }
    let item = items[itemIndex]
    var count = 0
    while count < item.maximum, position + count < bytes.count, item.matches(bytes[position + count]) { count += 1 }
    while count >= item.minimum {
      if match(itemIndex + 1, position + count, bytes) { return true }
      count -= 1
    }
    return false
  }

  private static func set(_ byte: UInt8) -> (UInt64, UInt64) {
    byte < 64 ? (1 << UInt64(byte), 0) : (0, 1 << UInt64(byte - 64))
  }

  private static func isPunctuation(_ byte: UInt8) -> Bool {
    (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte)
      || (0x7B...0x7E).contains(byte)
  }

  /// `[…]` after its opening bracket: literals, escaped punctuation and ranges of them.
  private static func parseClass(_ bytes: inout ArraySlice<UInt8>) -> (UInt64, UInt64)? {
    var accepts: (UInt64, UInt64) = (0, 0)
    let negated = bytes.first == UInt8(ascii: "^")
    if negated { bytes = bytes.dropFirst() }
    var first = true
    while let byte = bytes.popFirst() {
      if byte == UInt8(ascii: "]") {
        guard !first else { return nil }
        if negated {
          accepts = (~accepts.0, ~accepts.1)
        }
        return accepts
      }
      first = false
      guard let low = literal(byte, &bytes) else { return nil }
      var high = low
      if bytes.first == UInt8(ascii: "-"), bytes.count >= 2, bytes[bytes.startIndex + 1] != UInt8(ascii: "]") {
        bytes = bytes.dropFirst()
        guard let next = bytes.popFirst(), let end = literal(next, &bytes), end >= low else { return nil }
        high = end
      }
      for b in low...high {
        let bit = set(b)
        accepts = (accepts.0 | bit.0, accepts.1 | bit.1)
      }
    }
    return nil
  }

  /// A class member: a plain byte, or `\` before punctuation. Nested classes, `[:…:]` and
  /// escapes such as `\d` are outside the subset.
  private static func literal(_ byte: UInt8, _ bytes: inout ArraySlice<UInt8>) -> UInt8? {
    if byte == UInt8(ascii: "\\") {
      guard let escaped = bytes.popFirst(), isPunctuation(escaped) else { return nil }
      return escaped
    }
    if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte < 0x20 || byte == 0x7F { return nil }
    if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "~") || byte == UInt8(ascii: "-") {
      // Swift's regex syntax gives `&&`, `~~` and `--` set-operation meanings; keep them out.
      if bytes.first == byte { return nil }
    }
    return byte
  }

  private static func parseQuantifier(_ bytes: inout ArraySlice<UInt8>, into item: inout Item) -> Bool {
    switch bytes.first {
    case UInt8(ascii: "?"): (item.minimum, item.maximum) = (0, 1)
    case UInt8(ascii: "*"): (item.minimum, item.maximum) = (0, Int.max)
    case UInt8(ascii: "+"): (item.minimum, item.maximum) = (1, Int.max)
    case UInt8(ascii: "{"):
      guard let close = bytes.firstIndex(of: UInt8(ascii: "}")) else { return false }
      let inside = String(decoding: bytes[(bytes.startIndex + 1)..<close], as: UTF8.self)
      let parts = inside.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
      guard let low = Int(parts[0]), low >= 0, low <= 1_000 else { return false }
      var high = low
      if parts.count == 2 {
        if parts[1].isEmpty {
          high = Int.max
        } else {
          guard let value = Int(parts[1]), value >= low, value <= 1_000 else { return false }
          high = value
        }
      }
      (item.minimum, item.maximum) = (low, high)
      bytes = bytes[(close + 1)...]
      return !SimplePattern.startsModifier(bytes)
    default:
      return true
    }
    bytes = bytes.dropFirst()
    return !SimplePattern.startsModifier(bytes)
  }

  /// A lazy (`?`) or possessive (`+`) modifier, or a second quantifier: outside the subset.
  private static func startsModifier(_ bytes: ArraySlice<UInt8>) -> Bool {
    guard let next = bytes.first else { return false }
    return next == UInt8(ascii: "?") || next == UInt8(ascii: "+") || next == UInt8(ascii: "*")
      || next == UInt8(ascii: "{")
  }
}
