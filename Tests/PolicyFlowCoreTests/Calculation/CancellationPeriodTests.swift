import PolicyFlowCore
import Testing

/// Days covered and days in the term, which pro-rate the earned premium.
struct CancellationPeriodTests {
  static let year2026: JSON = ["startDate": "2026-01-01", "endDate": "2026-12-31"]
  static let leap2028: JSON = ["startDate": "2028-01-01", "endDate": "2028-12-31"]

  @Test(arguments: [
    (year2026, "2026-01-01", 0, 365),  // canceled on the start date: nothing earned
    (year2026, "2026-12-31", 364, 365),  // on the last day: every day but the last
    (year2026, "2025-12-01", 0, 365),  // before the start: from inception, nothing earned
    (year2026, "2026-04-01", 90, 365),
    (leap2028, "2028-03-01", 60, 366),  // 29 February counts
    (leap2028, "2028-12-31", 365, 366),
  ])
  func countsDays(policy: JSON, date: String, covered: Int, term: Int) throws {
    let period = try CancellationPeriod(policy: policy, effectiveDate: date)
    #expect(period.daysCovered == covered)
    #expect(period.daysInTerm == term)
    #expect(period.effectiveDate == date)
  }

  @Test func aDateOnOrBeforeTheStartIsFromInception() throws {
    #expect(try CancellationPeriod(policy: Self.year2026, effectiveDate: "2025-12-01").isFromInception)
    #expect(try CancellationPeriod(policy: Self.year2026, effectiveDate: "2026-01-01").isFromInception)
    #expect(try !CancellationPeriod(policy: Self.year2026, effectiveDate: "2026-01-02").isFromInception)
  }

  @Test(arguments: ["2027-01-01", "2027-06-01"])
  func refusesADateAfterTheCoverEnded(date: String) {
    #expect {
      try CancellationPeriod(policy: Self.year2026, effectiveDate: date)
    } throws: { error in
      (error as? LogicError)?.message
        == "the cancellation date \(date) is after the cover's end (2026-12-31); give the first day no longer "
        + "covered, 2026-12-31 at the latest (2026-01-01 or earlier cancels from inception)"
    }
  }

  @Test func countsDateTimesByTheirOwnCalendarDay() throws {
    let policy: JSON = ["startDate": "2026-01-01T00:00:00+01:00", "endDate": "2026-12-31T23:59:59+01:00"]
    let period = try CancellationPeriod(policy: policy, effectiveDate: "2026-01-11")
    #expect(period.daysCovered == 10)
    #expect(period.daysInTerm == 365)
  }

  @Test(arguments: [
    (year2026, "2026-02-30", "the cancellation date '2026-02-30' is not a calendar date; give it as YYYY-MM-DD"),
    (
      year2026, "2026-04-01T00:00:00Z",
      "the cancellation date '2026-04-01T00:00:00Z' is not a calendar date; give it as YYYY-MM-DD"
    ),
    (["endDate": "2026-12-31"] as JSON, "2026-04-01", "the policy has no startDate; pro-rating the premium needs it"),
    (
      ["startDate": "2026-01-01", "endDate": 20_261_231] as JSON, "2026-04-01",
      "the policy's endDate 20261231 is not a date; give it as YYYY-MM-DD"
    ),
    (
      ["startDate": "2026-07-01", "endDate": "2026-06-30"] as JSON, "2026-04-01",
      "the policy ends (2026-06-30) before it starts (2026-07-01); its premium cannot be pro-rated"
    ),
  ])
  func refusesWhatCannotBeProRated(policy: JSON, date: String, message: String) {
    #expect(throws: LogicError.invalidArgumentsMessage(message)) {
      try CancellationPeriod(policy: policy, effectiveDate: date)
    }
  }
}

extension LogicError {
  /// An `Invalid Arguments` error with this message, for `#expect(throws:)`.
  static func invalidArgumentsMessage(_ message: String) -> LogicError {
    LogicError(type: "Invalid Arguments", message: message)
  }
}
