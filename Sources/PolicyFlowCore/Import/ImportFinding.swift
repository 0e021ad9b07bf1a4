/// A problem with one record of an import file, printed as `FILE:LINE: field: sentence`.
///
/// `line` is the physical line where the record starts (a CSV record whose quoted cells span
/// lines is reported at its first line). `field` is the dotted path of the offending field
/// (`policyholder.country`), or `record` when the record as a whole is unusable (bad JSON, a
/// CSV row with the wrong number of cells), or `header` for a CSV header problem.
public struct ImportFinding: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var field: String
  /// A plain sentence that quotes the offending value and says what would be accepted.
  public var sentence: String

  public init(file: String, line: Int, field: String, sentence: String) {
    self.file = file
    self.line = line
    self.field = field
    self.sentence = sentence
  }

  /// `policies.csv:12: currency: 'EURO' is not an ISO 4217 currency code; …`
  public var description: String { "\(file):\(line): \(field): \(sentence)" }

  /// `{"file", "line", "field", "message"}`, for `--json`.
  public var json: JSON {
    ["file": .string(file), "line": .int(line), "field": .string(field), "message": .string(sentence)]
  }

  /// The same problem as a catalog-style ``Finding`` at column 1, message `field: sentence`,
  /// for code that collects findings of every kind.
  public var finding: Finding {
    Finding(file: file, location: SourceLocation(line: line, column: 1), message: "\(field): \(sentence)")
  }
}
