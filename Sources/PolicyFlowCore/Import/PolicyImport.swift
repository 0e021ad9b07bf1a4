/// Reads policy documents from import files and checks their engine fields, so that a user
/// fixes a whole file in one pass.
///
/// The format follows the file's extension (``Format``): `.csv` (a header row of dotted paths,
/// cells typed as `CSVHeader` and `CSVCellTyping` say), `.jsonl` / `.ndjson` (one policy per
/// line; blank lines are skipped), anything else JSON (one policy or an array of them). Every
/// bad record is reported as an ``ImportFinding`` at the line where it starts; codes must be
/// unique within the import.
public enum PolicyImport {
  /// How a file's records are read, from its extension (in any case: files from some systems
  /// arrive as POLICIES.CSV).
  public enum Format: Sendable, CaseIterable {
    /// `.json`: one policy or an array of them.
    case json
    /// `.jsonl` or `.ndjson`: a policy per line.
    case lines
    /// `.csv`: a header row of dotted paths, a policy per row.
    case csv

    public var extensions: [String] {
      switch self {
      case .json: [".json"]
      case .lines: [".jsonl", ".ndjson"]
      case .csv: [".csv"]
      }
    }

    /// The format `fileName`'s extension names, or nil when it names none.
    public init?(fileName: String) {
      let name = fileName.lowercased()
      guard let format = Format.allCases.first(where: { $0.extensions.contains(where: name.hasSuffix) }) else {
        return nil
      }
      self = format
    }

    /// The format of a text that came without a file name's extension (standard input, a pipe):
    /// a JSON array, or an object over several lines, is `.json`; an object whose first line is
    /// a whole document followed by more is JSON Lines; anything else is CSV (its header row).
    /// Nothing but white space is JSON Lines of no record (an empty feed imports nothing, as an
    /// empty `.jsonl` file does). Lines are told apart by their bytes: `\r\n` is one character to
    /// Swift, and a Windows extract read as one line was refused as one document.
    public init(text: String) {
      let body = text.unicodeScalars.drop { $0 == "\u{FEFF}" || $0.properties.isWhitespace }
      switch body.first {
      case nil: self = .lines
      case "[": self = .json
      case "{":
        let firstLine = body.prefix { $0 != "\n" && $0 != "\r" }
        let rest = body.dropFirst(firstLine.count)
        let isWholeDocument = (try? JSON(parsing: String(String.UnicodeScalarView(firstLine)))) != nil
        self = isWholeDocument && rest.contains { !$0.properties.isWhitespace } ? .lines : .json
      default: self = .csv
      }
    }

    /// Every extension an import reads.
    public static var allExtensions: [String] { allCases.flatMap(\.extensions) }
  }

  /// A policy that passed every check, the file it came from and the line it starts on.
  public struct Document: Sendable {
    public var line: Int
    /// Where the record starts on its line, when another record starts there too (see
    /// ``ImportFinding/column``).
    public var column: Int?
    public var file: String
    /// The record's JSON text as written, when it was a whole line of a `.jsonl` file: a store
    /// can keep it as the policy's data instead of serializing `data` again.
    public private(set) var text: String?
    /// The whole document, or, when `isTopLevelOnly`, its top level with the objects and arrays
    /// inside standing empty: a `.jsonl` record that plainly passes the checks is not built in
    /// full, as an import needs only a few of its top-level fields.
    private let content: JSON
    private let isTopLevelOnly: Bool

    public init(data: JSON, line: Int, file: String, text: String? = nil) {
      self.init(content: data, isTopLevelOnly: false, line: line, file: file, text: text)
    }

    /// A record of `text` of which only the top level was built.
    init(topLevel: JSON, text: String, line: Int, file: String) {
      self.init(content: topLevel, isTopLevelOnly: true, line: line, file: file, text: text)
    }

    private init(content: JSON, isTopLevelOnly: Bool, line: Int, file: String, text: String?) {
      self.content = content
      self.isTopLevelOnly = isTopLevelOnly
      self.line = line
      self.file = file
      self.text = text
    }

    /// The whole policy document. When only its top level was built, each read parses `text`
    /// again: read it once and keep it.
    public var data: JSON {
      guard isTopLevelOnly, let text else { return content }
      do {
        return try JSON(parsing: text)
      } catch {
        preconditionFailure("an import record that was checked no longer parses: \(error.message)")
      }
    }

    /// A top-level member of the document when it is a string (`code`, `source`,
    /// `processFlow`, `accessGroup`), read without building the rest.
    public func string(_ key: JSONKey) -> String? {
      content.objectValue?[key]?.stringValue
    }

    /// The policy's code, when the document has one.
    public var code: String? { string(PolicyImport.codeKey) }
  }

  static let codeKey = JSONKey("code")

  /// The deepest a policy may nest objects and arrays (its top level is 1). Less than the JSON
  /// parser's 128: the engine stores values it read from a policy inside records of its own
  /// (an outcome's message, its reads), which must parse again when they are shown.
  public static let maximumDepth = 100

  public struct Result: Sendable {
    /// The records without problems, in file order.
    public var documents: [Document] = []
    /// Every problem, in file and line order; an import with any should import nothing.
    public var rowFindings: [ImportFinding] = []

    public init() {}

    /// The problems as catalog-style findings (`file:line:1: error: field: sentence`).
    public var findings: [Finding] { rowFindings.map(\.finding) }
  }

  /// Parses `text` read from `file`; the format follows the file's extension.
  public static func parse(_ text: String, file: String) -> Result {
    parse(text, file: file, progress: nil)
  }

  /// Parses `text` read from `file`, calling `progress` now and then with the fraction of the
  /// text read so far (0…1), for a progress bar.
  public static func parse(_ text: String, file: String, progress: ((Double) -> Void)?) -> Result {
    parse(text, file: file, progress: progress, collector: Collector(file: file))
  }

  /// Parses `text` read from `file` like ``parse(_:file:progress:)``, but hands the good
  /// documents to `deliver` in file order, `batchSize` at a time, as they are read instead of
  /// keeping them: an importer holds one batch of parsed documents, not the whole file. With
  /// each batch `deliver` learns whether the file has had a bad record so far (an all-or-nothing
  /// importer can stop creating). The result has every finding and no documents.
  ///
  /// Reading ends early, after the record being read, once `stop` says so (an importer whose
  /// store failed wants no more): the result then has the findings of what was read.
  public static func parse(
    _ text: String, file: String, batchSize: Int, progress: ((Double) -> Void)?, stop: (() -> Bool)? = nil,
    documents deliver: (_ batch: [Document], _ badRecordsSoFar: Bool) -> Void
  ) -> Result {
    // The collector holds the function only while this call runs.
    withoutActuallyEscaping(deliver) { deliver in
      var result = parse(
        text, file: file, progress: progress,
        collector: Collector(file: file, batchSize: batchSize, deliver: deliver, stop: stop))
      if !result.documents.isEmpty, stop?() != true { deliver(result.documents, !result.rowFindings.isEmpty) }
      result.documents = []
      return result
    }
  }

  private static func parse(_ text: String, file: String, progress: ((Double) -> Void)?, collector: Collector)
    -> Result
  {
    var result: Result
    // A name without a known extension (standard input, a pipe) says nothing of the format: the
    // text does.
    switch Format(fileName: file) ?? Format(text: text) {
    case .csv: result = parseCSV(text, file: file, progress: progress, collector: collector)
    case .lines: result = parseLines(text, file: file, progress: progress, collector: collector)
    case .json: result = parseJSON(text, file: file, collector: collector)
    }
    progress?(1)
    return result
  }

  /// The results of several files as one import: findings in file order, and a code that
  /// appears in two files reported at its later occurrence.
  public static func combine(_ results: [Result]) -> Result {
    var combined = Result()
    var codes = CodeRegistry()
    for result in results {
      var findings = result.rowFindings
      for document in result.documents {
        if let duplicate = codes.register(document) {
          findings.append(duplicate)
        } else {
          combined.documents.append(document)
        }
      }
      combined.rowFindings += inLineOrder(findings)
    }
    return combined
  }

  /// Findings sorted by line (then by the column of records that share it), keeping the order
  /// of findings on the same record.
  public static func inLineOrder(_ findings: [ImportFinding]) -> [ImportFinding] {
    findings.enumerated().sorted {
      ($0.element.line, $0.element.column ?? 0, $0.offset) < ($1.element.line, $1.element.column ?? 0, $1.offset)
    }.map(\.element)
  }

  /// The codes of an import that spans files: the first document with a code is kept, a later
  /// one is a finding at its own line.
  public struct CodeRegistry: Sendable {
    private var first: [String: (file: String, line: Int)] = [:]

    public init() {}

    /// Records `document`'s code; the finding when an earlier document had the same code.
    public mutating func register(_ document: Document) -> ImportFinding? {
      guard let code = document.code else { return nil }
      var finding = register(code, file: document.file, line: document.line)
      finding?.column = document.column
      return finding
    }

    /// Records `code` as read at `file`:`line`; the finding when it was read before.
    mutating func register(_ code: String, file: String, line: Int) -> ImportFinding? {
      if let earlier = first[code] { return duplicate(code, file, line, firstIn: earlier.file, earlier.line) }
      first[code] = (file, line)
      return nil
    }
  }

  /// 1 to 64 characters: letters, digits, `.`, `_`, `-`, starting with a letter or digit.
  public static func isValidCode(_ code: String) -> Bool {
    guard let first = code.unicodeScalars.first, code.utf8.count <= 64 else { return false }
    func alphanumeric(_ s: Unicode.Scalar) -> Bool {
      (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9")
    }
    return alphanumeric(first)
      && code.unicodeScalars.allSatisfy { alphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
  }

  /// Collects the records of one file: checks each, keeps the good ones, and refuses a code
  /// seen earlier in the file.
  struct Collector {
    let file: String
    var result = Result()
    private var codes = CodeRegistry()
    private let engineFields = EngineFieldCheck()
    /// Takes the good documents, `batchSize` at a time; nil: they stay in `result`.
    private let deliver: (([Document], Bool) -> Void)?
    private let batchSize: Int
    /// Says when to end reading before the next record; nil: read to the end.
    private let stop: (() -> Bool)?

    init(
      file: String, batchSize: Int = 0, deliver: (([Document], Bool) -> Void)? = nil, stop: (() -> Bool)? = nil
    ) {
      self.file = file
      self.batchSize = batchSize
      self.deliver = deliver
      self.stop = stop
    }

    /// Whether reading should end before the next record.
    var isStopped: Bool { stop?() ?? false }

    /// Adds the record `data`, which starts at `line` (and at `column`, given when another
    /// record starts on that line too, so that its findings say which record they are about).
    /// `fieldLine` gives the line a field is written on, where a record spans lines (a `.json`
    /// file): a finding names that line rather than the record's first.
    mutating func add(
      _ data: JSON, line: Int, column: Int? = nil, text: String? = nil, fieldLine: ((String) -> Int)? = nil
    ) {
      let problems = engineFields.check(data)
      var document = Document(data: data, line: line, file: file, text: text)
      for problem in problems {
        result.rowFindings.append(
          ImportFinding(
            file: file, line: fieldLine?(problem.field) ?? line, column: column, field: problem.field,
            sentence: problem.sentence, code: document.code, recordLine: line))
      }
      document.column = column
      // A code seen before is a finding at the document's place, column included.
      accept(document, hasProblems: !problems.isEmpty)
    }

    /// Adds the record `text`, one whole JSON value: when it plainly passes the checks, only its
    /// top level is built; otherwise it is parsed and checked in full, for the sentences.
    mutating func add(record text: String, line: Int) throws(JSONParseError) {
      let (topLevel, depth) = try JSON.topLevel(parsing: text, isStrict: true)
      guard depth <= PolicyImport.maximumDepth, engineFields.plainlyPasses(topLevel) else {
        return add(try JSON.parsingStrictly(text), line: line, text: text)
      }
      accept(Document(topLevel: topLevel, text: text, line: line, file: file), hasProblems: false)
    }

    /// Keeps `document` unless it has problems or its code was seen earlier in the file (a
    /// finding either way).
    private mutating func accept(_ document: Document, hasProblems: Bool) {
      if let duplicate = codes.register(document) {
        result.rowFindings.append(duplicate)
        return
      }
      guard !hasProblems else { return }
      result.documents.append(document)
      if let deliver, result.documents.count >= batchSize {
        deliver(result.documents, !result.rowFindings.isEmpty)
        result.documents.removeAll(keepingCapacity: true)
      }
    }

    /// Reports a CSV row whose cells could not all be read (`cellProblems`), together with the
    /// engine fields' problems of what could be read (`data`): one pass names every problem of
    /// the row. A field whose cell failed is not reported again as missing.
    mutating func reportUnreadCells(
      _ cellProblems: [(field: String, sentence: String)], of data: JSON, line: Int, code: String?
    ) {
      for problem in cellProblems { report(line: line, field: problem.field, problem.sentence, code: code) }
      let failed = cellProblems.map(\.field)
      for problem in engineFields.check(data)
      where !failed.contains(where: { problem.field == $0 || $0.hasPrefix(problem.field + ".") }) {
        report(line: line, field: problem.field, problem.sentence, code: code)
      }
    }

    /// Reports a record the strict parser refused (`refusal`, a number it cannot keep or a name
    /// given twice, at `line`), together with the engine fields' problems of the record as the
    /// lenient parser reads it (`lenient`, nil when it cannot): one unkeepable number hid every
    /// other problem of its record (money trial). The refused field is not reported twice.
    mutating func reportRefused(
      _ refusal: (field: String, sentence: String), line: Int, lenient: JSON?, recordLine: Int? = nil,
      fieldLine: ((String) -> Int)? = nil
    ) {
      report(line: line, field: refusal.field, refusal.sentence)
      guard refusal.field != "record", let lenient else { return }
      let code = lenient[path: "code"]?.stringValue
      for problem in engineFields.check(lenient)
      where problem.field != refusal.field && !refusal.field.hasPrefix(problem.field + ".") {
        let start = recordLine ?? line
        result.rowFindings.append(
          ImportFinding(
            file: file, line: fieldLine?(problem.field) ?? start, field: problem.field, sentence: problem.sentence,
            code: code, recordLine: start))
      }
    }

    mutating func report(line: Int, field: String, _ sentence: String, code: String? = nil, isHeader: Bool = false) {
      result.rowFindings.append(
        ImportFinding(file: file, line: line, field: field, sentence: sentence, code: code, isHeader: isHeader))
    }
  }

  private static func duplicate(
    _ code: String, _ file: String, _ line: Int, firstIn firstFile: String, _ firstLine: Int
  )
    -> ImportFinding
  {
    let place = firstFile == file ? "line \(firstLine)" : "\(firstFile) line \(firstLine)"
    return ImportFinding(
      file: file, line: line, field: "code",
      sentence: "'\(code)' appears twice in this import (first on \(place)); policy codes are unique", code: code)
  }
}

extension PolicyImport {
  /// The engine-field problems of one policy document, as `field: sentence`, in field order:
  /// what import refuses, for commands that change a stored policy (edit) to refuse alike.
  public static func fieldProblems(in data: JSON) -> [String] {
    EngineFieldCheck().check(data).map { "\($0.field): \($0.sentence)" }
  }

  /// The problems of an edit that turns `earlier` into `data`: those of `data`, except a reserved
  /// field, or a member named close to an engine field, that `earlier` already held unchanged (a
  /// store written before such fields were refused may hold one; an edit need not remove it, but
  /// may not add or change one). Each as its field and its sentence.
  public static func fieldProblems(in data: JSON, besides earlier: JSON) -> [(field: String, sentence: String)] {
    EngineFieldCheck().check(data).filter { problem in
      // Top-level members by name: a dotted path would split a name with a dot in it (`sumAssured.`),
      // which then read as absent from both and passed as held unchanged (review).
      let key = JSONKey(problem.field)
      return
        !(EngineFieldCheck.reservedFields.contains { $0.name == problem.field }
        || CSVHeader.misspeltEngineField(problem.field) != nil)
        || data.objectValue?[key] != earlier.objectValue?[key]
    }.map { ($0.field, $0.sentence) }
  }
}
