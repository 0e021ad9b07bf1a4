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
    for (index, line) in lines(text).enumerated() {
      guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") })
      else { continue }
      // The text without the line's trailing white space (a "\r" of a Windows line ending).
      var end = line.endIndex
      while end > line.startIndex, [0x20, 0x09, 0x0D].contains(line[end - 1]) { end -= 1 }
      let text = String(decoding: line[..<end], as: UTF8.self)
      do {
        collector.add(try JSON(parsing: text), line: index + 1, text: text)
      } catch {
        collector.report(
          line: index + 1, field: "record", "not valid JSON at column \(error.location.column): \(error.message)")
      }
    }
    return collector.result
  }

  /// The lines of `text` as UTF-8 bytes, split at every line feed; a "\r" before it stays on the
  /// line and parses as white space, so files with Windows line endings split too. Working on
  /// bytes avoids walking the text `Character` by `Character`.
  static func lines(_ text: String) -> [ArraySlice<UInt8>] {
    let bytes = Array(text.utf8)
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for i in 0..<bytes.count where bytes[i] == 0x0A {
      lines.append(bytes[start..<i])
      start = i + 1
    }
    lines.append(bytes[start..<bytes.count])
    return lines
  }
}
