import Foundation
import PolicyFlowCore
import Testing

/// Import files that hold no records, are cut short, or are not text: each says what it is,
/// with the exit code a script can act on.
@Suite(.serialized) struct ImportEmptyAndBinaryTests {
  @Test(arguments: [
    ("empty.jsonl", ""), ("blank.jsonl", "\n\n"), ("empty-array.json", "[]\n"),
    ("header-only.csv", "code,lineOfBusiness,brand\n"),
  ])
  func aFileWithoutRecordsImportsNoneAndSaysSo(_ name: String, _ contents: String) throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent(name)
    try contents.write(to: file, atomically: true, encoding: .utf8)
    let result = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(result.exitCode == 0)
    #expect(result.stdout == "Imported 0 policies.\n")
    #expect(result.stderr == "Note: '\(file.path)' holds no policy records.\n")
  }

  @Test func aCSVCutInsideItsHeaderIsInvalidInput() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("cut.csv")
    try "code,lineOf".write(to: file, atomically: true, encoding: .utf8)
    let result = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(result.exitCode == 65)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("\(file.path):1: header: the file ends inside its header row"))
    // The header is the file's problem: no record is counted, there being none.
    #expect(result.stderr.hasSuffix("\nError: The header of \(file.path) is not usable; nothing was imported.\n"))
    #expect(try store.count("SELECT count(*) FROM policy") == 0)
    let validated = try PolicyFlowBinary.run(["policies", "validate", file.path])
    #expect(validated.exitCode == 65)
    #expect(
      validated.stderr.hasSuffix(
        "\nError: The header of \(file.path) is not usable (above); fix it and validate again.\n"))
  }

  @Test func aFileThatIsNotUTF8IsInvalidInputAtTheLineWhereTextStops() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("latin1.jsonl")
    let good = #"{"code": "A-1", "lineOfBusiness": "health", "brand": "b"}"#
    var bytes = Array((good + "\n" + #"{"code": "A-2", "note": "caf"#).utf8)
    bytes += [0xE9] + Array(#""}"#.utf8) + [0x0A]
    try Data(bytes).write(to: file)
    let imported = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(imported.exitCode == 65)
    #expect(
      imported.stderr
        == "\(file.path):2:29: encoding: the file is not UTF-8 text from here on (byte 0xE9); save it as UTF-8 and try "
        + "again\nError: The file \(file.path) is not UTF-8 text; nothing was imported.\n")
    let validated = try PolicyFlowBinary.run(["policies", "validate", "--file", file.path])
    #expect(validated.exitCode == 65)
    #expect(
      validated.stderr
        == "\(file.path):2:29: error: the file is not UTF-8 text from here on (byte 0xE9); save it as UTF-8 and try again\n"
        + "Error: \(file.path) cannot be used as it is (above); nothing was done.\n"
    )
    #expect(try store.count("SELECT count(*) FROM policy") == 0)
    // A script reading stdout alone gets the finding itself, as a bad row's.
    let asJSON = try store.run(["policies", "import", file.path, "--as", "tester", "--json"])
    #expect(asJSON.exitCode == 65)
    let finding = try JSON(parsing: asJSON.stdout)[path: "findings.0"]
    #expect(finding?[path: "field"] == "encoding")
    #expect(finding?[path: "line"] == 2)
    #expect(finding?[path: "column"] == 29)
  }
}
