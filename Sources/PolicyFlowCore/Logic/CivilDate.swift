// Low-level code: ISO 8601 text written digit by digit into one `String` buffer
// (`ISOText`). Benchmark: `policyflow-bench worker` (commit 4e9935c, 2026-12-01: 344,000 ->
// 338,000 instructions a policy; each field had been padded as a String of its own).

/// A proleptic Gregorian calendar date, with the arithmetic the date operators need.
///
/// Conversions use Howard Hinnant's days-from-civil algorithms: pure integer arithmetic, no
/// Foundation calendar, so evaluation stays a fast pure function.
struct CivilDate: Hashable, Comparable, Sendable {
  var year: Int
  var month: Int
  var day: Int

  init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// The date `days` days after 1970-01-01.
  init(daysSinceEpoch days: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  }

  /// Days since 1970-01-01 (negative before).
  var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  static func isLeapYear(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  static func daysInMonth(_ month: Int, of year: Int) -> Int {
    switch month {
    case 2: isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Whether the fields name a real day (no February 30).
  var isValid: Bool {
    (1...12).contains(month) && day >= 1 && day <= CivilDate.daysInMonth(month, of: year)
  }

  /// The same day `months` months later, clamped to the end of a shorter month
  /// (2024-01-31 + 1 month is 2024-02-29).
  func adding(months: Int) -> CivilDate {
    let total = year * 12 + (month - 1) + months
    let newYear = total >= 0 ? total / 12 : (total - 11) / 12
    let newMonth = total - newYear * 12 + 1
    return CivilDate(year: newYear, month: newMonth, day: Swift.min(day, CivilDate.daysInMonth(newMonth, of: newYear)))
  }

  /// `2024-02-29`.
  var iso8601: String {
    ISOText.make { text in write(to: &text) }
  }

  /// `2024-02-29` into `text`.
  func write(to text: inout ISOText) {
    text.number(year, 4)
    text.byte(UInt8(ascii: "-"))
    text.number(month, 2)
    text.byte(UInt8(ascii: "-"))
    text.number(day, 2)
  }

  static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }
}

/// ISO 8601 text written digit by digit into one buffer. Dates and times are formatted for
/// every outcome, message and history row; padding each field as a `String` of its own and
/// joining them took thousands of instructions per date.
struct ISOText {
  private let buffer: UnsafeMutableBufferPointer<UInt8>
  private(set) var count = 0

  /// The text `body` writes (at most 64 bytes).
  static func make(_ body: (inout ISOText) -> Void) -> String {
    String(unsafeUninitializedCapacity: 64) { buffer in
      var text = ISOText(buffer: buffer)
      body(&text)
      return text.count
    }
  }

  private init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

  mutating func byte(_ byte: UInt8) {
    buffer[count] = byte
    count += 1
  }

  /// `value` in decimal, zero-padded to `width` digits, after a minus sign when negative.
  mutating func number(_ value: Int, _ width: Int) {
    if value < 0 { byte(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits = 1
    var rest = magnitude / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    let written = Swift.max(width, digits)
    for position in stride(from: count + written - 1, through: count, by: -1) {
      buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
      magnitude /= 10
    }
    count += written
  }
}
