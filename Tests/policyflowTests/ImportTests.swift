import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// `policyflow policies import` end to end.
@Suite(.serialized) struct ImportTests {
  static let header =
    "code,lineOfBusiness,brand,source,policyholder.name,policyholder.dateOfBirth,policyholder.country,"
    + "startDate,endDate,sumAssured,currency,enrollments.0.role,enrollments.0.name,postcode"

  static func row(_ index: Int) -> String {
    "CSV-\(index),health,northstar,integration,\"Holder, \(index)\",1986-04-12,DE,2026-01-01,2026-12-31,25000000,EUR,"
      + "primary,\"Holder, \(index)\",00123"
  }

  @Test func importsOneHundredThousandCSVRows() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("policies.csv")
    let rows = (0..<100_000).map(ImportTests.row)
    try ([ImportTests.header] + rows).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let result = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(result.exitCode == 0, "\(result.stderr.prefix(2000))")
    #expect(result.stdout == "Imported 100000 policies.\n")
    #expect(try store.count("SELECT count(*) FROM policy WHERE status = 'Edit' AND version = 1") == 100_000)
    #expect(
      try store.count("SELECT count(*) FROM status_history WHERE status = 'Edit' AND actor = 'tester'") == 100_000)
    #expect(try store.count("SELECT count(DISTINCT gid) FROM policy") == 100_000)
    let sample = try store.query("SELECT data FROM policy JOIN policy_data ON policy_id = id WHERE code = 'CSV-99999'")
    {
      try JSON(parsing: try $0.string(at: 0))
    }
    #expect(sample.first?[path: "postcode"] == "00123", "leading zeros stay a string")
    #expect(sample.first?[path: "sumAssured"] == 25_000_000)
    #expect(sample.first?[path: "enrollments.0.name"] == "Holder, 99999")
  }

  /// A directory stands for its policy files, as for `validate` and `demo`; a missing path is
  /// named.
  @Test func aDirectoryImportsItsPolicyFilesInNameOrder() throws {
    let store = try StoreFixture()
    let folder = store.directory.appendingPathComponent("incoming")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try [ImportTests.header, ImportTests.row(1)].joined(separator: "\n").write(
      to: folder.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
    try #"{"code": "J-1", "lineOfBusiness": "health", "brand": "b"}"#.write(
      to: folder.appendingPathComponent("a.json"), atomically: true, encoding: .utf8)
    try "not a policy file".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    try "".write(to: folder.appendingPathComponent(".hidden"), atomically: true, encoding: .utf8)
    // What some systems leave beside a file copied onto them: not a policy, and not read.
    try "\u{0}\u{5}".write(to: folder.appendingPathComponent("._a.json"), atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("later"), withIntermediateDirectories: true)
    let result = try store.run(["policies", "import", folder.path, "--as", "tester", "--submit"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout == "Imported 2 policies and submitted them.\n")
    // What is not read is said, so that a folder of policies is not left out without a word.
    #expect(
      result.stderr
        == "Note: skipped 2 entries of '\(folder.path)' that are not policy files: later/, notes.txt. Only the "
        + ".json, .jsonl, .ndjson, .csv files directly in a directory are read; name a subdirectory to read its "
        + "files too.\n")
    #expect(try store.query("SELECT code FROM policy ORDER BY id") { try $0.string(at: 0) } == ["J-1", "CSV-1"])

    // A path that names nothing is bad input, as a file of another kind is (exit 65).
    let missing = try store.run(["policies", "import", folder.path + "/nowhere", "--as", "tester"])
    #expect(missing.exitCode == 65)
    #expect(missing.stderr == "Error: No such file or directory: '\(folder.path)/nowhere'.\n")
    let data = try store.run(["policies", "edit", "J-1", "--data", folder.path + "/nowhere.json", "--as", "tester"])
    #expect(data.exitCode == 65, "a missing --data file is bad input too")
    #expect(data.stderr == "Error: Cannot read '\(folder.path)/nowhere.json': there is no such file.\n")
    let directory = try store.run(["policies", "edit", "J-1", "--data", folder.path + "/later", "--as", "tester"])
    #expect(directory.exitCode == 65)
    #expect(directory.stderr == "Error: Cannot read '\(folder.path)/later': it is a directory; give a file.\n")
    let empty = try store.run(["policies", "import", folder.path + "/later", "--as", "tester"])
    #expect(empty.exitCode == 65)
    #expect(
      empty.stderr == "Error: The directory '\(folder.path)/later' holds no .json, .jsonl, .ndjson, .csv files.\n")
    // A folder whose policies are one level down: that folder is named.
    try FileManager.default.createDirectory(
      atPath: folder.path + "/later/policies", withIntermediateDirectories: true)
    let parent = try store.run(["policies", "import", folder.path + "/later", "--as", "tester"])
    #expect(parent.exitCode == 65)
    #expect(
      parent.stderr.hasSuffix(
        "files (folders inside it are not read; name one, such as '\(folder.path)/later/policies').\n"),
      "\(parent.stderr)")
  }

  /// Records that share a line and are refused by the store (their codes exist already) are
  /// told apart by their column, as the file's own findings are.
  @Test func codesTheStoreHasInAOneLineArrayAreNamedByColumn() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("one-line.json")
    let records = ["L-1", "L-2"].map { #"{"code": "\#($0)", "lineOfBusiness": "health", "brand": "b"}"# }
    try ("[" + records.joined(separator: ", ") + "]").write(to: file, atomically: true, encoding: .utf8)
    try store.succeed(["policies", "import", file.path, "--as", "tester"])
    let again = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(again.exitCode == 65)
    let lines = again.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 3, "\(again.stderr)")
    #expect(lines.first?.hasPrefix("\(file.path):1:2: code: 'L-1' already exists in the store") == true, "\(lines)")
    #expect(lines.dropFirst().first?.contains(":1:\(4 + records[0].count): code: 'L-2' already exists") == true)
    #expect(lines.last == "Error: 2 problems in 2 records; nothing was imported.")
  }

  /// With --json a failure is JSON on stdout too, so that a script reading stdout sees it: the
  /// command's own report where it has one (an import's findings), else the error and exit code.
  @Test func aFailureWithJSONIsJSONOnStdout() throws {
    let store = try StoreFixture()
    let missing = store.directory.appendingPathComponent("nosuch.json").path
    let absent = try store.run(["policies", "import", missing, "--json", "--as", "tester"])
    #expect(absent.exitCode == 65)
    #expect(absent.stderr == "Error: No such file or directory: '\(missing)'.\n")
    #expect(
      try JSON(parsing: absent.stdout)
        == ["error": .string("No such file or directory: '\(missing)'."), "exitCode": 65])
    let binary = store.directory.appendingPathComponent("bin.jsonl")
    try Data([0xFF, 0x7B, 0x7D]).write(to: binary)
    let unreadable = try store.run(["policies", "import", binary.path, "--json", "--as", "tester"])
    #expect(unreadable.exitCode == 65)
    // Bytes that are not UTF-8 are a finding, as a bad row's, with its line and column.
    let error = try JSON(parsing: unreadable.stdout)
    #expect(error[path: "imported"] == 0)
    #expect(error[path: "findings.0.file"] == .string(binary.path), "\(error)")
    #expect(error[path: "findings.0.field"] == "encoding")
    #expect(error[path: "findings.0.column"] == 1)
    // The command's own JSON on failure is not followed by a second document.
    let bad = store.directory.appendingPathComponent("bad.jsonl")
    try #"{"code": "B-1", "lineOfBusiness": "health"}"#.write(to: bad, atomically: true, encoding: .utf8)
    let refused = try store.run(["policies", "import", bad.path, "--json", "--as", "tester"])
    #expect(refused.exitCode == 65)
    let report = try JSON(parsing: refused.stdout)
    #expect(report[path: "imported"] == 0)
    #expect(report[path: "findings.0.field"] == "brand")
    #expect(report[path: "error"] == nil)
  }

  /// The extension picks the format, so a file with another one is refused by name (it was
  /// read as JSON and failed at its first byte), and nothing of the import is kept.
  @Test func aFileOfAnotherKindIsRefusedByNameBeforeAnythingIsImported() throws {
    let store = try StoreFixture()
    let good = store.directory.appendingPathComponent("good.jsonl")
    try #"{"code": "T-1", "lineOfBusiness": "health", "brand": "b"}"#.write(to: good, atomically: true, encoding: .utf8)
    let notes = store.directory.appendingPathComponent("notes.txt")
    try "code,lineOfBusiness,brand\nT-2,health,b\n".write(to: notes, atomically: true, encoding: .utf8)
    let imported = try store.run(["policies", "import", good.path, notes.path, "--as", "tester"])
    let validated = try PolicyFlowBinary.run(["policies", "validate", "--file", notes.path])
    for result in [imported, validated] {
      #expect(result.exitCode == 65)
      #expect(
        result.stderr
          == "Error: '\(notes.path)' is not a policy file: the extension says the format, one of .json, .jsonl, "
          + ".ndjson, .csv (a .jsonl or .ndjson file holds one policy per line).\n")
    }
    #expect(try store.count("SELECT count(*) FROM policy") == 0)

    // A pipe has no extension: it is read as JSON (validate --file <(...), or stdin).
    let piped = try PolicyFlowBinary.run(
      ["policies", "validate", "--file", "/dev/stdin", "--at", "2026-11-22", "--json"],
      stdin: try String(
        contentsOf: OperatorTests.examples.appendingPathComponent("health-approved.json"), encoding: .utf8))
    #expect(piped.exitCode == 0, "\(piped.stderr)")
    #expect(try JSON(parsing: piped.stdout)[path: "0.status"] == "Approved")

    // Extensions count in any case.
    let upper = store.directory.appendingPathComponent("GOOD.JSONL")
    try FileManager.default.moveItem(at: good, to: upper)
    let uppercase = try store.run(["policies", "import", upper.path, "--as", "tester"])
    #expect(uppercase.exitCode == 0, "\(uppercase.stderr)")
    #expect(try store.count("SELECT count(*) FROM policy") == 1)
  }

  @Test func oneBadRowImportsNothingAndNamesFileLineAndField() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("bad.csv")
    let rows = [
      ImportTests.header, ImportTests.row(1), ImportTests.row(2).replacingOccurrences(of: ",EUR,", with: ",EURO,"),
    ]
    try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let result = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(result.exitCode == 65)
    #expect(result.stderr.hasPrefix("\(file.path):3: currency: 'EURO' is not an ISO 4217 currency code"))
    #expect(result.stderr.contains("nothing was imported"))
    #expect(try store.count("SELECT count(*) FROM policy") == 0)
  }

  @Test func existingCodeRefusesTheWholeImport() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("one.csv")
    try [ImportTests.header, ImportTests.row(1)].joined(separator: "\n").write(
      to: file, atomically: true, encoding: .utf8)
    #expect(try store.run(["policies", "import", file.path, "--as", "tester"]).exitCode == 0)
    try [ImportTests.header, ImportTests.row(2), ImportTests.row(1)].joined(separator: "\n")
      .write(to: file, atomically: true, encoding: .utf8)
    let again = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(again.exitCode == 65)
    #expect(again.stderr.hasPrefix("\(file.path):3: code: 'CSV-1' already exists in the store"))
    #expect(try store.count("SELECT count(*) FROM policy") == 1, "CSV-2 was not imported either")
  }

  /// Re-running a migration the store has already: the first hundred problems are printed and
  /// the rest counted (a line per record drowned the summary), `--json` keeps every one.
  @Test func aRefusalOfManyRecordsPrintsTheFirstHundredAndCountsTheRest() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("many.csv")
    try ([ImportTests.header] + (0..<150).map(ImportTests.row)).joined(separator: "\n").write(
      to: file, atomically: true, encoding: .utf8)
    try store.succeed(["policies", "import", file.path, "--as", "tester"])
    let again = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(again.exitCode == 65)
    let lines = again.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 102, "\(lines.suffix(3))")
    #expect(lines[99].hasPrefix("\(file.path):101: code: 'CSV-99' already exists in the store"))
    #expect(lines[100] == "… and 50 more problems (--json lists every one)")
    #expect(lines[101] == "Error: 150 problems in 150 records; nothing was imported.")
    let json = try store.run(["policies", "import", file.path, "--as", "tester", "--json"])
    #expect(try JSON(parsing: json.stdout)[path: "findings"]?.arrayValue?.count == 150)
  }

  /// A migration run again after it landed, or a feed that repeats records: `--skip-existing`
  /// leaves out the codes the store has (their policies untouched, not submitted) and names them;
  /// a code given twice in the import is still refused.
  @Test(arguments: TestStore.all) func skipExistingLeavesOutTheCodesTheStoreHas(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let file = store.directory.appendingPathComponent("feed.csv")
    try ([ImportTests.header] + (0..<3).map(ImportTests.row)).joined(separator: "\n").write(
      to: file, atomically: true, encoding: .utf8)
    try store.succeed(["policies", "import", file.path, "--as", "tester"])
    try ([ImportTests.header] + (0..<5).map(ImportTests.row)).joined(separator: "\n").write(
      to: file, atomically: true, encoding: .utf8)
    let text = try store.succeed(["policies", "import", file.path, "--skip-existing", "--submit", "--as", "tester"])
    #expect(
      text.stdout == "Imported 2 policies and submitted them; left out 3 the store already has (--skip-existing).\n")
    #expect(text.stderr == "Note: left out, already in the store: CSV-0, CSV-1, CSV-2.\n")
    #expect(try store.count("SELECT count(*) FROM policy") == 5)
    #expect(try store.count("SELECT count(*) FROM policy WHERE status = 'Edit' AND version = 1") == 3, "untouched")
    #expect(try store.count("SELECT count(*) FROM activity") == 2, "only the new ones submitted")

    // CSV-1 comes again with another sum assured: left out too, and named as a change not applied.
    let changedRow = ImportTests.row(1).replacingOccurrences(of: ",25000000,", with: ",99000000,")
    try ([ImportTests.header] + [ImportTests.row(0), changedRow] + (2..<6).map(ImportTests.row)).joined(separator: "\n")
      .write(to: file, atomically: true, encoding: .utf8)
    let json = try JSON(
      parsing: try store.succeed(["policies", "import", file.path, "--skip-existing", "--json", "--as", "tester"])
        .stdout)
    #expect(json[path: "imported"] == 1)
    #expect(json[path: "skipped"] == 5)
    #expect(json[path: "skippedCodes"] == ["CSV-0", "CSV-1", "CSV-2", "CSV-3", "CSV-4"])
    #expect(json[path: "skippedChangedCodes"] == ["CSV-1"])
    #expect(try store.count("SELECT count(*) FROM policy WHERE code = 'CSV-1' AND version = 1") == 1, "not applied")

    try ([ImportTests.header, ImportTests.row(9), ImportTests.row(9)]).joined(separator: "\n").write(
      to: file, atomically: true, encoding: .utf8)
    let twice = try store.run(["policies", "import", file.path, "--skip-existing", "--as", "tester"])
    #expect(twice.exitCode == 65, "\(twice.stderr)")
    #expect(try store.count("SELECT count(*) FROM policy") == 6)
  }

  /// `-` reads standard input (a pipe from an extract, `curl …`), whose text says its format:
  /// JSON Lines, a JSON array, a policy written over several lines, CSV. A bad record is named
  /// at its line of `/dev/stdin`.
  @Test func aDashImportsStandardInputInTheFormatItsTextHas() throws {
    let store = try StoreFixture()
    let line = { (code: String) in #"{"code": "\#(code)", "lineOfBusiness": "health", "brand": "northstar"}"# }
    let inputs: [(name: String, text: String, codes: [String])] = [
      ("JSON Lines", line("IN-1") + "\n" + line("IN-2") + "\n", ["IN-1", "IN-2"]),
      ("a JSON array", "[\n  " + line("IN-3") + ",\n  " + line("IN-4") + "\n]\n", ["IN-3", "IN-4"]),
      (
        "one policy over several lines",
        "{\n  \"code\": \"IN-5\",\n  \"lineOfBusiness\": \"health\",\n  \"brand\": \"northstar\"\n}\n", ["IN-5"]
      ),
      ("CSV", [ImportTests.header, ImportTests.row(7)].joined(separator: "\n") + "\n", ["CSV-7"]),
      // A Windows extract: read as one line (`\r\n` is one character to Swift), it was refused.
      ("JSON Lines with CRLF", line("IN-10") + "\r\n" + line("IN-11") + "\r\n", ["IN-10", "IN-11"]),
    ]
    for input in inputs {
      let result = try store.run(["policies", "import", "-", "--as", "tester"], stdin: input.text)
      #expect(result.exitCode == 0, "\(input.name): \(result.stderr)")
      #expect(
        result.stdout == "Imported \(input.codes.count) polic\(input.codes.count == 1 ? "y" : "ies").\n",
        "\(input.name)")
      for code in input.codes {
        #expect(try store.count("SELECT count(*) FROM policy WHERE code = '\(code)'") == 1, "\(input.name)")
      }
    }
    let bad = try store.run(
      ["policies", "import", "-", "--as", "tester"], stdin: line("IN-8") + "\n" + #"{"code": "IN 9"}"# + "\n")
    #expect(bad.exitCode == 65)
    #expect(bad.stderr.contains("/dev/stdin:2: code: "), "\(bad.stderr)")
    // A day with nothing to load is no failure of the feed.
    let empty = try store.run(["policies", "import", "-", "--as", "tester"], stdin: "")
    #expect(empty.exitCode == 0, "\(empty.stderr)")
    #expect(empty.stdout == "Imported 0 policies.\n")
    let twice = try store.run(["policies", "import", "-", "-", "--as", "tester"], stdin: line("IN-12"))
    #expect(twice.exitCode == 64)
    #expect(twice.stderr.contains("'-' (standard input) is named twice"), "\(twice.stderr)")
  }

  /// Header mistakes a spreadsheet makes are the header's findings: white space around a name
  /// (it made a member named with the spaces beside the one meant, and imported), and a file
  /// separated by semicolons or tabs (each row was refused for every engine field).
  @Test func aSpacedOrOtherwiseSeparatedHeaderIsNamedAsSuch() throws {
    let store = try StoreFixture()
    let spaced = ImportTests.header.replacingOccurrences(of: ",policyholder.name,", with: ", policyholder.name ,")
    let one = try store.run(
      ["policies", "import", "-", "--as", "tester"], stdin: [spaced, ImportTests.row(1)].joined(separator: "\n"))
    #expect(one.exitCode == 65)
    #expect(
      one.stderr.contains("/dev/stdin:1:  policyholder.name : has white space around 'policyholder'"), "\(one.stderr)")
    for (separator, name) in [(";", "semicolons"), ("\t", "tabs")] {
      let header = ImportTests.header.replacingOccurrences(of: ",", with: separator)
      let result = try store.run(
        ["policies", "import", "-", "--as", "tester"], stdin: header + "\nS1" + separator + "health\n")
      #expect(result.exitCode == 65)
      #expect(
        result.stderr.hasPrefix(
          "/dev/stdin:1: header: the header is one column holding \(name), so the file seems separated by \(name)"),
        "\(result.stderr)")
    }
    #expect(try store.count("SELECT count(*) FROM policy") == 0)
  }

  @Test func jsonLinesKeepTheirTextAndGainASourceOnlyWhenTheyHaveNone() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("two.jsonl")
    let written =
      #"{"code": "L-1",  "source": "manual", "lineOfBusiness": "health", "brand": "northstar", "n": "as  is"}"#
    let bare = #"{"code": "L-2", "lineOfBusiness": "health", "brand": "northstar"}"#
    try (written + "\r\n" + bare + "\n").write(to: file, atomically: true, encoding: .utf8)
    let result = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout == "Imported 2 policies.\n")
    let data = try store.query("SELECT code, source, data FROM policy JOIN policy_data ON policy_id = id ORDER BY code")
    {
      [try $0.string(at: 0), try $0.string(at: 1), try $0.string(at: 2)]
    }
    #expect(data[0] == ["L-1", "manual", written], "stored as written, without the line's \\r")
    #expect(data[1][1] == "integration")
    #expect(
      try JSON(parsing: data[1][2])
        == ["code": "L-2", "lineOfBusiness": "health", "brand": "northstar", "source": "integration"])
  }

  @Test func aBadRecordAfterTheFirstBatchesStillImportsNothing() throws {
    let store = try StoreFixture()
    let file = store.directory.appendingPathComponent("many.jsonl")
    // Three batches of a thousand are created before the bad records are read; the import
    // is still all or nothing, and every problem is reported.
    let records = (1...3_500).map { index -> String in
      let code = index == 3_400 ? "J-12" : "J-\(index)"
      let currency = index == 3_200 ? "EURO" : "EUR"
      return #"{"code": "\#(code)", "lineOfBusiness": "health", "brand": "b", "currency": "\#(currency)"}"#
    }
    try records.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let result = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(result.exitCode == 65)
    #expect(
      result.stderr.components(separatedBy: "\n").prefix(2) == [
        "\(file.path):3200: currency: 'EURO' is not an ISO 4217 currency code; use three capital letters such as EUR, USD or GBP",
        "\(file.path):3400: code: 'J-12' appears twice in this import (first on line 12); policy codes are unique",
      ])
    #expect(result.stderr.contains("2 problems in 2 records; nothing was imported."))
    #expect(try store.count("SELECT count(*) FROM policy") == 0)
    #expect(try store.count("SELECT count(*) FROM status_history") == 0)

    let fixed = records.enumerated().map { $0.offset == 3_199 || $0.offset == 3_399 ? "" : $0.element }
    try fixed.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let again = try store.run(["policies", "import", file.path, "--as", "tester"])
    #expect(again.exitCode == 0, "\(again.stderr)")
    #expect(again.stdout == "Imported 3498 policies.\n")
    #expect(try store.count("SELECT count(*) FROM policy") == 3_498)
  }
}
