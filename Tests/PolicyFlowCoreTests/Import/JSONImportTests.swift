import PolicyFlowCore
import Testing

/// `.json` and `.jsonl` imports report each policy at the line it starts on, and a field's problem
/// at the line the field is written on.
struct JSONImportTests {
  @Test func reportsEachArrayElementAtItsLine() {
    let text = """
      [
        {"code": "HP-1", "lineOfBusiness": "health", "brand": "b"},

        {"code": "HP-2", "lineOfBusiness": "health",
         "brand": "b", "currency": "EURO"},
        7
      ]
      """
    let result = PolicyImport.parse(text, file: "p.json")
    #expect(
      result.rowFindings.map(\.description) == [
        "p.json:5: currency: 'EURO' is not an ISO 4217 currency code; use three capital letters such as EUR, USD or GBP",
        "p.json:6: record: a policy must be a JSON object, found integer",
      ])
    #expect(result.rowFindings.map(\.record) == ["p.json:4", "p.json:6"], "the records, where each starts")
    #expect(result.rowFindings.map { $0.json[path: "recordLine"] } == [4, 6])
    #expect(result.documents.map(\.line) == [2])
  }

  /// A member named close to a field the engine reads is refused, as a CSV header's column is:
  /// `calculateOnCancelation: false` imported without a word and the policy was settled on
  /// cancellation as its flow said (money trial). A short name one letter off is a field of its
  /// own, and a .jsonl record is checked alike.
  @Test func aMemberNamedCloseToAnEngineFieldIsRefused() {
    let text = """
      {"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "band": "A",
       "calculateOnCancelation": false, "Currency": "EUR"}
      """
    for (name, shown) in [("p.json", "p.json:2"), ("p.jsonl", "p.jsonl:1")] {
      let result = PolicyImport.parse(name.hasSuffix("l") ? text.replacing("\n", with: "") : text, file: name)
      #expect(
        result.rowFindings.map(\.description) == [
          "\(shown): calculateOnCancelation: is not a field the engine reads but is close to 'calculateOnCancellation', "
            + "which it does: did you mean 'calculateOnCancellation'? (the policy would be kept without it)",
          "\(shown): Currency: is not a field the engine reads but is close to 'currency', which it does: did you mean "
            + "'currency'? (the policy would be kept without it)",
        ])
      #expect(result.documents.isEmpty)
    }
    // A name close to one the engine keeps for itself is a member of the record's own: the advice
    // "did you mean 'status'?" led to the refusal of 'status' (review).
    let own = PolicyImport.parse(
      #"{"code": "HP-2", "lineOfBusiness": "health", "brand": "b", "Status": "active", "Version": 3}"#, file: "p.json")
    #expect(own.rowFindings.isEmpty, "\(own.rowFindings.map(\.description))")
  }

  /// A number the strict parser cannot keep hid every other problem: of its record, and of every
  /// other record of a `.json` array (money trial). The rest is checked as the lenient parser
  /// reads it, and the refused field is named once.
  @Test func anUnkeepableNumberHidesNoOtherProblem() {
    let text = """
      [
        {"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "currency": "eur",
         "premium": {"annualAmount": 1e400}},
        {"code": "HP-2", "lineOfBusiness": "health", "brand": "b", "currency": "EURO"}
      ]
      """
    let result = PolicyImport.parse(text, file: "p.json")
    #expect(
      result.rowFindings.map { "\($0.line) \($0.field)" } == ["3 premium.annualAmount", "2 currency", "4 currency"],
      "\(result.rowFindings.map(\.description))")
    #expect(result.documents.isEmpty)
    let lines = PolicyImport.parse(
      #"{"code": "HP-3", "lineOfBusiness": "health", "brand": "b", "currency": "eur", "n": 1e400}"#, file: "p.jsonl")
    #expect(lines.rowFindings.map(\.field) == ["n", "currency"], "\(lines.rowFindings.map(\.description))")
  }

  /// A file of one pretty-printed policy: each problem at its field's line (the record's first
  /// line told the user nothing).
  @Test func aSinglePolicyNamesTheLinesOfItsFields() {
    let text = """
      {
        "code": "HP-1", "lineOfBusiness": "health", "brand": "b",
        "startDate": "2026-04-31",
        "policyholder": {
          "name": "Ann",
          "country": "NL"
        },
        "currency": "EURO"
      }
      """
    let result = PolicyImport.parse(text, file: "p.json")
    #expect(
      result.rowFindings.map { "\($0.line) \($0.field)" } == ["3 startDate", "8 currency"],
      "\(result.rowFindings)")
    #expect(Set(result.rowFindings.map(\.record)) == ["p.json:1"])
  }

  /// A `.json` array written on one line: each finding adds the column its record starts at, so
  /// that it says which record it is about; records alone on their line keep the line only.
  @Test func recordsSharingALineAreToldApartByTheirColumn() {
    let text = #"""
      [{"code": "A-1", "lineOfBusiness": "health", "brand": "b"}, {"code": "A-2"}, {"code": "A-1", "lineOfBusiness": 7},
       {"code": "A-4", "lineOfBusiness": "health"}]
      """#
    let result = PolicyImport.parse(text, file: "one.json")
    #expect(
      result.rowFindings.map(\.description) == [
        "one.json:1:61: lineOfBusiness: missing; every policy needs a lineOfBusiness",
        "one.json:1:61: brand: missing; every policy needs a brand",
        "one.json:1:78: brand: missing; every policy needs a brand",
        "one.json:1:78: lineOfBusiness: must be a string, found integer 7",
        "one.json:1:78: code: 'A-1' appears twice in this import (first on line 1); policy codes are unique",
        "one.json:2: brand: missing; every policy needs a brand",
      ])
    #expect(Set(result.rowFindings.map(\.record)).count == 3, "three records with problems")
    #expect(result.rowFindings[0].json[path: "column"] == .int(61))
    #expect(result.rowFindings[5].json[path: "column"] == .null)
  }

  /// JSON allows a name twice in an object (the last value wins) and integers of any size (read
  /// as doubles beyond 64 bits); an import would store the policy without the first value or with
  /// its digits rounded, so each is a finding at its line and column, nested or not, at the field
  /// it is about (a name given twice: that member).
  @Test func refusesANameGivenTwiceAndAnIntegerBeyond64Bits() {
    let text = """
      {"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "code": "HP-2"}
      {"code": "HP-3", "lineOfBusiness": "health", "brand": "b", "policyholder": {"address": {"zip": 1, "zip": 2}}}
      {"code": "HP-4", "lineOfBusiness": "health", "brand": "b", "ref": 12345678901234567890123}
      {"code": "HP-5", "lineOfBusiness": "health", "brand": "b", "enrollments": [{"id": 99999999999999999999}]}
      {"code": "HP-6", "lineOfBusiness": "health", "brand": "b", "policyholder": {"a": {"co\\u0064e": 1, "code": 2}}}
      {"code": "HP-7", "lineOfBusiness": "health", "brand": "b", "policyholder": {"a": {"co\\u0064e": 1}}, "n": -9223372036854775808}
      """
    let result = PolicyImport.parse(text, file: "p.jsonl")
    #expect(result.documents.map(\.code) == ["HP-7"], "an escaped name alone and Int.min are fine")
    #expect(
      result.rowFindings.map(\.description) == [
        "p.jsonl:1: code: at column 60: the member name \"code\" appears twice in this object; give each member once",
        "p.jsonl:2: policyholder.address.zip: at column 99: the member name \"zip\" appears twice in this object; give "
          + "each member once",
        "p.jsonl:3: ref: at column 67: the integer 12345678901234567890123 does not fit in 64 bits; write it as a "
          + "string to keep every digit",
        "p.jsonl:4: enrollments.0.id: at column 83: the integer 99999999999999999999 does not fit in 64 bits; write "
          + "it as a string to keep every digit",
        "p.jsonl:5: policyholder.a.code: at column 99: the member name \"code\" appears twice in this object; give each "
          + "member once",
      ])
    // An array's item is named by its own index, whatever failed inside an item before it.
    let nested = PolicyImport.parse(
      #"{"code": "HP-10", "lineOfBusiness": "health", "brand": "b", "e": [{"id": 1}, {"tags": ["a", 99999999999999999999]}]}"#,
      file: "p.jsonl")
    #expect(nested.rowFindings.map(\.field) == ["e.1.tags.1"])
    // An amount cannot be written as text: too large is what it is.
    let amount = PolicyImport.parse(
      #"{"code": "HP-9", "lineOfBusiness": "health", "brand": "b", "sumAssured": 123456789012345678901234}"#,
      file: "p.jsonl")
    #expect(
      amount.rowFindings.map(\.description) == [
        "p.jsonl:1: sumAssured: 123456789012345678901234 is too large for an amount in minor units (at most "
          + "9223372036854775807)"
      ])
    // A .json file is refused alike.
    let file = PolicyImport.parse(
      "[\n" + #"{"code": "HP-8", "lineOfBusiness": "health", "brand": "b", "n": 1.5e3, "brand": "c"}"# + "\n]",
      file: "p.json")
    #expect(file.documents.isEmpty)
    #expect(
      file.rowFindings.map(\.description) == [
        "p.json:2: brand: at column 72: the member name \"brand\" appears twice in this object; give each member once"
      ])
    // A number with a fraction or an exponent is kept only where a Double holds it as written:
    // 1e400 would be written back as null, 20000000000170001.0 as …170000.
    let numbers = PolicyImport.parse(
      #"{"code": "HP-11", "lineOfBusiness": "health", "brand": "b", "n": 1e400}"# + "\n"
        + #"{"code": "HP-12", "lineOfBusiness": "health", "brand": "b", "sumAssured": 20000000000170001.0}"# + "\n"
        + #"{"code": "HP-13", "lineOfBusiness": "health", "brand": "b", "sumAssured": 1.0}"# + "\n"
        + #"{"code": "HP-14", "lineOfBusiness": "health", "brand": "b", "sumAssured": 2.5e7}"#,
      file: "p.jsonl")
    #expect(
      numbers.rowFindings.map(\.description) == [
        "p.jsonl:1: n: at column 66: the number 1e400 cannot be kept as written (with a fraction or an exponent, a "
          + "number is exact only below 2^53); write it as an integer of up to 64 bits, or as a string",
        "p.jsonl:2: sumAssured: 20000000000170001.0 is not an amount in minor units; write a whole number of the "
          + "currency's minor units",
        // A whole number written with a point or an exponent: said so, with the digits to write
        // (it was told to write a whole number; money trial).
        "p.jsonl:3: sumAssured: number 1.0 is written with a decimal point or an exponent (2.5e7), which makes it a "
          + "floating-point number, not an amount in minor units; write it in digits alone: 1",
        "p.jsonl:4: sumAssured: number 25000000.0 is written with a decimal point or an exponent (2.5e7), which makes "
          + "it a floating-point number, not an amount in minor units; write it in digits alone: 25000000",
      ])
    // Elsewhere (rules, catalogs, --data) JSON keeps its usual reading.
    #expect((try? JSON(parsing: #"{"a": 1, "a": 2, "n": 12345678901234567890123}"#)) != nil)
  }

  @Test func readsOnePolicyObject() {
    let result = PolicyImport.parse(#"{"code": "HP-1", "lineOfBusiness": "health", "brand": "b"}"#, file: "p.json")
    #expect(result.documents.count == 1)
    #expect(result.rowFindings.isEmpty)
  }

  @Test func reportsJSONLinesAtTheirPhysicalLineAndSkipsBlankOnes() {
    let text = """
      {"code": "HP-1", "lineOfBusiness": "health", "brand": "b"}

      {"code": "HP-2", "lineOfBusiness": "health", "brand": "b", "endDate": "2026-13-01"}
      {"code": "HP-3",
      """
    let result = PolicyImport.parse(text, file: "p.jsonl")
    #expect(result.documents.map(\.line) == [1])
    #expect(result.rowFindings.map(\.line) == [3, 4])
    #expect(result.rowFindings.map(\.field) == ["endDate", "record"])
  }

  @Test func splitsJSONLinesWithWindowsLineEndings() {
    let result = PolicyImport.parse(
      "{\"code\": \"A\", \"lineOfBusiness\": \"health\", \"brand\": \"b\"}\r\n"
        + "{\"code\": \"B\", \"lineOfBusiness\": \"health\", \"brand\": \"b\"}\r\n", file: "w.jsonl")
    #expect(result.rowFindings.isEmpty)
    #expect(result.documents.map(\.line) == [1, 2])
  }

  /// Each record keeps its text exactly as written (it is stored as the policy's data), for
  /// lines of every length around the eight-byte steps the line split takes, with non-ASCII
  /// text, Windows line endings and no feed after the last line.
  @Test func eachRecordKeepsItsLineAsWritten() {
    let lines = (0..<20).map { index in
      #"{"code": "HP-\#(index)", "lineOfBusiness": "health", "brand": "b", "note": "é\#(String(repeating: "x", count: index))✓"}"#
    }
    let text = lines.enumerated().map { $0.offset % 3 == 0 ? $0.element + "\r" : $0.element }.joined(separator: "\n")
    let result = PolicyImport.parse(text, file: "u.jsonl")
    #expect(result.rowFindings.isEmpty)
    #expect(result.documents.map(\.text) == lines)
    #expect(result.documents.map(\.line) == Array(1...20))
    #expect(result.documents.last?.data[path: "note"] == .string("é" + String(repeating: "x", count: 19) + "✓"))
  }

  /// A `.jsonl` record that plainly passes is checked without building what is inside it;
  /// every record must still read exactly as the same record in a `.json` file: the same
  /// findings (an engine field that is an object or array, a fault deep inside) and the same data.
  @Test(arguments: [
    #"{"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "holder": {"name": "Ann", "tags": [1, {"k": "\u00e9"}]}}"#,
    #"{"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "currency": {"code": "EUR"}}"#,
    #"{"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "accessGroup": ["north"]}"#,
    #"{"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "startDate": {}, "sumAssured": []}"#,
    #"{"code": ["HP-1"], "lineOfBusiness": "health", "brand": "b"}"#,
    #"{"code": "HP-1", "lineOfBusiness": {"x": 1}, "brand": "b"}"#,
    #"{"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "holder": {"name": "Ann",}}"#,
    #"{"code": "HP-1", "lineOfBusiness": "health", "brand": "b", "holder": [01]}"#,
    #""HP-1""#,
  ])
  func aJSONLinesRecordReadsAsTheSameRecordInAJSONFile(_ record: String) throws {
    let lines = PolicyImport.parse(record, file: "p.jsonl")
    let file = PolicyImport.parse(record, file: "p.jsonl.json")
    #expect(
      lines.rowFindings.map(\.description)
        == file.rowFindings.map { $0.description.replacing(".jsonl.json", with: ".jsonl") })
    #expect(lines.documents.map(\.data) == file.documents.map(\.data))
    #expect(lines.documents.map(\.code) == file.documents.map(\.code))
  }

  @Test func reportsMalformedJSONAsOneFinding() {
    let result = PolicyImport.parse("[\n  {\"code\": }\n]", file: "p.json")
    #expect(result.rowFindings.count == 1)
    #expect(result.rowFindings.first?.description.hasPrefix("p.json:2: record: not valid JSON at column 12: ") == true)
  }

  @Test(arguments: ["p.jsonl", "p.csv", "p.json"])
  func batchedParsingDeliversEveryGoodDocumentInOrderAndKeepsAllFindings(_ file: String) {
    let good = (1...25).filter { $0 != 15 && $0 != 19 }
    let text: String
    switch file {
    case "p.csv":
      text =
        (["code,lineOfBusiness,brand,currency"]
        + (1...25).map { "HP-\($0),health,b,\($0 == 15 || $0 == 19 ? "EURO" : "EUR")" }).joined(separator: "\n")
    default:
      let records = (1...25).map {
        #"{"code": "HP-\#($0)", "lineOfBusiness": "health", "brand": "b", "currency": "\#($0 == 15 || $0 == 19 ? "EURO" : "EUR")"}"#
      }
      text = file == "p.json" ? "[\n" + records.joined(separator: ",\n") + "\n]" : records.joined(separator: "\n")
    }
    var batches: [[String]] = []
    var flags: [Bool] = []
    let result = PolicyImport.parse(text, file: file, batchSize: 10, progress: nil) { batch, badRecordsSoFar in
      batches.append(batch.compactMap { $0.data[path: "code"]?.stringValue })
      flags.append(badRecordsSoFar)
    }
    #expect(batches.map(\.count) == [10, 10, 3])
    // The first batch (HP-1…HP-10) comes before the bad HP-15, the others after it.
    #expect(flags == [false, true, true])
    #expect(batches.flatMap { $0 } == good.map { "HP-\($0)" })
    #expect(result.documents.isEmpty)
    #expect(result.rowFindings.count == 2)
    #expect(result.rowFindings.allSatisfy { $0.field == "currency" })
  }

  /// Reading stops after the record being read once the reader is told to stop (an importer
  /// whose store failed): nothing more is delivered, and the bad record at the end is never
  /// reached. Unstopped, the same text has that finding.
  @Test(arguments: ["p.jsonl", "p.csv", "p.json"])
  func batchedParsingEndsEarlyWhenToldToStop(_ file: String) {
    let currency = { (n: Int) in n == 25 ? "EURO" : "EUR" }
    let text: String
    switch file {
    case "p.csv":
      text =
        (["code,lineOfBusiness,brand,currency"] + (1...25).map { "HP-\($0),health,b,\(currency($0))" })
        .joined(separator: "\n")
    default:
      let records = (1...25).map {
        #"{"code": "HP-\#($0)", "lineOfBusiness": "health", "brand": "b", "currency": "\#(currency($0))"}"#
      }
      text = file == "p.json" ? "[\n" + records.joined(separator: ",\n") + "\n]" : records.joined(separator: "\n")
    }
    var delivered = 0
    let stopped = PolicyImport.parse(
      text, file: file, batchSize: 10, progress: nil, stop: { delivered > 0 }, documents: { _, _ in delivered += 1 })
    #expect(delivered == 1)
    #expect(stopped.rowFindings.isEmpty)
    let whole = PolicyImport.parse(text, file: file, batchSize: 10, progress: nil) { _, _ in }
    #expect(whole.rowFindings.map(\.line) == [file == "p.jsonl" ? 25 : 26])
  }
}
