/// A regular expression compiled from a rule. A class, so that the node enum keeps a fixed
/// layout (`Regex` is a resilient type). `@unchecked Sendable`: a compiled regex is immutable and
/// the standard library documents `Regex` as safe to share between threads.
///
/// The standard library's regex parser recurses once per nested group or class, and a few
/// thousand nested `[` overflow the stack (a crash, not an error). So a pattern is measured
/// before it is parsed: over ``maximumLength`` bytes, or with more than ``maximumGroups`` groups
/// and classes in all (which bounds how deep they nest), it is refused with a
/// ``LogicPatternError``, the same way in a catalog constant and in a pattern read from data at
/// evaluation.
final class LogicPattern: @unchecked Sendable {
  /// The longest pattern accepted, in UTF-8 bytes.
  static let maximumLength = 1_000
  /// The most groups and character classes in one pattern. A count of them all rather than of
  /// those open at once: a `)` or `]` can be a literal (in a `(?x)` comment, in `\Q…\E`), and
  /// a depth counted past it would be lower than the parser's.
  static let maximumGroups = 50

  let source: String
  let regex: Regex<AnyRegexOutput>
  /// The same pattern for the fast matcher, when it is in its subset.
  let simple: SimplePattern?

  init(_ source: String) throws {
    try LogicPattern.checkLimits(source)
    self.source = source
    self.regex = try Regex(source)
    self.simple = SimplePattern(source)
  }

  func matches(_ subject: String) -> Bool {
    if let simple, let matched = simple.matches(subject) { return matched }
    return subject.contains(regex)
  }

  /// Refuses a pattern too long, or with too many groups and classes, for the regex parser to
  /// be handed safely, and one that repeats a group which itself repeats or has alternatives
  /// (`(a+)+`, `([a-z]+)*`, `(a|ab)+`). The regex engine backtracks, and on such a pattern a text
  /// a few dozen characters long can keep it busy for hours: a policy's data would stall the
  /// worker that evaluates it. Every unescaped `(` and `[` counts, even where the syntax reads it
  /// as a literal: a pattern this refuses in error is one no rule needs.
  static func checkLimits(_ source: String) throws(LogicPatternError) {
    try checkSize(source)
    try checkRepetition(source)
  }

  private static func checkSize(_ source: String) throws(LogicPatternError) {
    let length = source.utf8.count
    guard length <= maximumLength else { throw .tooLong(length: length) }
    var groups = 0
    var escaped = false
    for byte in source.utf8 {
      if escaped {
        escaped = false
      } else if byte == UInt8(ascii: "\\") {
        escaped = true
      } else if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") {
        groups += 1
        guard groups <= maximumGroups else { throw .tooManyGroups }
      }
    }
  }
}

extension LogicPattern {
  /// Refuses a repeated group (`(…)*`, `+`, `{n,}`, `{n,m}` with m > 1) whose contents repeat
  /// or have alternatives, at any depth. Character classes and escapes are skipped.
  fileprivate static func checkRepetition(_ source: String) throws(LogicPatternError) {
    let bytes = Array(source.utf8)
    // For each open group: whether what it holds so far repeats or has alternatives.
    var open: [Bool] = []
    var index = 0
    func repeats(at position: Int) -> Bool {
      guard position < bytes.count else { return false }
      switch bytes[position] {
      case UInt8(ascii: "*"), UInt8(ascii: "+"): return true
      case UInt8(ascii: "{"):
        // `{n}` and `{n,1}` repeat a fixed number of times at most once; `{n,}` and `{n,m}` more.
        var end = position + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "}") { end += 1 }
        guard end < bytes.count else { return false }
        let inside = String(decoding: bytes[(position + 1)..<end], as: UTF8.self)
        let parts = inside.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts[1].isEmpty || (Int(parts[1]) ?? 0) > 1
      default: return false
      }
    }
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\\"):
        index += 2
        if repeats(at: index), !open.isEmpty { open[open.count - 1] = true }
        continue
      case UInt8(ascii: "["):
        // Skip the class: `]` right after `[` or `[^` is a literal.
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "^") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
        while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
          index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        index += 1
        if repeats(at: index), !open.isEmpty { open[open.count - 1] = true }
        continue
      case UInt8(ascii: "("):
        open.append(false)
      case UInt8(ascii: ")"):
        guard let inner = open.popLast() else { break }
        if repeats(at: index + 1) {
          if inner { throw .nestedRepetition }
          if !open.isEmpty { open[open.count - 1] = true }
        } else if inner, !open.isEmpty {
          open[open.count - 1] = true
        }
      case UInt8(ascii: "|"):
        if !open.isEmpty { open[open.count - 1] = true }
      default:
        if repeats(at: index + 1), !open.isEmpty { open[open.count - 1] = true }
      }
      index += 1
    }
  }
}

/// A pattern refused before the regex parser saw it.
enum LogicPatternError: Error, CustomStringConvertible {
  case tooLong(length: Int)
  case tooManyGroups
  case nestedRepetition

  var description: String {
    switch self {
    case .tooLong(let length):
      "the pattern is \(length) bytes long; at most \(LogicPattern.maximumLength) are allowed"
    case .tooManyGroups:
      "the pattern has more than \(LogicPattern.maximumGroups) groups and character classes"
    case .nestedRepetition:
      "the pattern repeats a group that itself repeats or has alternatives, such as (a+)+ or (a|ab)*, "
        + "which can take the regex engine hours on a text a few dozen characters long; repeat single "
        + "items instead, such as [a-z.]+"
    }
  }
}
