extension PolicyImport {
  /// A `.json` file: one policy, or an array of them each reported at the line it starts on.
  static func parseJSON(_ text: String, file: String, collector: Collector) -> Result {
    var collector = collector
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
  ///
  /// Lines are split at every line feed, on the text's own UTF-8 bytes (no copy of the file); a
  /// "\r" before the feed stays on the line as white space, so files with Windows line endings
  /// split too, and is left out of the record's text.
  static func parseLines(_ text: String, file: String, progress: ((Double) -> Void)?, collector: Collector) -> Result {
    var collector = collector
    var text = text
    text.withUTF8 { bytes in
      var start = 0
      var number = 0
      while start <= bytes.count {
        let feed = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        number += 1
        if number & 4095 == 0, let progress { progress(Double(start) / Double(max(bytes.count, 1))) }
        // The record without the line's white space at its end (a "\r" of a Windows line ending).
        var end = feed
        while end > start, [0x20, 0x09, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        if bytes[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
          let record = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
          do throws(JSONParseError) {
            collector.add(try JSON(parsing: record), line: number, text: record)
          } catch {
            collector.report(
              line: number, field: "record", "not valid JSON at column \(error.location.column): \(error.message)")
          }
        }
        start = feed + 1
      }
    }
    return collector.result
  }
}
