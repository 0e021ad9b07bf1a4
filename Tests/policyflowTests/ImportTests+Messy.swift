import Foundation
import PolicyFlowCore
import Testing

/// What a migration's messy exports meet at import: each is refused as what it is, with the
/// file, line and field, and nothing is imported.
extension ImportTests {
  /// Imports `contents` written to `name`; the result, and the number of policies stored.
  func importing(_ contents: String, as name: String) throws -> (PolicyFlowBinary.Result, stored: Int) {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent(name)
    try contents.write(to: file, atomically: true, encoding: .utf8)
    // Run beside the file, so that findings name it as a person typing the command sees it.
    let result = try PolicyFlowBinary.run(
      ["policies", "import", name, "--as", "tester", "--db", store.db], in: store.directory)
    return (result, try store.count("SELECT count(*) FROM policy"))
  }

  /// A header column a letter off an engine field (`sumAsured`) or in another case (`Currency`)
  /// imported the policies without it, and they could not be imported again to mend them; a plural
  /// (`brands`) or a short name (`band`) is a field of its own.
  @Test func aHeaderColumnCloseToAnEngineFieldIsRefusedWithTheField() throws {
    let (result, stored) = try importing(
      "code,lineOfBusines,brand,source,sumAsured,Currency,brands,band\nT-1,health,b,integration,100,EUR,x,B2\n",
      as: "typos.csv")
    #expect(result.exitCode == 65)
    #expect(stored == 0)
    let lines = result.stderr.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasPrefix("typos.csv:1: sumAsured: ") && $0.contains("did you mean 'sumAssured'?") })
    #expect(lines.contains { $0.hasPrefix("typos.csv:1: lineOfBusines: ") && $0.contains("'lineOfBusiness'") })
    #expect(lines.contains { $0.hasPrefix("typos.csv:1: Currency: ") && $0.contains("'currency'") })
    #expect(!lines.contains { $0.contains("brands") || $0.contains("band:") }, "\(result.stderr)")
    #expect(lines.last == "Error: The header of typos.csv is not usable; nothing was imported.")
  }

  /// Lines ending with a carriage return alone read as one row whose names repeat: said as what
  /// it is.
  @Test func carriageReturnLineEndingsAreNamedAsSuch() throws {
    let (result, stored) = try importing(
      "code,lineOfBusiness,brand,source\rK-1,health,b,integration\rK-2,health,b,integration\r", as: "mac.csv")
    #expect(result.exitCode == 65)
    #expect(stored == 0)
    #expect(
      result.stderr.hasPrefix(
        "mac.csv:1: header: the lines end with a carriage return alone (\\r, classic Mac OS line endings)"),
      "\(result.stderr)")
  }

  /// Half a surrogate pair escaped alone is no character: it was stored as escaped and read back
  /// as U+FFFD. Refused at the field, nested or not; a whole pair is a character.
  @Test func halfASurrogatePairIsRefusedAtItsField() throws {
    let policy = #"{"code": "S-1", "lineOfBusiness": "health", "brand": "b", "source": "integration""#
    let (result, stored) = try importing(
      "\(policy), \"x\": \"\\ud800\"}\n\(policy.replacingOccurrences(of: "S-1", with: "S-2")), \"a\": {\"b\": \"x\\udc00\"}}\n",
      as: "lone.jsonl")
    #expect(result.exitCode == 65)
    #expect(stored == 0)
    let lines = result.stderr.split(separator: "\n").map(String.init)
    #expect(
      lines.contains { $0.hasPrefix("lone.jsonl:1: x: ") && $0.contains("\\uD800 is half of a UTF-16 surrogate pair") },
      "\(lines)")
    #expect(lines.contains { $0.hasPrefix("lone.jsonl:2: a.b: ") && $0.contains("\\uDC00") }, "\(lines)")
    let (pair, one) = try importing("\(policy), \"x\": \"\\ud83d\\ude00\"}\n", as: "pair.jsonl")
    #expect(pair.exitCode == 0, "\(pair.stderr)")
    #expect(one == 1)
  }
}

extension ImportTests {
  /// A file that is not UTF-8 text is a finding like a bad row's, in `--json` too, and the other
  /// files are still checked: one run names every problem (it stopped at the byte, alone).
  @Test func aFileNotInUTF8IsAFindingAndTheOtherFilesAreStillChecked() throws {
    let store = try StoreFixture()
    let latin = store.directory.appendingPathComponent("latin.csv")
    try (Data("code,lineOfBusiness,brand,source,policyholder.name\nL-1,health,b,integration,Jos".utf8) + [0xE9, 0x0A])
      .write(to: latin)
    let other = store.directory.appendingPathComponent("other.jsonl")
    try #"{"code": "Z-1", "lineOfBusiness": "", "brand": "b", "source": "integration"}"#.write(
      to: other, atomically: true, encoding: .utf8)
    let result = try PolicyFlowBinary.run(
      ["policies", "import", "latin.csv", "other.jsonl", "--as", "tester", "--db", store.db], in: store.directory)
    #expect(result.exitCode == 65)
    #expect(
      result.stderr
        == "latin.csv:2:29: encoding: the file is not UTF-8 text from here on (byte 0xE9); save it as UTF-8 and try again\n"
        + "other.jsonl:1: lineOfBusiness: must not be empty\n"
        + "Error: 1 problem in 1 record and the file latin.csv is not UTF-8 text; nothing was imported.\n")
    let json = try PolicyFlowBinary.run(
      ["policies", "import", "latin.csv", "--as", "tester", "--db", store.db, "--json"], in: store.directory)
    let findings = try JSON(parsing: json.stdout)[path: "findings"]?.arrayValue ?? []
    #expect(findings.map { $0[path: "field"] } == ["encoding"], "\(json.stdout)")
    #expect(findings.first?[path: "line"] == 2)
    #expect(findings.first?[path: "column"] == 29)
    #expect(try store.count("SELECT count(*) FROM policy") == 0)
  }
}
