import PolicyFlowCore
import Testing

/// A realistic bulk import: 100,000 policies of 20 columns each.
struct LargeCSVImportTests {
  /// 100,000 rows like an integration export: nested policyholder, two enrollments, quoted
  /// names with commas, amounts in minor units.
  static func generate(rows: Int) -> String {
    var text = """
      code,lineOfBusiness,brand,source,processFlow,startDate,endDate,currency,sumAssured,\
      policyholder.name,policyholder.dateOfBirth,policyholder.country,policyholder.email,\
      premium.annualAmount,premium.paymentFrequency,enrollments.0.employeeId,enrollments.0.role,\
      enrollments.1.employeeId,enrollments.1.role,accessGroup

      """
    text.reserveCapacity(rows * 260)
    for index in 0..<rows {
      let month = index % 12 + 1
      let pad = month < 10 ? "0" : ""
      text += "HP-2026-\(index),health,vitalis,integration,INDIVIDUAL_HEALTH,2026-\(pad)\(month)-01,"
      text += "2027-\(pad)\(month)-01T00:00:00+01:00,EUR,\(25_000_000 + index),\"Peeters, Tom \(index)\",1992-11-05,NL,"
      text += "tom\(index)@example.com,\(148_800 + index % 1000),monthly,E-\(index),employee,"
      text += index % 3 == 0 ? "E-\(index)-P,partner," : ",,"
      text += "group-\(index % 50)\r\n"
    }
    return text
  }

  @Test func importsOneHundredThousandRowsWithoutFindings() throws {
    let result = PolicyImport.parse(Self.generate(rows: 100_000), file: "bulk.csv")
    #expect(result.rowFindings.isEmpty)
    #expect(result.documents.count == 100_000)
    let last = try #require(result.documents.last)
    #expect(last.line == 100_001)
    #expect(last.data[path: "sumAssured"] == .int(25_099_999))
    #expect(last.data[path: "policyholder.name"] == "Peeters, Tom 99999")
    #expect(last.data[path: "enrollments"]?.arrayValue?.count == 2)
  }
}
