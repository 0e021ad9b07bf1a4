import PolicyFlowCore
import Testing

/// The rounding rule: half to even, to a whole minor unit.
struct MinorUnitsTests {
  @Test(arguments: [
    (JSON.int(12345), 12345), (.double(0.5), 0), (.double(1.5), 2), (.double(2.5), 2), (.double(3.5), 4),
    (.double(-2.5), -2), (.double(-3.5), -4), (.double(31237.5), 31238), (.double(1.4999), 1), (.double(2.5001), 3),
    (.double(-0.4), 0),
  ])
  func roundsLineResultsHalfToEven(value: JSON, expected: Int) throws {
    #expect(try MinorUnits.amount(value) == expected)
  }

  @Test(arguments: [JSON.null, "12", true, [1], .double(1e300)])
  func refusesResultsThatAreNotAmounts(value: JSON) {
    #expect(throws: LogicError.self) { try MinorUnits.amount(value) }
  }

  /// A line's amount has a bound, said with its refusal (a sum assured of 2^53 − 1, which an
  /// import takes, failed as "too large" with no word of what is not; money trial).
  @Test(arguments: [JSON.int(9_007_199_254_740_991), .int(-9_000_000_000_000_000), .double(9.5e15)])
  func refusesAnAmountBeyondTheBoundAndSaysIt(value: JSON) throws {
    let refused = try #require(throws: LogicError.self) { try MinorUnits.amount(value) }
    #expect(refused.message.hasSuffix("(a line's amount is below 9,000,000,000,000,000 minor units)"), "\(refused)")
    #expect(try MinorUnits.amount(.int(8_999_999_999_999_999)) == 8_999_999_999_999_999)
  }

  @Test(arguments: [
    // amount, numerator, denominator, expected
    (100, 1, 2, 50), (1, 1, 2, 0), (3, 1, 2, 2), (5, 1, 2, 2), (-5, 1, 2, -2), (-7, 1, 2, -4),
    (146_250, 90, 365, 36_062), (31_238, 90, 365, 7_703), (10_000, 0, 365, 0), (10_000, 365, 365, 10_000),
    (1, 2, 3, 1), (-1, 2, 3, -1), (Int.max, 364, 365, 9_198_102_524_425_036_695),
  ])
  func proratesExactly(amount: Int, numerator: Int, denominator: Int, expected: Int) {
    #expect(MinorUnits.prorate(amount, numerator, denominator) == expected)
  }

  @Test func formatsMinorUnits() {
    #expect(MinorUnits.format(179_988) == "1799.88")
    #expect(MinorUnits.format(-128_723) == "-1287.23")
    #expect(MinorUnits.format(5) == "0.05")
    #expect(MinorUnits.format(-5) == "-0.05")
  }

  /// ISO 4217's minor units: most currencies have two decimals, some none, some three or four.
  @Test func formatsEachCurrencyWithItsOwnDecimals() {
    #expect(MinorUnits.format(179_988, currency: "EUR") == "1799.88")
    #expect(MinorUnits.format(179_988, currency: "JPY") == "179988")
    #expect(MinorUnits.format(-179_988, currency: "KRW") == "-179988")
    #expect(MinorUnits.format(179_988, currency: "KWD") == "179.988")
    #expect(MinorUnits.format(5, currency: "BHD") == "0.005")
    #expect(MinorUnits.format(179_988, currency: "CLF") == "17.9988")
    #expect(MinorUnits.format(7, currency: "XAU") == "7")
  }
}
