// Low-level code: JSONL lines found eight bytes at a time through raw pointers. Benchmark:
// `policyflow-bench import` (BENCHMARKS.md, 2026-12-01: with interned keys and one index probe
// per new code, 224,000 -> 192,000 instructions a policy).

extension PolicyImport {
  /// A record the parser refused: not JSON, or JSON whose value would lose data.
  static func sentence(_ error: JSONParseError) -> String {
    (error.isValidJSON ? "at column" : "not valid JSON at column") + " \(error.location.column): \(error.message)"
  }

  /// The finding for a record the parser refused, at the field the refusal is about (`record`
  /// for text that is not JSON); `path` is where the record lies in the parsed value (an array's
  /// element of a `.json` file), dropped from the field. An amount too large for 64 bits is said
  /// so: the parser's advice to write such a number as text does not hold for an amount.
  static func refusal(_ error: JSONParseError, recordAt path: [String] = []) -> (field: String, sentence: String) {
    let inRecord = error.path.starts(with: path) ? Array(error.path.dropFirst(path.count)) : error.path
    guard error.isValidJSON, !inRecord.isEmpty else { return ("record", sentence(error)) }
    let field = inRecord.joined(separator: ".")
    if field == "sumAssured", let number = error.refusedNumber {
      guard number.utf8.allSatisfy({ (48...57).contains($0) || $0 == UInt8(ascii: "-") }) else {
        return (field, "\(number) is not an amount in minor units; write a whole number of the currency's minor units")
      }
      return (field, "\(number) is too large for an amount in minor units (at most \(Int.max))")
    }
    return (field, sentence(error))
  }

  /// A `.json` file: one policy, or an array of them each reported at the line it starts on.
  static func parseJSON(_ text: String, file: String, collector: Collector) -> Result {
    var collector = collector
    let document: JSONDocument
    // The record the strict parser refused, when the text is JSON all the same (a number it
    // cannot keep, a name given twice): the rest is checked as the lenient parser reads it, so
    // that one such number does not hide every other problem of the file (money trial).
    var refused: (element: Int?, field: String, sentence: String, line: Int)?
    do {
      document = try JSONDocument(parsing: text, isStrict: true)
    } catch {
      // A record of an array is the element the refusal lies in.
      let isArray = text.utf8.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) } == UInt8(ascii: "[")
      let element = isArray ? Array(error.path.prefix(1)) : []
      let (field, sentence) = Self.refusal(error, recordAt: element)
      guard error.isValidJSON, let lenient = try? JSONDocument(parsing: text, isStrict: false) else {
        collector.report(line: error.location.line, field: field, sentence)
        return collector.result
      }
      document = lenient
      refused = (element.first.flatMap { Int($0) }, field, sentence, error.location.line)
    }
    if case .array(let items) = document.root {
      let starts = items.indices.map { document.location(of: "/\($0)") }
      var recordsOnLine: [Int: Int] = [:]
      for start in starts { recordsOnLine[start.line, default: 0] += 1 }
      var refusalReported = false
      for (index, (data, start)) in zip(items, starts).enumerated() {
        if collector.isStopped { break }
        let lines = { (field: String) in fieldLine(of: field, in: document, record: "/\(index)") }
        if let refused, refused.element == index {
          collector.reportRefused(
            (refused.field, refused.sentence), line: refused.line, lenient: data, recordLine: start.line,
            fieldLine: lines)
          refusalReported = true
          continue
        }
        collector.add(
          data, line: start.line, column: recordsOnLine[start.line]! > 1 ? start.column : nil, fieldLine: lines)
      }
      if let refused, !refusalReported { collector.report(line: refused.line, field: refused.field, refused.sentence) }
    } else if let refused {
      collector.reportRefused(
        (refused.field, refused.sentence), line: refused.line, lenient: document.root,
        recordLine: document.location(of: "").line, fieldLine: { fieldLine(of: $0, in: document, record: "") })
    } else {
      collector.add(
        document.root, line: document.location(of: "").line, fieldLine: { fieldLine(of: $0, in: document, record: "") })
    }
    return collector.result
  }

  /// The line the member `field` (a dotted path) of the record at `record` is written on; the
  /// record's (or the nearest enclosing value's) when the field is absent.
  private static func fieldLine(of field: String, in document: JSONDocument, record: String) -> Int {
    let pointer = field.split(separator: ".", omittingEmptySubsequences: false).map {
      "/" + JSONDocument.escape(String($0))
    }.joined()
    return document.keyLocation(of: record + pointer).line
  }

  /// A `.jsonl` file: one policy per line; blank lines are skipped.
  ///
  /// Lines are split at every line feed, on the text's own UTF-8 bytes (no copy of the file); a
  /// "\r" before the feed stays on the line as white space, so files with Windows line endings
  /// split too, and is left out of the record's text.
  static func parseLines(_ text: String, file: String, progress: ((Double) -> Void)?, collector: Collector) -> Result {
    var collector = collector
    // Native UTF-8, so that cutting records at byte offsets below is constant time per record.
    var original = text
    original.makeContiguousUTF8()
    var text = original
    text.withUTF8 { bytes in
      var start = 0
      var number = 0
      while start <= bytes.count, !collector.isStopped {
        let feed = lineFeed(in: bytes, from: start)
        number += 1
        if number & 4095 == 0, let progress { progress(Double(start) / Double(max(bytes.count, 1))) }
        // The record without the line's white space at its end (a "\r" of a Windows line ending).
        var end = feed
        while end > start, [0x20, 0x09, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        if bytes[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
          // Cut from the file's own string, which is valid UTF-8 and split at ASCII bytes, so the
          // record is not checked byte by byte again (decoding the bytes did, at about 8
          // instructions a byte).
          let utf8 = original.utf8
          let record = String(
            original[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
          do throws(JSONParseError) {
            try collector.add(record: record, line: number)
          } catch {
            collector.reportRefused(
              Self.refusal(error), line: number, lenient: error.isValidJSON ? try? JSON(parsing: record) : nil)
          }
        }
        start = feed + 1
      }
    }
    return collector.result
  }

  /// The index of the first line feed at or after `start`, or `bytes.count`, eight bytes at a
  /// time: a byte of `word ^ 0x0A…` is zero where the feed is, and `(x - 0x01…) & ~x & 0x80…`
  /// flags zero bytes, the lowest flag exactly.
  static func lineFeed(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
    var i = start
    if let base = bytes.baseAddress {
      let ones: UInt64 = 0x0101_0101_0101_0101
      while i + 8 <= bytes.count {
        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ (ones &* 0x0A)
        let flags = (word &- ones) & ~word & 0x8080_8080_8080_8080
        if flags != 0 { return i + flags.trailingZeroBitCount / 8 }
        i += 8
      }
    }
    while i < bytes.count, bytes[i] != 0x0A { i += 1 }
    return i
  }
}
