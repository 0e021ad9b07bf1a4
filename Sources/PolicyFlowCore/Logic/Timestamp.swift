/// An instant with the UTC offset it was written in, to the second.
public struct Timestamp: Sendable, Hashable {
  public var secondsSinceEpoch: Int64
  public var utcOffsetSeconds: Int

  public init(secondsSinceEpoch: Int64, utcOffsetSeconds: Int = 0) {
    self.secondsSinceEpoch = secondsSinceEpoch
    self.utcOffsetSeconds = utcOffsetSeconds
  }

  /// Parses an ISO 8601 date (`2026-11-22`, midnight UTC) or date-time with `Z` or an offset
  /// (`2026-11-22T03:12Z`, `2026-11-22T03:12:00.250+01:00`); fractions of a second are dropped.
  /// Nil for anything else, including days that do not exist (`2026-02-30`).
  public init?(iso8601: String) {
    guard let parsed = LogicDate(parsing: iso8601) else { return nil }
    self = parsed.timestamp
  }

  /// `2026-11-22T03:12:00Z`, or with the offset (`2026-11-22T04:12:00+01:00`).
  public var iso8601: String {
    let local = Int(secondsSinceEpoch) + utcOffsetSeconds
    let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    let seconds = local - days * 86_400
    return ISOText.make { text in
      CivilDate(daysSinceEpoch: days).write(to: &text)
      text.byte(UInt8(ascii: "T"))
      text.number(seconds / 3600, 2)
      text.byte(UInt8(ascii: ":"))
      text.number(seconds / 60 % 60, 2)
      text.byte(UInt8(ascii: ":"))
      text.number(seconds % 60, 2)
      Timestamp.writeOffset(utcOffsetSeconds, to: &text)
    }
  }

  /// The calendar day at this instant in its own offset.
  var localDate: CivilDate {
    let local = Int(secondsSinceEpoch) + utcOffsetSeconds
    return CivilDate(daysSinceEpoch: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
  }

  /// `Z`, or `+01:00` / `-05:30`.
  static func offsetText(_ offset: Int) -> String {
    ISOText.make { writeOffset(offset, to: &$0) }
  }

  static func writeOffset(_ offset: Int, to text: inout ISOText) {
    if offset == 0 { return text.byte(UInt8(ascii: "Z")) }
    let magnitude = abs(offset) / 60
    text.byte(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
    text.number(magnitude / 60, 2)
    text.byte(UInt8(ascii: ":"))
    text.number(magnitude % 60, 2)
  }
}
