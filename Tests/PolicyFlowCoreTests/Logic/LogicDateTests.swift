import PolicyFlowCore
import Testing

/// `Timestamp` and the date operators.
struct LogicDateTests {
  static let context = LogicContext(now: Timestamp(iso8601: "2026-11-22T03:12:00+01:00")!)

  @Test(arguments: [
    ("2026-11-22", "2026-11-22T00:00:00Z"),
    ("2024-02-29T23:59Z", "2024-02-29T23:59:00Z"),
    ("2026-11-22T03:12:00.250+01:00", "2026-11-22T03:12:00+01:00"),
    ("1969-12-31T23:59:59-05:30", "1969-12-31T23:59:59-05:30"),
    ("0001-01-01", "0001-01-01T00:00:00Z"),
  ])
  func timestampRoundTrips(_ text: String, _ formatted: String) throws {
    let timestamp = try #require(Timestamp(iso8601: text))
    #expect(timestamp.iso8601 == formatted)
  }

  /// Years outside 0…9999 and offsets of every sign are written as they always were: the
  /// year zero-padded to four digits after any minus sign, never cut.
  @Test func timestampsAtTheEdgesOfFourDigitYears() {
    #expect(Timestamp(secondsSinceEpoch: 253_402_300_799).iso8601 == "9999-12-31T23:59:59Z")
    #expect(Timestamp(secondsSinceEpoch: 253_402_300_800).iso8601 == "10000-01-01T00:00:00Z")
    #expect(Timestamp(secondsSinceEpoch: -62_167_219_200).iso8601 == "0000-01-01T00:00:00Z")
    #expect(Timestamp(secondsSinceEpoch: -62_198_755_200).iso8601 == "-0001-01-01T00:00:00Z")
    #expect(Timestamp(secondsSinceEpoch: 0, utcOffsetSeconds: -34_200).iso8601 == "1969-12-31T14:30:00-09:30")
    #expect(Timestamp(secondsSinceEpoch: 0, utcOffsetSeconds: 50_400).iso8601 == "1970-01-01T14:00:00+14:00")
  }

  @Test func timestampCountsSecondsFromTheEpoch() throws {
    #expect(Timestamp(iso8601: "1970-01-02T01:00:00+01:00")?.secondsSinceEpoch == 86_400)
    #expect(Timestamp(iso8601: "1969-12-31")?.secondsSinceEpoch == -86_400)
    #expect(Timestamp(iso8601: "2000-03-01")?.secondsSinceEpoch == 951_868_800)
  }

  @Test(arguments: [
    "2023-02-29", "2024-13-01", "2024-04-31", "24-01-01", "2024-1-01", "2024-01-01T24:00Z", "2024-01-01T10:00",
    "2024-01-01T10:00:00.Z", "2024-01-01T10:00+1:00", "2024-01-01 10:00Z", "2024-01-01Z", "", "today",
    // Ten bytes, the length of a day, but not one.
    "2024-1-011", "+024-01-01", "2024/01/01", "2024-01-0a", "2024-00-10", "2024-01-00", "2024-01- 1", "2024--1-01",
  ])
  func rejectsMalformedDates(_ text: String) throws {
    #expect(Timestamp(iso8601: text) == nil)
    #expect(try evaluate(#"{"is_date": {"var": "d"}}"#, "{\"d\": \"\(text)\"}") == false)
  }

  @Test(arguments: [
    (#"{"today": []}"#, #""2026-11-22""#),
    (#"{"now": []}"#, #""2026-11-22T03:12:00+01:00""#),
    (#"{"is_date": "2024-02-29"}"#, "true"),
    (#"{"is_date": "2024-02-29T12:00:00.5-03:00"}"#, "true"),
    (#"{"is_date": 20240229}"#, "false"),
    (#"{"date_before": ["2024-01-01", "2024-01-02"]}"#, "true"),
    (#"{"date_before": ["2024-01-02T00:30+01:00", "2024-01-02"]}"#, "true"),
    (#"{"date_after": ["2024-01-02T00:30+01:00", "2024-01-02"]}"#, "false"),
    (#"{"date_after": ["2024-01-01T00:00:00.5Z", "2024-01-01"]}"#, "true"),
    (#"{"date_add": ["2024-01-31", 1, "months"]}"#, #""2024-02-29""#),
    (#"{"date_add": ["2023-01-31", 1, "months"]}"#, #""2023-02-28""#),
    (#"{"date_add": ["2024-02-29", 1, "years"]}"#, #""2025-02-28""#),
    (#"{"date_add": ["2024-03-31", -1, "months"]}"#, #""2024-02-29""#),
    (#"{"date_add": ["2024-12-31", 1, "days"]}"#, #""2025-01-01""#),
    (#"{"date_add": ["2024-03-01", -1, "days"]}"#, #""2024-02-29""#),
    (#"{"date_add": ["2024-01-31T22:30:00-05:00", 1, "months"]}"#, #""2024-02-29T22:30:00-05:00""#),
    (#"{"date_add": ["2024-01-31T22:30:00.125Z", 2, "days"]}"#, #""2024-02-02T22:30:00.125Z""#),
    (#"{"days_between": ["2024-01-01", "2025-01-01"]}"#, "366"),
    (#"{"days_between": ["2024-03-01", "2024-02-28"]}"#, "-2"),
    (#"{"days_between": ["2024-01-01T12:00Z", "2024-01-03T11:59Z"]}"#, "1"),
    (#"{"days_between": ["2024-01-03T11:59Z", "2024-01-01T12:00Z"]}"#, "-1"),
    (#"{"days_between": ["2024-01-01", "2024-01-02T00:00+01:00"]}"#, "0"),
    (#"{"age_at": ["1990-06-15", "2024-06-14"]}"#, "33"),
    (#"{"age_at": ["1990-06-15", "2024-06-15"]}"#, "34"),
    (#"{"age_at": ["2000-02-29", "2023-02-27"]}"#, "22"),
    (#"{"age_at": ["2000-02-29", "2023-02-28"]}"#, "23"),
    (#"{"age_at": ["2000-02-29", "2024-02-28"]}"#, "23"),
    (#"{"age_at": ["2000-02-29", "2024-02-29"]}"#, "24"),
    (#"{"age_at": ["1990-06-15T23:00-02:00", "2024-06-15T00:30+02:00"]}"#, "34"),
  ])
  func evaluatesDateOperators(_ rule: String, _ expected: String) throws {
    let actual = try evaluate(rule, context: Self.context)
    #expect(actual == (try JSON(parsing: expected)), "\(rule) gave \(actual.serialized())")
  }

  @Test func todayUsesTheOffsetOfTheReferenceTime() throws {
    let lateInUTC = LogicContext(now: Timestamp(iso8601: "2026-11-22T23:30:00-02:00")!)
    #expect(try evaluate(#"{"today": []}"#, context: lateInUTC) == "2026-11-22")
    #expect(try evaluate(#"{"now": []}"#, context: lateInUTC) == "2026-11-22T23:30:00-02:00")
  }

  @Test func nonDatesAreInvalidArguments() throws {
    for rule in [
      #"{"date_after": [1, "2024-01-01"]}"#, #"{"days_between": ["2024-02-30", "2024-03-01"]}"#,
      #"{"age_at": [null, "2024-01-01"]}"#, #"{"date_add": ["2024-01-01", 1.5, "days"]}"#,
    ] {
      #expect(try evaluationError(rule)?.type == "Invalid Arguments", "\(rule)")
    }
  }
}
