extension PolicyImport {
  /// A `.csv` file: a header row naming fields by dotted path, then one policy per record.
  /// Records whose cells are all empty are skipped (spreadsheets leave them at the end).
  static func parseCSV(_ text: String, file: String, progress: ((Double) -> Void)?, collector: Collector) -> Result {
    let bytes = Array(text.utf8)
    var collector = collector
    var scanner = CSVScanner(bytes: bytes)
    guard let headerRecord = scanner.nextRecord() else {
      collector.report(line: 1, field: "header", "the file is empty; the first row must name the fields")
      return collector.result
    }
    let names = scanner.cells.map(scanner.string)
    // Lines that end with a carriage return alone (classic Mac OS, Excel's "CSV (Macintosh)"):
    // the whole file reads as one row, and its names as repeated. Said once, as what it is.
    if names.contains(where: { $0.utf8.contains(UInt8(ascii: "\r")) }) {
      collector.report(
        line: headerRecord.line, field: "header",
        "the lines end with a carriage return alone (\\r, classic Mac OS line endings), so the file reads as one "
          + "row; save it with LF or CRLF line endings (\"CSV UTF-8\" in Excel)")
      return collector.result
    }
    // One column whose name holds another separator: a spreadsheet saved with semicolons (as
    // European Excel does) or tabs read as one field per row, each refused for every engine field.
    if names.count == 1,
      let separator = [(";", "semicolons"), ("\t", "tabs"), ("|", "bars")].first(where: {
        names[0].contains($0.0)
      })
    {
      collector.report(
        line: headerRecord.line, field: "header",
        "the header is one column holding \(separator.1), so the file seems separated by \(separator.1); only commas "
          + "separate columns here: save it as CSV with commas (\"CSV UTF-8 (Comma delimited)\" in Excel)")
      return collector.result
    }
    let header = CSVHeader(names: names)
    if let problem = headerRecord.problem {
      collector.report(line: headerRecord.line, field: "header", describe(problem, header: header))
    }
    for problem in header.problems {
      collector.report(line: headerRecord.line, field: problem.name, problem.sentence, isHeader: true)
    }
    guard collector.result.rowFindings.isEmpty else { return collector.result }
    // A header with no line break after it and nothing more: the file was cut short, or is
    // not the export it was meant to be. A header row and its line break alone is an empty
    // import, said as such.
    if scanner.position >= bytes.count, let last = bytes.last, last != UInt8(ascii: "\n"), last != UInt8(ascii: "\r") {
      collector.report(
        line: headerRecord.line, field: "header",
        "the file ends inside its header row, so it holds no records and may have been cut short; "
          + "end the header row with a line break")
      return collector.result
    }

    var rows = 0
    while !collector.isStopped, let record = scanner.nextRecord() {
      rows += 1
      if rows & 4095 == 0, let progress { progress(Double(scanner.position) / Double(max(bytes.count, 1))) }
      if let problem = record.problem {
        collector.report(line: record.line, field: "record", describe(problem, header: header))
        continue
      }
      if scanner.cells.allSatisfy(scanner.isEmpty) { continue }
      guard scanner.cells.count == header.columnCount else {
        collector.report(
          line: record.line, field: "record",
          "has \(scanner.cells.count) cells but the header has \(header.columnCount) columns; quote cells that contain commas"
        )
        continue
      }
      var cellProblems: [(field: String, sentence: String)] = []
      let data = build(header.root, scanner, &cellProblems) ?? .object(JSONObject())
      guard cellProblems.isEmpty else {
        // The row's code, when its cell reads as one, says which policy to fix.
        let code = data.objectValue?[PolicyImport.codeKey]?.stringValue
        collector.reportUnreadCells(cellProblems, of: data, line: record.line, code: code)
        continue
      }
      collector.add(data, line: record.line)
    }
    return collector.result
  }

  /// The value a header node builds from the current record; nil when every cell under it is
  /// empty, so an absent object or array element leaves no trace.
  private static func build(
    _ node: CSVHeader.Node, _ scanner: CSVScanner, _ problems: inout [(field: String, sentence: String)]
  ) -> JSON? {
    switch node {
    case .cell(let column, let path, let typing):
      let cell = scanner.cells[column]
      guard !scanner.isEmpty(cell) else { return nil }
      switch CSVCellTyping.value(scanner.bytes(of: cell), typing: typing) {
      case .success(let value):
        return value
      case .failure(let error) where error.isValidJSON:
        // JSON that would be stored as something else (a name twice, digits lost): at the member.
        problems.append(
          (
            (([path] + error.path).joined(separator: ".")),
            "\(Excerpt.name(scanner.string(cell))) is refused: \(error.message)"
          ))
        return nil
      case .failure(let error):
        problems.append(
          (
            path,
            "\(Excerpt.name(scanner.string(cell))) is not a JSON value (\(error.message)); a ':json' column holds JSON such as true, 12.5 or \"text\""
          ))
        return nil
      }
    case .object(let members):
      var object = JSONObject()
      for member in members {
        if let value = build(member.node, scanner, &problems) { object.set(member.key, value) }
      }
      return object.isEmpty ? nil : .object(object)
    case .array(let elements):
      var array: [JSON] = []
      for element in elements {
        if let value = build(element, scanner, &problems) { array.append(value) }
      }
      return array.isEmpty ? nil : .array(array)
    }
  }

  private static func describe(_ problem: CSVScanner.Problem, header: CSVHeader) -> String {
    func name(_ cell: Int) -> String {
      cell < header.paths.count ? "the cell under '\(header.paths[cell])'" : "cell \(cell + 1)"
    }
    switch problem {
    case .unterminatedQuote(let cell):
      return
        "\(name(cell)) opens a quote that is never closed; end a quoted cell with \" and write a quote inside it as \"\""
    case .textAfterClosingQuote(let cell):
      return "\(name(cell)) has text after its closing quote; quote the whole cell and write a quote inside it as \"\""
    }
  }
}
