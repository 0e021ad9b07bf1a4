/// A problem with one record of an import file, printed as `FILE:LINE: field: sentence`.
///
/// `line` is the physical line where the record starts (a CSV record whose quoted cells span
/// lines is reported at its first line). `field` is the dotted path of the offending field
/// (`policyholder.country`), or `record` when the record as a whole is unusable (bad JSON, a
/// CSV row with the wrong number of cells), or `header` for a CSV header problem.
public struct ImportFinding: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  public var line: Int
  /// Where the record starts on its line, when another record starts on the same line (a
  /// `.json` array written on one line): the line alone would not say which record it is.
  public var column: Int?
  public var field: String
  /// A plain sentence that quotes the offending value and says what would be accepted.
  public var sentence: String
  /// The record's policy code, when it could be read (a record whose JSON does not parse has
  /// none).
  public var code: String?
  /// The line the record starts on, when the finding's ``line`` is that of a field further down
  /// (a `.json` record over several lines); nil when they are the same.
  public var recordLine: Int?
  /// A problem of a CSV header (`field` is `header`, or the column's name): the file's, not a
  /// record's.
  public var isHeader: Bool

  public init(
    file: String, line: Int, column: Int? = nil, field: String, sentence: String, code: String? = nil,
    recordLine: Int? = nil, isHeader: Bool = false
  ) {
    self.isHeader = isHeader || field == "header"
    self.file = file
    self.line = line
    self.column = column
    self.field = field
    self.sentence = sentence
    self.code = code
    self.recordLine = recordLine == line ? nil : recordLine
  }

  /// `policies.csv:12: currency: 'EURO' is not an ISO 4217 currency code; …`, with the record's
  /// column after the line (`policies.json:1:58: …`) when records share the line.
  /// The column is the record's, so it is given only on the record's own line.
  public var description: String {
    "\(file):\(line)\((recordLine == nil ? column : nil).map { ":\($0)" } ?? ""): \(field): \(sentence)"
  }

  /// The record the finding is about, as `FILE:LINE` or `FILE:LINE:COLUMN` of where it starts.
  public var record: String { "\(file):\(recordLine ?? line)\(column.map { ":\($0)" } ?? "")" }

  /// `{"file", "line", "column", "recordLine", "code", "field", "message"}`, for `--json`: `line`
  /// is the field's, `recordLine` the record's first; `column` is null unless records share the
  /// line, `code` when the record's code could not be read.
  public var json: JSON {
    [
      "file": .string(file), "line": .int(line), "column": column.map { .int($0) } ?? .null,
      "recordLine": .int(recordLine ?? line), "code": code.map { .string($0) } ?? .null, "field": .string(field),
      "message": .string(sentence),
    ]
  }

  /// The same problem as a catalog-style ``Finding`` at the record's column (else 1), message
  /// `field: sentence`, for code that collects findings of every kind.
  public var finding: Finding {
    Finding(file: file, location: SourceLocation(line: line, column: column ?? 1), message: "\(field): \(sentence)")
  }
}
