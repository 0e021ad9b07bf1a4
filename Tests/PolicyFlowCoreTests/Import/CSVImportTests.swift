import PolicyFlowCore
import Testing

/// Reading CSV: RFC 4180 quoting, line numbers, dotted and indexed headers, and the typing rule.
struct CSVImportTests {
  private static let header = "code,lineOfBusiness,brand"

  private func parse(_ text: String) -> PolicyImport.Result {
    PolicyImport.parse(text, file: "p.csv")
  }

  @Test func readsQuotedCellsWithCommasDoubledQuotesAndLineBreaks() throws {
    let text =
      "\(Self.header),note\nHP-1,health,vitalis,\"Smith, \"\"Jo\"\"\nsecond line\"\nHP-2,health,vitalis,plain\n"
    let result = parse(text)
    #expect(result.rowFindings.map(\.description) == [])
    try #require(result.documents.count == 2)
    #expect(result.documents[0].data[path: "note"] == "Smith, \"Jo\"\nsecond line")
    #expect(result.documents[0].line == 2)
    #expect(result.documents[1].line == 4, "the record after a two-line cell starts on physical line 4")
  }

  @Test func acceptsCRLFAndKeepsALoneCarriageReturnAsData() throws {
    let result = parse("\(Self.header),note\r\nHP-1,health,vitalis,\"a\r\nb\"\r\nHP-2,health,vitalis,x\ry\r\n")
    #expect(result.rowFindings.map(\.description) == [])
    try #require(result.documents.count == 2)
    #expect(result.documents[0].data[path: "note"] == "a\r\nb")
    #expect(result.documents[1].data[path: "note"] == "x\ry")
    #expect(result.documents[1].data[path: "brand"] == "vitalis")
    #expect(result.documents[1].line == 4)
  }

  @Test func buildsNestedObjectsAndArraysFromHeaders() throws {
    let text = """
      code,lineOfBusiness,brand,policyholder.country,policyholder.address.city,enrollments.0.role,enrollments.1.role,enrollments.1.name
      GP-1,group,northstar,NL,Utrecht,employee,partner,Youssef
      GP-2,group,northstar,,,,partner,
      """
    let result = parse(text)
    #expect(result.rowFindings.map(\.description) == [])
    try #require(result.documents.count == 2)
    let first = result.documents[0].data
    #expect(first[path: "policyholder.country"] == "NL")
    #expect(first[path: "policyholder.address.city"] == "Utrecht")
    #expect(first[path: "enrollments"] == [["role": "employee"], ["role": "partner", "name": "Youssef"]])
    let second = result.documents[1].data
    #expect(second[path: "policyholder"] == nil, "an object whose cells are all empty is absent")
    #expect(second[path: "enrollments"] == [["role": "partner"]], "empty elements are left out")
  }

  @Test(arguments: [
    ("123", JSON.int(123)),
    ("-42", JSON.int(-42)),
    ("0", JSON.int(0)),
    ("9223372036854775807", JSON.int(Int.max)),
    ("-9223372036854775808", JSON.int(Int.min)),
    ("00123", JSON.string("00123")),
    ("+5", JSON.string("+5")),
    ("-0", JSON.string("-0")),
    ("9223372036854775808", JSON.string("9223372036854775808")),
    ("123456789012345678901234567890", JSON.string("123456789012345678901234567890")),
    ("12.50", JSON.string("12.50")),
    ("1e3", JSON.string("1e3")),
    ("true", JSON.string("true")),
    (" 7", JSON.string(" 7")),
  ])
  func typesACellOnlyWhenNoInformationIsLost(cell: String, expected: JSON) throws {
    let result = parse("\(Self.header),value\nHP-1,health,vitalis,\(cell)\n")
    let document = try #require(result.documents.first)
    #expect(document.data[path: "value"] == expected)
    #expect(document.data[path: "value"]?.typeName == expected.typeName)
  }

  @Test func leavesEmptyCellsOutAndKeepsEngineTextFieldsAsText() throws {
    let result = parse("\(Self.header),currency,note,extra\n123456,health,vitalis,EUR,,\"\"\n")
    #expect(result.rowFindings.map(\.description) == [])
    let data = try #require(result.documents.first).data
    #expect(data[path: "code"] == "123456", "a code of digits stays the string the engine expects")
    #expect(data.objectValue?.names == ["code", "lineOfBusiness", "brand", "currency"])
  }

  @Test func readsJSONAndStringColumns() throws {
    let text = "\(Self.header),smoker:json,rate:json,id:string\nHP-1,health,vitalis,true,12.5,\"0042\"\n"
    let data = try #require(parse(text).documents.first).data
    #expect(data[path: "smoker"] == true)
    #expect(data[path: "rate"] == 12.5)
    #expect(data[path: "id"] == "0042")
    let bad = parse("\(Self.header),smoker:json\nHP-1,health,vitalis,yes\n")
    #expect(bad.documents.isEmpty)
    #expect(bad.rowFindings.first?.description.hasPrefix("p.csv:2: smoker: 'yes' is not a JSON value (") == true)
    // The row's other problems are named in the same pass; a field whose cell failed is not
    // named again as missing.
    let more = parse(
      "code:json,lineOfBusiness,brand,startDate,currency,smoker:json\nnope,health,b,2026-13-01,EURO,yes\n")
    #expect(more.rowFindings.map(\.field) == ["code", "smoker", "startDate", "currency"])
    // A ':json' cell is read as strictly as a JSON record: what it would not keep is refused at
    // the member.
    let strict = parse("\(Self.header),extra:json\nHP-1,health,vitalis,\"{\"\"a\"\": 1, \"\"a\"\": 2}\"\n")
    #expect(strict.documents.isEmpty)
    #expect(
      strict.rowFindings.map(\.description) == [
        #"p.csv:2: extra.a: '{"a": 1, "a": 2}' is refused: the member name "a" appears twice in this object; "#
          + "give each member once"
      ])
  }

  @Test func reportsHeaderProblemsAndImportsNothing() {
    let result = parse("code,brand,brand,policyholder,policyholder.country,a..b\nHP-1,x,x,x,x,x\n")
    #expect(result.documents.isEmpty)
    #expect(
      result.rowFindings.map(\.description) == [
        "p.csv:1: brand: appears twice in the header (columns 2 and 3); name each field once",
        "p.csv:1: policyholder.country: clashes with column 'policyholder', which holds a value, not fields",
        "p.csv:1: a..b: is not a field path; name the field, with dots between levels (policyholder.country)",
      ])
    // Empty columns at the end (a spreadsheet's) are each named by number, not as a name given
    // twice with no name (operator trial).
    let trailing = parse("code,brand,,\nHP-1,x,,\n")
    #expect(
      trailing.rowFindings.map(\.description) == [
        "p.csv:1: column 3: is not a field path; name the field, with dots between levels (policyholder.country)",
        "p.csv:1: column 4: is not a field path; name the field, with dots between levels (policyholder.country)",
      ])
  }

  /// Items numbered with a gap would move up into indexes the header does not name (item 2's
  /// cells landing at index 1): refused, nested arrays too.
  @Test func refusesArrayItemsNumberedWithAGap() {
    let result = parse(
      "code,lineOfBusiness,brand,enrollments.0.role,enrollments.2.role,enrollments.0.tags.1\nK-8,group,x,a,b,c\n")
    #expect(result.documents.isEmpty)
    #expect(
      result.rowFindings.map(\.description) == [
        "p.csv:1: enrollments.2: numbers the items of 'enrollments' up to 2 with no column for item 1; number them "
          + "from 0 without gaps",
        "p.csv:1: enrollments.0.tags.1: numbers the items of 'enrollments.0.tags' up to 1 with no column for item 0; "
          + "number them from 0 without gaps",
      ])
  }

  @Test func reportsBrokenRecordsAtTheLineTheyStart() {
    let text = "\(Self.header)\nHP-1,health\nHP-2,health,\"vita\"lis\nHP-3,health,\"vitalis\n\n"
    #expect(
      parse(text).rowFindings.map(\.description) == [
        "p.csv:2: record: has 2 cells but the header has 3 columns; quote cells that contain commas",
        "p.csv:3: record: the cell under 'brand' has text after its closing quote; "
          + "quote the whole cell and write a quote inside it as \"\"",
        "p.csv:4: record: the cell under 'brand' opens a quote that is never closed; "
          + "end a quoted cell with \" and write a quote inside it as \"\"",
      ])
  }

  @Test func skipsRowsWhoseCellsAreAllEmpty() {
    let result = parse("\(Self.header)\n\nHP-1,health,vitalis\n,,\n")
    #expect(result.rowFindings.isEmpty)
    #expect(result.documents.map(\.line) == [3])
  }
}
