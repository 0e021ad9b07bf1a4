import PolicyFlowCore
import Testing

/// The loader's findings for calculation declarations, each at the place to fix.
struct CalculationLoadingTests {
  /// The rules of the `valid` fixture, so only the flow varies.
  static let rules: CatalogFile = CatalogFile(
    path: "rules/rules.json",
    contents: try! CatalogTestPaths.read("Tests/PolicyFlowCoreTests/Fixtures/catalogs/valid/rules/rules.json"))

  func load(calculation: String) -> CatalogLoadResult {
    let flow = """
      {
        "code": "MAIN", "description": "Main flow.", "default": true, "active": true,
        "steps": [{ "sequence": 10, "name": "checks", "displayName": "Checks",
          "resolvers": { "roles": ["administrator"] },
          "rules": [{ "sequence": 10, "rule": "START_REQUIRED" }, { "sequence": 20, "rule": "HIGH_SUM" }] }],
        "calculation": \(calculation)
      }
      """
    return CatalogLoader.load(files: [CatalogFile(path: "flows/main.json", contents: flow), Self.rules])
  }

  func findings(_ calculation: String) -> [String] {
    load(calculation: calculation).findings.map(\.description)
  }

  /// A rate written as a decimal fails every cycle that computes the line (a calculation line
  /// computes with whole numbers): said when the catalog is checked, not first by the worker.
  @Test func aFractionInALineIsAWarningWithTheWholeNumberForm() {
    let found = findings(
      """
      {"currency": "EUR",
       "lines": [{"code": "BASE", "description": "Base", "amount": {"*": [{"var": "sumAssured"}, 0.0725]}}]}
      """)
    #expect(
      found == [
        "flows/main.json:7:21: warning: line 'BASE' writes the fraction 0.0725: a calculation line computes with "
          + "whole numbers, exactly, and fails with CALCULATION_ERROR where a fraction takes part in arithmetic; "
          + #"write a rate as integers and divide last, e.g. {"/": [{"*": [amount, 725]}, 10000]} for 7.25%"#
      ])
  }

  @Test func loadsAValidCalculation() throws {
    let result = load(
      calculation: """
        {"currency": "EUR",
         "lines": [{"code": "BASE", "description": "Base", "amount": 100},
                   {"code": "TAX", "description": "Tax", "amount": {"/": [{"*": [{"var": "lines.BASE"}, 2]}, 10]}}],
         "calculateOnCancellation": true,
         "cancellation": {"lines": [{"code": "FEE", "description": "Fee",
           "amount": {"if": [{"<": [{"var": "cancellation.daysCovered"}, 14]}, 0, {"var": "lines.TAX"}]}}]}}
        """)
    #expect(result.findings.isEmpty)
    let calculation = try #require(result.catalog?.flows["MAIN"]?.calculation)
    #expect(calculation.lines.map(\.code) == ["BASE", "TAX"])
    #expect(calculation.cancellationLines.map(\.code) == ["FEE"])
    #expect(calculation.calculateOnCancellation)
    #expect(calculation.lines[0].definedAt?.description == "flows/main.json:7:21")
  }

  @Test(arguments: [
    (
      #"{"currency": "EUR", "lines": [{"code": "BASE", "description": "Base", "amount": {"times": [1, 2]}}]}"#,
      "flows/main.json:6:99: error: unknown operator 'times'. The README's JsonLogic section lists the operators."
    ),
    (
      #"{"currency": {"var": "currency"}, "lines": [{"code": "BASE", "description": "Base", "amount": 1}, {"code": "BASE", "description": "Again", "amount": 2}]}"#,
      "flows/main.json:6:125: error: duplicate calculation line code 'BASE' in flow 'MAIN'; first at 6:71"
    ),
    (
      #"{"currency": "EUR", "lines": [{"code": "BASE", "description": "Base", "amount": 1}], "calculateOnCancellation": true, "cancellation": {"lines": [{"code": "BASE", "description": "Fee", "amount": 2}]}}"#,
      "flows/main.json:6:172: error: duplicate calculation line code 'BASE' in flow 'MAIN'; first at 6:57"
    ),
    (
      #"{"currency": "EUR", "lines": [{"code": "PREMIUM_PAID", "description": "Paid", "amount": 1}]}"#,
      "flows/main.json:6:57: error: line code 'PREMIUM_PAID' is reserved for the premium paid in a cancellation; choose another code"
    ),
    (
      #"{"currency": "EUR", "lines": [{"code": "BASE", "description": "Base", "amount": {"var": "lines.TAX"}}, {"code": "TAX", "description": "Tax", "amount": 1}]}"#,
      "flows/main.json:6:106: error: line 'BASE' reads 'lines.TAX', which is not computed before it; it is the first line, so it can read no other line"
    ),
    (
      #"{"currency": "EUR", "lines": [{"code": "BASE", "description": "Base", "amount": 1}, {"code": "TAX", "description": "Tax", "amount": {"var": ["lines.BASSE", 0]}}]}"#,
      "flows/main.json:6:159: error: line 'TAX' reads 'lines.BASSE', which is not computed before it; a line can read only the lines above it (BASE)"
    ),
    (
      #"{"currency": "EUR", "lines": [{"code": "BASE", "description": "Base", "amount": {"var": "cancellation.daysCovered"}}]}"#,
      "flows/main.json:6:106: error: premium line 'BASE' reads 'cancellation.daysCovered'; cancellation values exist only in the cancellation lines"
    ),
    (
      #"{"currency": "EUR", "lines": [{"code": "BASE", "description": "Base", "amount": 1}], "calculateOnCancellation": true, "cancellation": {"lines": [{"code": "FEE", "description": "Fee", "amount": {"var": "cancellation.daysCoverd"}}]}}"#,
      "flows/main.json:6:219: error: line 'FEE' reads 'cancellation.daysCoverd', which does not exist; a cancellation line can read cancellation.date, cancellation.daysCovered, cancellation.daysInTerm, cancellation.fromInception, cancellation.earned, cancellation.premiumPaid; did you mean 'cancellation.daysCovered'?"
    ),
    (
      #"{"currency": "EUR", "lines": [{"code": "BASE", "description": "Base", "amount": 1, "refund": false}]}"#,
      "flows/main.json:6:101: error: unknown key 'refund' in calculation line. Allowed keys: code, description, amount, refundable"
    ),
    (
      #"{"currency": "EUR", "lines": []}"#,
      "flows/main.json:6:47: error: 'lines' must have at least 1 item, found an empty array"
    ),
  ])
  func reportsBrokenDeclarations(calculation: String, expected: String) {
    let result = load(calculation: calculation)
    #expect(result.catalog == nil)
    #expect(result.findings.map(\.description) == [expected])
  }

  /// A policy may ask for calculation on cancellation when its flow does not, so cancellation
  /// lines under a flow whose default is false are not dead.
  @Test func cancellationLinesUnderAFlowThatDefaultsToNoCalculationAreAccepted() throws {
    let result = load(
      calculation:
        #"{"currency": "EUR", "lines": [{"code": "BASE", "description": "Base", "amount": 1}], "cancellation": {"lines": [{"code": "FEE", "description": "Fee", "amount": 2}]}}"#
    )
    #expect(result.catalog != nil)
    #expect(result.findings.isEmpty)
    #expect(result.catalog?.flows["MAIN"]?.calculation?.cancellationLines.map(\.code) == ["FEE"])
  }
}
