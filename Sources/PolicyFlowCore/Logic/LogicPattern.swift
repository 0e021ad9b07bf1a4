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
  /// be handed safely. Every unescaped `(` and `[` counts, even where the syntax reads it as a
  /// literal: a pattern this refuses in error is one no rule needs.
  static func checkLimits(_ source: String) throws(LogicPatternError) {
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

/// A pattern refused before the regex parser saw it.
enum LogicPatternError: Error, CustomStringConvertible {
  case tooLong(length: Int)
  case tooManyGroups

  var description: String {
    switch self {
    case .tooLong(let length):
      "the pattern is \(length) bytes long; at most \(LogicPattern.maximumLength) are allowed"
    case .tooManyGroups:
      "the pattern has more than \(LogicPattern.maximumGroups) groups and character classes"
    }
  }
}
