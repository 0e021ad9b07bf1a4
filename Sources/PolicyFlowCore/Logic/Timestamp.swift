// CONTRACT STUB — replaced by the JsonLogic implementation (dates live with the date operators).

/// An instant with the UTC offset it was written in, to the second.
public struct Timestamp: Sendable, Hashable {
  public var secondsSinceEpoch: Int64
  public var utcOffsetSeconds: Int

  public init(secondsSinceEpoch: Int64, utcOffsetSeconds: Int = 0) {
    self.secondsSinceEpoch = secondsSinceEpoch
    self.utcOffsetSeconds = utcOffsetSeconds
  }

  /// Parses an ISO 8601 date (`2026-11-22`, midnight UTC) or date-time with `Z` or an offset.
  public init?(iso8601: String) { return nil }

  /// `2026-11-22T03:12:00Z` (or with the offset).
  public var iso8601: String { "" }
}
