// Low-level code: dates read in one pass over the string's UTF-8 through an
// `UnsafeBufferPointer`. Benchmark: `policyflow-bench cycle` (BENCHMARKS.md, 2026-12-01:
// rules parse a policy's few dates about thirteen times a cycle; the rules 59,900 -> 50,400
// instructions with this and the other changes of that day).

/// A date operand: a calendar date (`2024-02-29`) or a date-time with an offset
/// (`2024-02-29T13:45:10.5+01:00`). The operators keep the form they were given.
enum LogicDate: Sendable, Hashable {
  case date(CivilDate)
  /// The instant to the second, the fraction as written (`.5`, or empty) and its nanoseconds.
  case dateTime(Timestamp, fraction: String, nanoseconds: Int)

  /// A date alone is midnight UTC of that day.
  var timestamp: Timestamp {
    switch self {
    case .date(let date): Timestamp(secondsSinceEpoch: Int64(date.daysSinceEpoch) * 86_400)
    case .dateTime(let timestamp, _, _): timestamp
    }
  }

  /// Nanoseconds since the epoch, for ordering and differences.
  var instant: Int128 {
    switch self {
    case .date: Int128(timestamp.secondsSinceEpoch) * 1_000_000_000
    case .dateTime(let timestamp, _, let nanoseconds):
      Int128(timestamp.secondsSinceEpoch) * 1_000_000_000 + Int128(nanoseconds)
    }
  }

  /// The calendar day, in the date-time's own offset.
  var localDate: CivilDate {
    switch self {
    case .date(let date): date
    case .dateTime(let timestamp, _, _): timestamp.localDate
    }
  }

  /// The value as written back: `YYYY-MM-DD`, or a date-time in its offset.
  var iso8601: String {
    switch self {
    case .date(let date): return date.iso8601
    case .dateTime(let timestamp, let fraction, _):
      guard !fraction.isEmpty else { return timestamp.iso8601 }
      var text = timestamp.iso8601
      let offset = Timestamp.offsetText(timestamp.utcOffsetSeconds)
      text.removeLast(offset.count)
      return text + fraction + offset
    }
  }

  /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`, strictly; nil otherwise.
  init?(parsing text: String) {
    // Read in place: rules parse the same few dates many times per cycle, and copying each
    // into an array was most of the cost.
    var text = text
    guard let parsed = text.withUTF8(LogicDate.parse) else { return nil }
    self = parsed
  }

  private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> LogicDate? {
    guard bytes.count >= 10, let date = day(UnsafeBufferPointer(rebasing: bytes[0..<10])) else { return nil }
    if bytes.count == 10 { return .date(date) }
    var reader = Reader(bytes: bytes)
    reader.position = 10
    guard reader.skip("T"), let hour = reader.digits(2), hour < 24, reader.skip(":"), let minute = reader.digits(2),
      minute < 60
    else { return nil }
    var second = 0
    var fraction = ""
    var nanoseconds = 0
    if reader.skip(":") {
      guard let s = reader.digits(2), s < 60 else { return nil }
      second = s
      if reader.skip(".") {
        let start = reader.position
        while let byte = reader.peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { reader.position += 1 }
        let count = reader.position - start
        guard count > 0, count <= 9 else { return nil }
        let digits = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<reader.position]), as: UTF8.self)
        fraction = "." + digits
        nanoseconds = Int(digits)!
        for _ in count..<9 { nanoseconds *= 10 }
      }
    }
    var offset = 0
    if reader.skip("Z") {
      offset = 0
    } else {
      let sign: Int
      if reader.skip("+") { sign = 1 } else if reader.skip("-") { sign = -1 } else { return nil }
      guard let hours = reader.digits(2), hours < 24, reader.skip(":"), let minutes = reader.digits(2), minutes < 60
      else { return nil }
      offset = sign * (hours * 3600 + minutes * 60)
    }
    guard reader.atEnd else { return nil }
    let local = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second
    let timestamp = Timestamp(secondsSinceEpoch: Int64(local - offset), utcOffsetSeconds: offset)
    return .dateTime(timestamp, fraction: fraction, nanoseconds: nanoseconds)
  }

  /// The `YYYY-MM-DD` that every date and date-time starts with (ten bytes), read in one
  /// straight pass: rules parse the same few dates many times per cycle.
  private static func day(_ bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
    guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
    // Each digit as a value; a byte that is not one makes it negative or above 9.
    @inline(__always) func digit(_ index: Int) -> UInt { UInt(bytes[index]) &- UInt(UInt8(ascii: "0")) }
    let (y0, y1, y2, y3) = (digit(0), digit(1), digit(2), digit(3))
    let (m0, m1, d0, d1) = (digit(5), digit(6), digit(8), digit(9))
    guard y0 <= 9, y1 <= 9, y2 <= 9, y3 <= 9, m0 <= 9, m1 <= 9, d0 <= 9, d1 <= 9 else { return nil }
    let date = CivilDate(
      year: Int(y0 * 1000 + y1 * 100 + y2 * 10 + y3), month: Int(m0 * 10 + m1), day: Int(d0 * 10 + d1))
    return date.isValid ? date : nil
  }

  private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    var atEnd: Bool { position == bytes.count }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
      guard peek == UInt8(ascii: character) else { return false }
      position += 1
      return true
    }

    mutating func digits(_ count: Int) -> Int? {
      guard position + count <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[position..<(position + count)] {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      position += count
      return value
    }
  }
}

/// The units `date_add` accepts.
enum LogicDateUnit: String, Sendable {
  case days, months, years

  static let names = ["days", "months", "years"]
}
