import Foundation
import PolicyFlowCore
import Testing

/// `policies submit --file FILE` (or `-` for stdin): codes one a line, with the codes given as
/// arguments, all submitted in one transaction or none; a refusal names every refused code,
/// those from a file by FILE:LINE, and changes nothing.
@Suite(.serialized) struct SubmitFileTests {
  func write(_ text: String, in store: StoreFixture) throws -> String {
    let file = store.directory.appendingPathComponent("codes.txt")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  func statuses(_ store: StoreFixture) throws -> [String] {
    try store.query("SELECT code || ' ' || status FROM policy ORDER BY code") { try $0.string(at: 0) }
  }

  @Test func submitsTheCodesOfAFileAfterThoseGivenAsArguments() throws {
    let store = try StoreFixture()
    try store.importCopies((1...4).map { (code: "P-\($0)", group: nil) }, submit: false)
    let file = try write("# Monday's batch\r\nP-2\r\n\r\n  P-3  \r\n\t# P-1 waits\r\n", in: store)
    let result = try store.run(["policies", "submit", "P-4", "--file", file, "--as", "tester"])
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stderr == "")
    #expect(
      result.stdout == """
        P-4: In Process, queued for a worker.
        P-2: In Process, queued for a worker.
        P-3: In Process, queued for a worker.

        """)
    #expect(try statuses(store) == ["P-1 Edit", "P-2 In Process", "P-3 In Process", "P-4 In Process"])
    #expect(try store.count("SELECT count(*) FROM activity") == 3)
  }

  @Test func aDashReadsTheCodesFromStandardInput() throws {
    let store = try StoreFixture()
    try store.importCopies([(code: "P-1", group: nil), (code: "P-2", group: nil)], submit: false)
    let result = try store.run(["policies", "submit", "--file", "-", "--json", "--as", "tester"], stdin: "P-2\nP-1")
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stderr == "")
    #expect(
      result.stdout.filter { !$0.isWhitespace }
        == #"[{"code":"P-2","result":"queued"},{"code":"P-1","result":"queued"}]"#)
    #expect(try statuses(store) == ["P-1 In Process", "P-2 In Process"])
  }

  /// A code given twice in one command is submitted once: no "already submitted" row in its
  /// history from the same command.
  @Test func aCodeGivenTwiceIsSubmittedOnce() throws {
    let store = try StoreFixture()
    try store.importCopies([(code: "P-1", group: nil), (code: "P-2", group: nil)], submit: false)
    let result = try store.run(["policies", "submit", "P-1", "--file", "-", "--as", "tester"], stdin: "P-2\nP-1\n")
    #expect(result.exitCode == 0, "\(result.stderr)")
    #expect(result.stdout == "P-1: In Process, queued for a worker.\nP-2: In Process, queued for a worker.\n")
    #expect(
      try store.count("SELECT count(*) FROM status_history h JOIN policy p ON p.id = h.policy_id WHERE p.code = 'P-1'")
        == 2, "created, then submitted once")
    #expect(try store.count("SELECT count(*) FROM activity") == 2)
  }

  /// An unknown code and a transition the lifecycle refuses, in the file and among the
  /// arguments: each named, nothing submitted, exit 1 as for one refused code.
  @Test func anyRefusedCodeSubmitsNothingAndEveryOneIsNamed() throws {
    let store = try StoreFixture()
    try store.importCopies([(code: "P-1", group: nil)], submit: true)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    try store.importCopies([(code: "P-2", group: nil), (code: "P-3", group: nil)], submit: false)
    let file = try write("P-2\n# next: a typo\nP-9\n\nP-1\n", in: store)
    let before = try store.snapshot()
    let result = try store.run(["policies", "submit", "P-3", "NOPE", "--file", file, "--as", "tester"])
    #expect(result.exitCode == 1)
    #expect(result.stdout == "")
    #expect(
      result.stderr == """
        No policy with code 'NOPE'.
        \(file):3: No policy with code 'P-9'.
        \(file):5: Policy P-1 version 1 is Approved: processing has finished, so it cannot be submitted again. \
        Edit it to make version 2 and submit that.
        Error: 3 of 5 policies cannot be submitted; nothing was submitted.

        """)
    #expect(try store.snapshot() == before)
    // A script reading stdout gets each refused code with its place and reason.
    let json = try store.run(["policies", "submit", "P-3", "NOPE", "--file", file, "--as", "tester", "--json"])
    #expect(json.exitCode == 1)
    let report = try JSON(parsing: json.stdout)
    #expect(report[path: "error"] == "3 of 5 policies cannot be submitted; nothing was submitted.")
    #expect(report[path: "exitCode"] == 1)
    #expect(report[path: "refused"]?.arrayValue?.map { $0[path: "code"] } == ["NOPE", "P-9", "P-1"])
    #expect(
      report[path: "refused"]?.arrayValue?.map { $0[path: "place"] } == [
        .null, .string("\(file):3"), .string("\(file):5"),
      ])
    #expect(report[path: "refused.1.message"] == "No policy with code 'P-9'.")
    #expect(try store.snapshot() == before)
  }

  @Test func oneRefusedCodeIsOneError() throws {
    let store = try StoreFixture()
    try store.importCopies([(code: "P-1", group: nil)], submit: false)
    let before = try store.snapshot()
    let result = try store.run(["policies", "submit", "P-1", "--file", "-", "--as", "tester"], stdin: "\nP-7\n")
    #expect(result.exitCode == 1)
    #expect(result.stdout == "")
    #expect(result.stderr == "Error: <stdin>:2: No policy with code 'P-7'. Nothing was submitted.\n")
    #expect(try store.snapshot() == before)
  }

  /// Policies out of the user's reach alone exit 77, as one would; beside an unknown code, 1.
  @Test func theExitCodeIsThatOfTheRefusalsWhenTheyAgree() throws {
    let store = try StoreFixture()
    try store.addUsers([("north", ["--roles", "underwriter", "--groups", "north"])])
    try store.importCopies([(code: "P-1", group: "south"), (code: "P-2", group: "south")], submit: false)
    let before = try store.snapshot()
    let outOfReach = try store.run(["policies", "submit", "--file", "-", "--as", "north"], stdin: "P-1\nP-2\n")
    #expect(outOfReach.exitCode == 77)
    #expect(outOfReach.stdout == "")
    #expect(outOfReach.stderr.hasPrefix("<stdin>:1: "))
    #expect(outOfReach.stderr.hasSuffix("Error: 2 of 2 policies cannot be submitted; nothing was submitted.\n"))
    let mixed = try store.run(["policies", "submit", "--file", "-", "--as", "north"], stdin: "P-1\nP-3\n")
    #expect(mixed.exitCode == 1)
    #expect(mixed.stderr.contains("<stdin>:2: No policy with code 'P-3'."))
    #expect(try store.snapshot() == before)
  }

  @Test func aFileWithoutCodesSubmitsNothing() throws {
    let store = try StoreFixture()
    try store.importCopies([(code: "P-1", group: nil)], submit: false)
    let file = try write("# nothing today\n\n", in: store)
    let before = try store.snapshot()
    let result = try store.run(["policies", "submit", "--file", file, "--as", "tester"])
    #expect(result.exitCode == 0)
    #expect(result.stdout == "")
    #expect(result.stderr == "Nothing to submit: \(file) holds no policy codes.\n")
    #expect(try store.snapshot() == before)
    let missing = try store.run(["policies", "submit", "--file", file + ".missing", "--as", "tester"])
    #expect(missing.exitCode == 65, "a missing input file is bad input")
    #expect(missing.stderr.hasPrefix("Error: Cannot read '\(file).missing'"))
    let nothing = try store.run(["policies", "submit", "--as", "tester"])
    #expect(nothing.exitCode == 64)
    #expect(nothing.stderr.hasPrefix("Error: Missing expected argument '<code> ...' (or '--file <path>').\n"))
    #expect(try store.snapshot() == before)
  }
}
