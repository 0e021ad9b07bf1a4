/// Splits RFC 4180 CSV text into records of cells without copying: each cell is a byte range
/// of the input.
///
/// Accepted: `,` between cells; records ended by CRLF or LF (a lone CR is data); cells quoted
/// with `"` may hold commas, line breaks and doubled quotes (`""`). A UTF-8 byte order mark is
/// skipped. Lines are counted as the scanner goes, so every record knows the physical line it
/// starts on even when quoted cells span lines.
///
struct CSVScanner {
  /// One cell: `bytes[start..<end]`, without its quotes. `hasDoubledQuotes` means the text
  /// still holds `""` pairs that stand for one quote.
  struct Cell {
    var start: Int
    var end: Int
    var hasDoubledQuotes: Bool
  }

  /// A structural problem in a record; the record's cells are unreliable.
  enum Problem: Equatable {
    /// The quoted cell at this 0-based index is never closed.
    case unterminatedQuote(cell: Int)
    /// Text follows the closing quote of the cell at this 0-based index.
    case textAfterClosingQuote(cell: Int)
  }

  let bytes: [UInt8]
  private(set) var position = 0
  private(set) var line = 1
  /// The cells of the record read last.
  private(set) var cells: [Cell] = []

  init(bytes: [UInt8]) {
    self.bytes = bytes
    cells.reserveCapacity(32)
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
  }

  private static let comma = UInt8(ascii: ",")
  private static let quote = UInt8(ascii: "\"")
  private static let newline = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  /// Reads the next record into ``cells``. Returns the line it starts on and its first problem,
  /// or nil at the end of the input.
  mutating func nextRecord() -> (line: Int, problem: Problem?)? {
    let count = bytes.count
    guard position < count else { return nil }
    cells.removeAll(keepingCapacity: true)
    let startLine = line
    var problem: Problem?
    while true {
      if position < count, bytes[position] == Self.quote {
        position += 1
        let start = position
        var doubled = false
        var closed = false
        while position < count {
          let byte = bytes[position]
          if byte == Self.quote {
            if position + 1 < count, bytes[position + 1] == Self.quote {
              doubled = true
              position += 2
              continue
            }
            closed = true
            break
          }
          if byte == Self.newline { line += 1 }
          position += 1
        }
        cells.append(Cell(start: start, end: position, hasDoubledQuotes: doubled))
        guard closed else {
          return (startLine, problem ?? .unterminatedQuote(cell: cells.count - 1))
        }
        position += 1
        if position < count, bytes[position] != Self.comma, !atLineEnd() {
          if problem == nil { problem = .textAfterClosingQuote(cell: cells.count - 1) }
          while position < count, bytes[position] != Self.comma, bytes[position] != Self.newline { position += 1 }
        }
      } else {
        let start = position
        while position < count {
          let byte = bytes[position]
          if byte == Self.comma || byte == Self.newline { break }
          position += 1
        }
        var end = position
        if end > start, bytes[end - 1] == Self.carriageReturn, position < count, bytes[position] == Self.newline {
          end -= 1
        }
        cells.append(Cell(start: start, end: end, hasDoubledQuotes: false))
      }
      guard position < count else { return (startLine, problem) }
      if bytes[position] == Self.comma {
        position += 1
        continue
      }
      if bytes[position] == Self.carriageReturn { position += 1 }
      if position < count, bytes[position] == Self.newline {
        position += 1
        line += 1
      }
      return (startLine, problem)
    }
  }

  /// At `\n` or `\r\n`.
  private func atLineEnd() -> Bool {
    let byte = bytes[position]
    if byte == Self.newline { return true }
    return byte == Self.carriageReturn && position + 1 < bytes.count && bytes[position + 1] == Self.newline
  }

  /// Whether the cell holds no text.
  func isEmpty(_ cell: Cell) -> Bool { cell.start == cell.end }

  /// The cell's bytes, quotes undoubled only when it had some.
  func bytes(of cell: Cell) -> ArraySlice<UInt8> {
    let raw = bytes[cell.start..<cell.end]
    guard cell.hasDoubledQuotes else { return raw }
    var undoubled: [UInt8] = []
    undoubled.reserveCapacity(raw.count)
    var index = raw.startIndex
    while index < raw.endIndex {
      undoubled.append(raw[index])
      index += raw[index] == Self.quote ? 2 : 1
    }
    return undoubled[...]
  }

  /// The cell's text.
  func string(_ cell: Cell) -> String {
    String(decoding: bytes(of: cell), as: UTF8.self)
  }
}
