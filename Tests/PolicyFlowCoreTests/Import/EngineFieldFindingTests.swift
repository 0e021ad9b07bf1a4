import PolicyFlowCore
import Testing

/// Every engine-field check, each as the exact `FILE:LINE: field: sentence` a user reads.
struct EngineFieldFindingTests {
  private static let header =
    "code,lineOfBusiness,brand,source,processFlow,startDate,endDate,currency,sumAssured,policyholder.country"
  private static let good: [String: String] = [
    "code": "HP-1", "lineOfBusiness": "health", "brand": "vitalis", "source": "integration",
    "processFlow": "INDIVIDUAL_HEALTH", "startDate": "2026-01-01", "endDate": "2026-12-31T23:59:59+01:00",
    "currency": "EUR", "sumAssured": "50000000", "policyholder.country": "NL",
  ]

  private func row(_ changes: [String: String]) -> String {
    Self.header.split(separator: ",").map { changes[String($0)] ?? Self.good[String($0)]! }.joined(separator: ",")
  }

  @Test func aGoodRowHasNoFindings() {
    let result = PolicyImport.parse("\(Self.header)\n\(row([:]))\n", file: "p.csv")
    #expect(result.rowFindings.isEmpty)
    #expect(result.documents.count == 1)
  }

  @Test(arguments: [
    (
      ["code": "HP 1"],
      "p.csv:2: code: 'HP 1' is not a valid policy code; use 1 to 64 letters, digits, '.', '_' or '-', "
        + "starting with a letter or digit"
    ),
    (["code": ""], "p.csv:2: code: missing; every policy needs a code"),
    (["lineOfBusiness": ""], "p.csv:2: lineOfBusiness: missing; every policy needs a lineOfBusiness"),
    (["brand": ""], "p.csv:2: brand: missing; every policy needs a brand"),
    (
      ["source": "Manual"],
      "p.csv:2: source: must be one of \"integration\", \"manual\", found string \"Manual\"; did you mean \"manual\"?"
    ),
    (
      ["processFlow": "health"],
      "p.csv:2: processFlow: must match the pattern ^[A-Z][A-Z0-9_]*$, found string \"health\""
    ),
    (
      ["startDate": "2026-02-30"],
      "p.csv:2: startDate: '2026-02-30' is not an ISO 8601 date (February 2026 has 28 days); write a date "
        + "(2026-02-01) or a date-time with an offset (2026-02-01T00:00:00+01:00)"
    ),
    (
      ["endDate": "2026-12-31T10:00"],
      "p.csv:2: endDate: '2026-12-31T10:00' is not an ISO 8601 date; write a date (2026-02-01) or a date-time with "
        + "an offset (2026-02-01T00:00:00+01:00)"
    ),
    (
      ["endDate": "2025-12-31"],
      "p.csv:2: endDate: '2025-12-31' is before startDate '2026-01-01'; a policy cannot end before it starts"
    ),
    (
      ["currency": "EURO"],
      "p.csv:2: currency: 'EURO' is not an ISO 4217 currency code; use three capital letters such as EUR, USD or GBP"
    ),
    (
      ["currency": "XAU"],
      "p.csv:2: currency: 'XAU' is an ISO 4217 code for no money a policy is priced in (a precious metal, a unit of "
        + "account, testing or no currency); use the currency of the premium, such as EUR, USD or GBP"
    ),
    (
      ["currency": "eur"],
      "p.csv:2: currency: 'eur' is not an ISO 4217 currency code; use three capital letters such as EUR, USD or GBP; "
        + "did you mean 'EUR'?"
    ),
    (
      ["sumAssured": "1500.00"],
      "p.csv:2: sumAssured: '1500.00' is not an amount in minor units; write a whole number of the currency's "
        + "minor units, e.g. 150000 for 1500.00 EUR"
    ),
    (
      // A CSV cell with a leading zero stays text: no quotes to drop there.
      ["sumAssured": "0150000"],
      "p.csv:2: sumAssured: '0150000' is not an amount in minor units; write a whole number of the currency's "
        + "minor units, e.g. 150000 for 1500.00 EUR"
    ),
    (
      // Too many digits for 64 bits: a CSV cell that stays text, said to be too large.
      ["sumAssured": "99999999999999999999999"],
      "p.csv:2: sumAssured: '99999999999999999999999' is too large for an amount in minor units "
        + "(at most 9223372036854775807)"
    ),
    (
      ["sumAssured": "-5"],
      "p.csv:2: sumAssured: -5 is negative; a sum assured is 0 or more, in minor units"
    ),
    (
      // The example is in the policy's own currency: yen have no minor unit, dinars three.
      ["sumAssured": "1.5", "currency": "JPY"],
      "p.csv:2: sumAssured: '1.5' is not an amount in minor units; write a whole number of the currency's minor "
        + "units, e.g. 1500 for 1500 JPY"
    ),
    (
      ["sumAssured": "1.5", "currency": "KWD"],
      "p.csv:2: sumAssured: '1.5' is not an amount in minor units; write a whole number of the currency's minor "
        + "units, e.g. 1500000 for 1500.000 KWD"
    ),
  ])
  func reportsTheFieldAndASentence(changes: [String: String], expected: String) {
    let result = PolicyImport.parse("\(Self.header)\n\(row(changes))\n", file: "p.csv")
    #expect(result.rowFindings.map(\.description) == [expected])
    #expect(result.documents.isEmpty)
  }

  /// A CSV cell `false` is text unless its column says `:json`: the sentence says so, not only
  /// that `false` is not false.
  @Test func aBooleanWrittenAsCSVTextSaysHowToReadIt() {
    let result = PolicyImport.parse(
      "\(Self.header),calculateOnCancellation\n\(row([:])),false\n", file: "p.csv")
    #expect(
      result.rowFindings.map(\.description) == [
        "p.csv:2: calculateOnCancellation: must be true or false, found 'false' (text, not a boolean: write true or "
          + "false without quotes; a CSV cell is read as text unless its column is named with ':json', such as "
          + "'calculateOnCancellation:json')"
      ])
  }

  @Test func aMissingSourceIsLeftToTheCommand() {
    let result = PolicyImport.parse("\(Self.header)\n\(row(["source": ""]))\n", file: "p.csv")
    #expect(result.rowFindings.isEmpty)
  }

  @Test func reportsEveryBadRowAtOnce() {
    let text = [
      Self.header, row(["currency": "XXY"]), row(["code": "HP-2"]), row(["code": "HP-3", "startDate": "tomorrow"]),
      row(["code": "HP-1"]),
    ].joined(separator: "\n")
    let result = PolicyImport.parse(text, file: "p.csv")
    #expect(
      result.rowFindings.map(\.description) == [
        "p.csv:2: currency: 'XXY' is not an ISO 4217 currency code; use three capital letters such as EUR, USD or GBP",
        "p.csv:4: startDate: 'tomorrow' is not an ISO 8601 date; write a date (2026-02-01) or a date-time with an "
          + "offset (2026-02-01T00:00:00+01:00)",
        "p.csv:5: code: 'HP-1' appears twice in this import (first on line 2); policy codes are unique",
      ])
    #expect(result.documents.map(\.line) == [3])
  }

  @Test func reportsWrongTypesFromThePolicySchema() {
    let text = #"{"code": 5, "lineOfBusiness": "", "brand": "b", "sumAssured": 12.5, "startDate": 20260101}"#
    #expect(
      PolicyImport.parse(text, file: "p.jsonl").rowFindings.map(\.description) == [
        "p.jsonl:1: code: must be a string, found integer 5",
        "p.jsonl:1: lineOfBusiness: must not be empty",
        "p.jsonl:1: startDate: integer 20260101 is not an ISO 8601 date; write a date (2026-02-01) or a date-time "
          + "with an offset (2026-02-01T00:00:00+01:00)",
        "p.jsonl:1: sumAssured: number 12.5 is not an amount in minor units; write a whole number of the "
          + "currency's minor units, e.g. 150000 for 1500.00 EUR",
      ])
    // Digits in quotes are a number written as text.
    #expect(
      PolicyImport.parse(
        #"{"code": "Q-1", "lineOfBusiness": "h", "brand": "b", "sumAssured": "250000"}"#, file: "q.json"
      )
      .rowFindings.map(\.description) == [
        "q.json:1: sumAssured: '250000' is text, not a number; write the number without quotes"
      ])
  }

  @Test func reportsACodeRepeatedInAnotherFile() {
    let first = PolicyImport.parse("\(Self.header)\n\(row([:]))\n", file: "a.csv")
    let second = PolicyImport.parse(#"{"code": "HP-1", "lineOfBusiness": "health", "brand": "b"}"#, file: "b.json")
    let combined = PolicyImport.combine([first, second])
    #expect(
      combined.rowFindings.map(\.description) == [
        "b.json:1: code: 'HP-1' appears twice in this import (first on a.csv line 2); policy codes are unique"
      ])
    #expect(combined.documents.map(\.file) == ["a.csv"])
  }
}
