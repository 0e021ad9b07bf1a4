import PolicyFlowCore
import Testing

/// The calculator on flows built in code.
struct PremiumCalculatorTests {
  typealias B = CatalogBuilder
  let noon = Timestamp(iso8601: "2026-11-22T12:00:00Z")!

  static func line(_ code: String, _ amount: String, refundable: Bool = true) -> CalculationLineDefinition {
    CalculationLineDefinition(
      code: code, description: "\(code) description", amount: B.logic(amount), refundable: refundable)
  }

  func flow(
    _ lines: [CalculationLineDefinition], currency: String = #"{"var": "currency"}"#, onCancellation: Bool = true,
    fees: [CalculationLineDefinition] = []
  ) -> ProcessFlow {
    var flow = B.flow("PRICED", [B.step(10, "checks")], isDefault: true)
    flow.calculation = CalculationDefinition(
      currency: B.logic(currency), lines: lines, calculateOnCancellation: onCancellation, cancellationLines: fees)
    return flow
  }

  let policy: JSON = [
    "currency": "EUR", "sum": 1_000_001, "startDate": "2026-01-01", "endDate": "2026-12-31",
    "lines": "a business field the calculation hides",
  ]

  @Test func computesLinesInOrderReadingEarlierLines() throws {
    let result = try #require(
      try PremiumCalculator.premium(
        for: policy,
        flow: flow([
          Self.line("BASE", #"{"/": [{"var": "sum"}, 100]}"#),  // 10,000.01 → 10000
          Self.line("TAX", #"{"/": [{"*": [{"var": "lines.BASE"}, 725]}, 10000]}"#),  // 7.25%: 725
          Self.line("TOTAL_CHECK", #"{"-": [{"+": [{"var": "lines.BASE"}, {"var": "lines.TAX"}]}, 10725]}"#),
        ]), at: noon))
    #expect(result.lines.map(\.amount) == [10_000, 725, 0])
    #expect(result.total == 10_725)
    #expect(result.currency == "EUR")
    #expect(result.kind == .premium)
  }

  /// A line's arithmetic is exact or refused: a product beyond 64 bits used to fall back to
  /// floating point and round the premium wrong by a minor unit (20000000000170000 × 585 ÷
  /// 100000 is 117000000000994.5, half to even …994; it gave …995). Below the limits the same
  /// line is exact, its half rounded to even.
  @Test func aLineIsExactOrRefusedNeverRoundedThroughFloatingPoint() throws {
    let rate = flow([Self.line("BASE", #"{"/": [{"*": [{"var": "sum"}, 585]}, 100000]}"#)])
    var large = policy
    large.set(path: "sum", to: 20_000_000_000_170_000)
    let overflow = #expect(throws: LogicError.self) { try PremiumCalculator.premium(for: large, flow: rate, at: noon) }
    #expect(
      overflow?.message.contains("'*' of 20000000000170000 and 585 is beyond exact integer arithmetic (64 bits)")
        == true, "\(String(describing: overflow))")
    var exact = policy
    exact.set(path: "sum", to: 7_000_000_010_000)  // × 585 = 4095000005850000 (< 2^52), ÷ 100000 = 40950000058.5
    #expect(try PremiumCalculator.premium(for: exact, flow: rate, at: noon)?.lines.map(\.amount) == [40_950_000_058])
    // From 2^52 on a Double quotient can land on a half the fraction is not: 6755399441055748 ÷ 3
    // is …249.33, the Double …249.5, half to even …250.
    let third = flow([Self.line("BASE", #"{"/": [{"var": "sum"}, 3]}"#)])
    var large52 = policy
    large52.set(path: "sum", to: 6_755_399_441_055_748)
    let quotient = #expect(throws: LogicError.self) {
      try PremiumCalculator.premium(for: large52, flow: third, at: noon)
    }
    #expect(quotient?.message.contains("the quotient of 6755399441055748 and 3 is beyond exact arithmetic") == true)
    // A fraction is no operand: divided first and multiplied after, 38620 ÷ 1000 × 825 is
    // 31861.5 exactly but 31861.499999999996 in floating point, and a rate written as a decimal
    // is rounded in binary before it is used.
    // The refusal names both operands and which is the fraction.
    for (amount, operands) in [
      (#"{"*": [{"/": [{"var": "sum"}, 1000]}, 825]}"#, "'*' of 38.62 and 825: 38.62 is not a whole number"),
      (#"{"*": [{"var": "sum"}, 0.0725]}"#, "'*' of 38620 and 0.0725: 0.0725 is not a whole number"),
    ] {
      var small = policy
      small.set(path: "sum", to: 38620)
      let refused = #expect(throws: LogicError.self) {
        try PremiumCalculator.premium(for: small, flow: flow([Self.line("BASE", amount)]), at: noon)
      }
      #expect(refused?.message.contains(operands) == true, "\(String(describing: refused?.message))")
      #expect(refused?.message.contains("a calculation line computes with whole numbers, exactly") == true, "\(amount)")
    }
    // Rules that are not money keep JsonLogic's floating point.
    #expect(try B.logic(#"{"*": [4000000000, 4000000000]}"#).evaluate(.null) == .double(1.6e19))
  }

  @Test func isNilWithoutACalculation() throws {
    #expect(try PremiumCalculator.premium(for: policy, flow: B.flow("PLAIN", [B.step(10, "checks")]), at: noon) == nil)
  }

  @Test func namesTheLineThatFails() {
    let failing = flow([Self.line("BASE", "100"), Self.line("RATE", #"{"var": "rate"}"#)])
    #expect(
      throws: LogicError(
        type: "Invalid Arguments",
        message:
          "line RATE (RATE description): gave null (a value it reads is missing?); an amount must be a number of minor units"
      )
    ) { try PremiumCalculator.premium(for: policy, flow: failing, at: noon) }
  }

  /// A missing value is no operand of money's arithmetic: a misspelt path read as 0 priced a
  /// policy at its fees alone. A value that may be absent takes a default; rules that are not
  /// money keep JsonLogic's null as 0.
  @Test func aMissingValueIsNoOperandOfAnAmount() throws {
    for amount in [#"{"*": [{"var": "sumAssurd"}, 410]}"#, #"{"+": [{"var": "sum"}, {"var": "loading"}, 1]}"#] {
      let refused = #expect(throws: LogicError.self) {
        try PremiumCalculator.premium(for: policy, flow: flow([Self.line("BASE", amount)]), at: noon)
      }
      #expect(refused?.message.hasPrefix("line BASE (BASE description): '") == true, "\(String(describing: refused))")
      #expect(refused?.message.contains("of null: a value it reads is missing (a misspelt path?)") == true)
    }
    let defaulted = flow([Self.line("BASE", #"{"+": [{"var": "sum"}, {"var": ["loading", 0]}]}"#)])
    #expect(try PremiumCalculator.premium(for: policy, flow: defaulted, at: noon)?.total == 1_000_001)
    #expect(try B.logic(#"{"*": [{"var": "nope"}, 410]}"#).evaluate(.null) == .int(0))
  }

  @Test func refusesACurrencyThatIsNotISO4217() {
    #expect(throws: LogicError.self) {
      try PremiumCalculator.premium(for: policy, flow: flow([Self.line("BASE", "1")], currency: #""euro""#), at: noon)
    }
  }

  @Test func reversalNegatesEveryLineExactly() {
    let earlier = CalculationResult(
      kind: .premium, currency: "JPY",
      lines: [
        CalculationLine(code: "A", description: "a", amount: 123_457),
        CalculationLine(code: "B", description: "b", amount: -3),
        CalculationLine(code: "C", description: "c", amount: 0),
      ])
    let reversal = earlier.reversed
    #expect(reversal.kind == .reversal)
    #expect(reversal.currency == "JPY")
    #expect(reversal.lines.map(\.code) == ["A", "B", "C"])
    #expect(reversal.lines.map(\.amount) == [-123_457, 3, 0])
    #expect(reversal.total == -earlier.total)
  }

  func period(_ date: String) throws -> CancellationPeriod {
    try CancellationPeriod(policy: policy, effectiveDate: date)
  }

  /// Term amounts pro rata, fixed fees in full, a tax computed again on what is charged, then the
  /// cancellation lines with the `cancellation.*` values.
  @Test func computesTheLinesAgainForTheCoverUsed() throws {
    let priced = flow(
      [
        Self.line("BASE", "36500"), Self.line("FEE", "1000", refundable: false),
        Self.line("TAX", #"{"/": [{"*": [{"+": [{"var": "lines.BASE"}, {"var": "lines.FEE"}]}, 10]}, 100]}"#),
      ],
      fees: [
        Self.line(
          "ADMIN",
          #"{"+": [{"var": "cancellation.daysCovered"}, {"var": "cancellation.daysInTerm"}, {"var": "lines.BASE"}]}"#),
        Self.line("CHECK", #"{"-": [{"var": "cancellation.premiumPaid"}, {"var": "cancellation.earned"}]}"#),
      ])
    let premium = try #require(try PremiumCalculator.premium(for: policy, flow: priced, at: noon))
    #expect(premium.total == 36_500 + 1_000 + 3_750)
    let settlement = try #require(
      try PremiumCalculator.settlement(
        of: policy, flow: priced, premiumPaid: premium.total, period: period("2026-01-11"), at: noon))
    // 10 of 365 days: BASE earned 1,000; FEE kept; TAX 10% of 2,000 (not 10 days of the full tax);
    // ADMIN = 10 + 365 + 1,000; CHECK = 41,250 − 2,200.
    #expect(
      settlement.lines.map { "\($0.code) \($0.amount)" } == [
        "BASE 1000", "FEE 1000", "TAX 200", "ADMIN 1375", "CHECK 39050",
      ])
    #expect(settlement.kind == .cancellation)
    #expect(settlement.total == 1_000 + 1_000 + 200 + 1_375 + 39_050)
  }

  /// A fraction may be negated (exactly: its sign flips), so a discount written as the negative
  /// of a share of the base prices a policy and also settles its cancellation pro rata, where
  /// the earned base makes the share a fraction (money trial: the policy could not be canceled).
  @Test func aDiscountOfAFractionIsNegatedExactly() throws {
    let priced = flow([
      Self.line("BASE", "36500"), Self.line("DISCOUNT", #"{"-": [{"/": [{"var": "lines.BASE"}, 8]}]}"#),
    ])
    // −4562.5 and −187.5 round half to even.
    let premium = try #require(try PremiumCalculator.premium(for: policy, flow: priced, at: noon))
    #expect(premium.lines.map(\.amount) == [36_500, -4_562])
    let settlement = try #require(
      try PremiumCalculator.settlement(
        of: policy, flow: priced, premiumPaid: premium.total, period: period("2026-01-16"), at: noon))
    #expect(settlement.lines.map(\.amount) == [1_500, -188])
    // Only a quotient's fraction: a decimal the data holds, or a numeric string, is refused
    // negated as everywhere else (a discount written in major units priced at 1/100; review).
    for discount in [JSON.double(49.99), .string("49.99")] {
      var decimal = policy
      decimal.set(path: "discount", to: discount)
      let negated = flow([Self.line("BASE", "36500"), Self.line("D", #"{"-": [{"var": "discount"}]}"#)])
      #expect(throws: LogicError.self, "\(discount)") {
        try PremiumCalculator.premium(for: decimal, flow: negated, at: noon)
      }
    }
    // A negated fraction still is no operand of more arithmetic.
    let further = flow([
      Self.line("BASE", "36500"), Self.line("D", #"{"*": [{"-": [{"/": [{"var": "lines.BASE"}, 8]}]}, 2]}"#),
    ])
    #expect(throws: LogicError.self) { try PremiumCalculator.premium(for: policy, flow: further, at: noon) }
  }

  /// A line not refundable is charged its whole term's amount even when it reads a line above it:
  /// a fee of 2% of the base premium was computed again on the earned base, refunding most of a
  /// fee the schema says is charged in full (money trial). A tax below it sees the fee charged.
  @Test func aFeeNotRefundableThatReadsALineIsChargedInFull() throws {
    let priced = flow([
      Self.line("BASE", "36500"),
      Self.line("ADMIN_FEE", #"{"/": [{"*": [{"var": "lines.BASE"}, 2]}, 100]}"#, refundable: false),
      Self.line("TAX", #"{"/": [{"*": [{"+": [{"var": "lines.BASE"}, {"var": "lines.ADMIN_FEE"}]}, 10]}, 100]}"#),
    ])
    let premium = try #require(try PremiumCalculator.premium(for: policy, flow: priced, at: noon))
    #expect(premium.lines.map(\.amount) == [36_500, 730, 3_723])
    let settlement = try #require(
      try PremiumCalculator.settlement(
        of: policy, flow: priced, premiumPaid: premium.total, period: period("2026-01-11"), at: noon))
    // 10 of 365 days: BASE 1,000; ADMIN_FEE 730 in full (not 2% of 1,000); TAX 10% of 1,730.
    #expect(settlement.lines.map { "\($0.code) \($0.amount)" } == ["BASE 1000", "ADMIN_FEE 730", "TAX 173"])
    #expect(settlement.lines[1].description.hasSuffix("(not refundable)"))
  }

  /// A code that names no money is refused for a new premium, but a policy approved in one before
  /// such codes were refused is still settled in it: else it could never be canceled.
  @Test func aCodeOfNoMoneyIsNoPremiumButStillSettles() throws {
    var old = policy
    old.set(path: "currency", to: "XXX")
    let priced = flow([Self.line("BASE", "36500")])
    let refused = try #require(throws: LogicError.self) {
      try PremiumCalculator.premium(for: old, flow: priced, at: noon)
    }
    #expect(refused.message.contains("no money a policy is priced in"), "\(refused.message)")
    let settlement = try #require(
      try PremiumCalculator.settlement(
        of: old, flow: priced, premiumPaid: 36_500, period: period("2026-01-11"), at: noon))
    #expect(settlement.currency == "XXX")
    #expect(settlement.total == 1_000)
  }

  @Test func aCancellationFromInceptionChargesNothingUnlessTheFlowSaysFeesApply() throws {
    var priced = flow(
      [Self.line("BASE", "36500"), Self.line("FEE", "1000", refundable: false)], fees: [Self.line("ADMIN", "500")])
    let flat = try #require(
      try PremiumCalculator.settlement(
        of: policy, flow: priced, premiumPaid: 37_500, period: period("2025-12-01"), at: noon))
    #expect(flat.lines.map { "\($0.code) \($0.amount)" } == ["BASE 0", "FEE 0"])
    #expect(flat.total == 0)
    priced.calculation?.feesFromInception = true
    let withFees = try #require(
      try PremiumCalculator.settlement(
        of: policy, flow: priced, premiumPaid: 37_500, period: period("2026-01-01"), at: noon))
    #expect(withFees.lines.map { "\($0.code) \($0.amount)" } == ["BASE 0", "FEE 1000", "ADMIN 500"])
  }

  @Test func thePolicysOwnAttributeOverridesTheFlowsDefault() {
    let priced = flow([Self.line("BASE", "1")], onCancellation: true)
    #expect(PremiumCalculator.calculatesOnCancellation(policy, flow: priced)! == (true, "flow"))
    var own = policy
    own.set(path: "calculateOnCancellation", to: false)
    #expect(PremiumCalculator.calculatesOnCancellation(own, flow: priced)! == (false, "policy"))
    #expect(PremiumCalculator.calculatesOnCancellation(policy, flow: nil) == nil)
  }

  @Test func roundTripsThroughJSON() throws {
    let result = CalculationResult(
      kind: .cancellation, currency: "EUR", lines: [CalculationLine(code: "A", description: "a", amount: -5)])
    #expect(
      result.json.serialized()
        == #"{"kind":"cancellation","currency":"EUR","lines":[{"code":"A","description":"a","amount":-5}],"total":-5}"#)
    #expect(CalculationResult(json: result.json) == result)
    #expect(CalculationResult(json: ["kind": "premium"]) == nil)
  }
}
