/// The days a canceled policy was covered, for pro-rating its premium.
///
/// Cover runs from the start of `startDate` to the end of `endDate` (both days included), so a
/// 2026-01-01 … 2026-12-31 policy has 365 days in its term. The effective date of a cancellation
/// is the first day no longer covered: canceling on the end date covers every day but the last,
/// and a date after the end is refused (the cover has ended; there is nothing to cancel). A
/// date on or before the start is a cancellation from inception: no day of cover was used.
/// Date-times (`2026-01-01T00:00:00+01:00`) count by their calendar day in their own offset.
public struct CancellationPeriod: Sendable, Hashable {
  /// `YYYY-MM-DD`.
  public var effectiveDate: String
  public var daysCovered: Int
  public var daysInTerm: Int
  /// No day of cover was used: the effective date is on or before the start.
  public var isFromInception: Bool { daysCovered == 0 }

  /// Reads `startDate` and `endDate` from the policy data.
  public init(policy data: JSON, effectiveDate: String) throws(LogicError) {
    guard case .date(let effective)? = LogicDate(parsing: effectiveDate) else {
      throw LogicError.invalidArguments(
        "the cancellation date '\(effectiveDate)' is not a calendar date; give it as YYYY-MM-DD")
    }
    let start = try Self.date(data, "startDate")
    let end = try Self.date(data, "endDate")
    let term = end.daysSinceEpoch - start.daysSinceEpoch + 1
    guard term > 0 else {
      throw LogicError.invalidArguments(
        "the policy ends (\(end.iso8601)) before it starts (\(start.iso8601)); its premium cannot be pro-rated")
    }
    guard effective.daysSinceEpoch <= end.daysSinceEpoch else {
      throw LogicError.invalidArguments(
        "the cancellation date \(effective.iso8601) is after the cover's end (\(end.iso8601)); give the first day "
          + "no longer covered, \(end.iso8601) at the latest (\(start.iso8601) or earlier cancels from inception)")
    }
    self.effectiveDate = effective.iso8601
    daysInTerm = term
    daysCovered = min(max(effective.daysSinceEpoch - start.daysSinceEpoch, 0), term)
  }

  private static func date(_ data: JSON, _ field: String) throws(LogicError) -> CivilDate {
    guard let value = data[path: field] else {
      throw LogicError.invalidArguments("the policy has no \(field); pro-rating the premium needs it")
    }
    guard let text = value.stringValue, let date = LogicDate(parsing: text) else {
      throw LogicError.invalidArguments(
        "the policy's \(field) \(value.serialized()) is not a date; give it as YYYY-MM-DD")
    }
    return date.localDate
  }
}
