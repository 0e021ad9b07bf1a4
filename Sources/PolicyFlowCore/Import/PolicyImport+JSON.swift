extension PolicyImport {
  /// A `.json` file: one policy, or an array of them each reported at the line it starts on.
  static func parseJSON(_ text: String, file: String) -> Result {
    var collector = Collector(file: file)
    let document: JSONDocument
    do {
      document = try JSONDocument(parsing: text)
    } catch {
      collector.report(
        line: error.location.line, field: "record",
        "not valid JSON at column \(error.location.column): \(error.message)")
      return collector.result
    }
    if case .array(let items) = document.root {
      for (index, data) in items.enumerated() {
        collector.add(data, line: document.location(of: "/\(index)").line)
      }
    } else {
      collector.add(document.root, line: document.location(of: "").line)
    }
    return collector.result
  }

  /// A `.jsonl` file: one policy per line; blank lines are skipped.
  static func parseLines(_ text: String, file: String) -> Result {
    var collector = Collector(file: file)
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      guard line.contains(where: { $0 != " " && $0 != "\t" && $0 != "\r" }) else { continue }
      do {
        collector.add(try JSON(parsing: Array(line.utf8)), line: index + 1)
      } catch {
        collector.report(
          line: index + 1, field: "record", "not valid JSON at column \(error.location.column): \(error.message)")
      }
    }
    return collector.result
  }
}
