import PolicyFlowCore
import Testing

/// Header rows that once cost a crash or quadratic time: a column path of thousands of levels
/// (built recursively) and a cut header.
struct CSVLimitTests {
  @Test func aColumnPathDeeperThanJSONMayNestIsAHeaderFinding() throws {
    let deep = Array(repeating: "a", count: 50_000).joined(separator: ".")
    let result = PolicyImport.parse("code,\(deep)\nX-1,1\n", file: "deep.csv")
    #expect(result.documents.isEmpty)
    let finding = try #require(result.rowFindings.first)
    #expect(finding.description.hasSuffix("has 50000 levels; a field path has at most 100"))
    #expect(finding.description.utf8.count < 300, "the column name is quoted as an excerpt")
  }

  @Test func aPathOfTheMostLevelsAllowedStillImports() throws {
    let path = Array(repeating: "a", count: 100).joined(separator: ".")
    let result = PolicyImport.parse("code,lineOfBusiness,brand,\(path)\nX-1,health,b,1\n", file: "deep.csv")
    #expect(result.rowFindings.map(\.description) == [])
    #expect(result.documents.count == 1)
  }

  /// The engine stores values it read from a policy inside its own records, which must parse
  /// again: a policy nests at most 100 levels, whichever way it comes in.
  @Test(arguments: ["deep.jsonl", "deep.json"])
  func aPolicyNestedDeeperThanAHundredLevelsIsAFinding(_ file: String) throws {
    let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
    let record = #"{"code": "D-1", "lineOfBusiness": "health", "brand": "b", "deep": "# + deep + "}"
    let result = PolicyImport.parse(record + "\n", file: file)
    #expect(result.documents.isEmpty)
    #expect(
      result.rowFindings.map(\.description) == [
        "\(file):1: record: nests objects and arrays 101 levels deep; a policy nests at most 100"
      ])
    let shallower =
      #"{"code": "D-1", "lineOfBusiness": "health", "brand": "b", "deep": "# + deep.dropFirst().dropLast() + "}"
    #expect(PolicyImport.parse(shallower + "\n", file: file).documents.count == 1)
    #expect(PolicyImport.fieldProblems(in: try JSON(parsing: record)).count == 1, "an edit is checked the same way")
  }

  @Test func aHeaderWithoutItsLineBreakIsCutShort() throws {
    let result = PolicyImport.parse("code,lineOfBus", file: "cut.csv")
    #expect(result.documents.isEmpty)
    #expect(
      result.rowFindings.map(\.description) == [
        "cut.csv:1: header: the file ends inside its header row, so it holds no records and may have been cut "
          + "short; end the header row with a line break"
      ])
    #expect(PolicyImport.parse("code,lineOfBusiness\n", file: "header.csv").rowFindings.isEmpty)
  }
}
