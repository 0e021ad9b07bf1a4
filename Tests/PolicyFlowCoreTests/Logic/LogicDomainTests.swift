import PolicyFlowCore
import Testing

/// `matches`, `has_message`, `is_country` and `is_currency`.
struct LogicDomainTests {
  @Test(arguments: [
    (#"{"matches": ["AB-123", "^[A-Z]{2}-\\d+$"]}"#, "true"),
    (#"{"matches": ["xAB-123", "^[A-Z]{2}-\\d+$"]}"#, "false"),
    (#"{"matches": ["policy 42", "\\d"]}"#, "true"),
    (#"{"matches": [42, "\\d"]}"#, "false"),
    (#"{"matches": [null, "x"]}"#, "false"),
    (#"{"matches": [{"var": "s"}, {"var": "p"}]}"#, "true"),
    (#"{"is_country": "US"}"#, "true"),
    (#"{"is_country": "AX"}"#, "true"),
    (#"{"is_country": "us"}"#, "false"),
    (#"{"is_country": "UK"}"#, "false"),
    (#"{"is_country": "XK"}"#, "false"),
    (#"{"is_country": 1}"#, "false"),
    (#"{"is_currency": "EUR"}"#, "true"),
    (#"{"is_currency": "CHF"}"#, "true"),
    (#"{"is_currency": "XCG"}"#, "true"),
    (#"{"is_currency": "DEM"}"#, "false"),
    (#"{"is_currency": "HRK"}"#, "false"),
    (#"{"is_currency": "usd"}"#, "false"),
    // ISO 4217 codes of no money a policy is priced in: a metal, a unit of account, no currency.
    (#"{"is_currency": "XAU"}"#, "false"),
    (#"{"is_currency": "XDR"}"#, "false"),
    (#"{"is_currency": "XXX"}"#, "false"),
    (#"{"is_currency": "CLF"}"#, "true"),
  ])
  func evaluates(_ rule: String, _ expected: String) throws {
    let actual = try evaluate(rule, #"{"s": "abc", "p": "b+"}"#)
    #expect(actual == (try JSON(parsing: expected)), "\(rule) gave \(actual.serialized())")
  }

  @Test func hasMessageLooksAtTheContextCodes() throws {
    let context = LogicContext(messageCodes: ["UW-001", "DOC-7"])
    #expect(try evaluate(#"{"has_message": "UW-001"}"#, context: context) == true)
    #expect(try evaluate(#"{"has_message": "UW-002"}"#, context: context) == false)
    #expect(try evaluate(#"{"has_message": ["X", "DOC-7"]}"#, context: context) == true)
    #expect(
      try evaluate(#"{"has_message": {"var": "codes"}}"#, #"{"codes": ["Y", "DOC-7"]}"#, context: context) == true)
    #expect(try evaluate(#"{"has_message": ["X", "Y"]}"#, context: context) == false)
  }

  @Test func codeListsHaveTheirFullSize() throws {
    var countries = 0
    var currencies = 0
    for first in UInt8(ascii: "A")...UInt8(ascii: "Z") {
      for second in UInt8(ascii: "A")...UInt8(ascii: "Z") {
        let code = String(decoding: [first, second], as: UTF8.self)
        if try evaluate(#"{"is_country": {"var": "c"}}"#, "{\"c\": \"\(code)\"}") == true { countries += 1 }
        for third in UInt8(ascii: "A")...UInt8(ascii: "Z") {
          let currency = code + String(decoding: [third], as: UTF8.self)
          if try evaluate(#"{"is_currency": {"var": "c"}}"#, "{\"c\": \"\(currency)\"}") == true { currencies += 1 }
        }
      }
    }
    #expect(countries == 249)
    #expect(currencies == 177 - 13, "ISO 4217's 177, less the 13 codes of no money (XAU, XDR, XXX…)")
  }
}
