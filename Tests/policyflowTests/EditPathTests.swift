import Foundation
import PolicyFlowCore
import Testing

/// `policies edit --set PATH=VALUE` changes what a path names; a path that would replace an array
/// or a text (an item past the array's end, a name into a text) is refused, and nothing is written.
struct EditPathTests {
  @Test func anEditThatWouldReplaceAnArrayIsRefusedAndChangesNothing() throws {
    let store = try StoreFixture()
    let (path, code) = try store.writeExample("group-approved.json")
    try store.succeed(["policies", "import", path, "--as", "tester"])
    let before = try store.show(code)
    let links = try store.links(try store.gid(code)).count
    let refused = try store.run(["policies", "edit", code, "--set", #"enrollments.3.role="new""#, "--as", "tester"])
    #expect(refused.exitCode == 65, "\(refused.stderr)")
    #expect(
      refused.stderr.contains(
        "Cannot set enrollments.3.role of policy \(code): 'enrollments' is an array of 3 items (items 0–2): an edit "
          + "changes an item, it does not add item 3; set the whole array instead. Nothing was changed."),
      "\(refused.stderr)")
    #expect(try store.show(code) == before)
    #expect(try store.links(try store.gid(code)).count == links, "no history written")
    // An existing item is changed in place.
    try store.succeed(["policies", "edit", code, "--set", #"enrollments.2.role="new""#, "--as", "tester"])
    let edited = try store.show(code)
    #expect(edited[path: "data.enrollments"]?.arrayValue?.count == 3, "\(edited)")
    #expect(edited[path: "data.enrollments.2.role"] == "new", "\(edited)")
  }

  /// An edit reads its values as an import does: a number beyond 64 bits (it would be stored
  /// rounded, `1.2345678901234569e+23`) and a name given twice in an object (all but its last
  /// value dropped) are refused, by `--set` and by `--data`, and nothing is written.
  @Test func anEditRefusesWhatAnImportRefuses() throws {
    let store = try StoreFixture()
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--as", "tester"])
    let before = try store.show(code)
    let huge = try store.run([
      "policies", "edit", code, "--set", "policyholder.nationalId=123456789012345678901234", "--as", "tester",
    ])
    #expect(huge.exitCode == 64)
    #expect(
      huge.stderr.hasPrefix(
        "Error: The value for 'policyholder.nationalId' is refused: the integer 123456789012345678901234 does not fit "
          + "in 64 bits"), "\(huge.stderr)")
    var data = try #require(before[path: "data"]).serialized()
    data.removeLast()
    let file = store.directory.appendingPathComponent("twice.json")
    try (data + #","x":{"a":1,"a":2}}"#).write(to: file, atomically: true, encoding: .utf8)
    let twice = try store.run(["policies", "edit", code, "--data", file.path, "--as", "tester"])
    #expect(twice.exitCode == 65)
    #expect(twice.stderr.hasPrefix("\(file.path):1:"), "\(twice.stderr)")
    #expect(twice.stderr.contains("appears twice"), "\(twice.stderr)")
    #expect(try store.show(code) == before)
  }

  /// `--data -` reads the document from standard input (it was "Cannot read '-': there is no
  /// such file"), and its problems name the line of standard input they are on.
  @Test func anEditReadsTheDocumentFromStandardInput() throws {
    let store = try StoreFixture()
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--as", "tester"])
    var data = try #require(try store.show(code)[path: "data"])
    data.set(path: "policyholder.email", to: .string("new@example.de"))
    let edited = try store.run(
      ["policies", "edit", code, "--data", "-", "--as", "tester"], stdin: data.serialized(pretty: true))
    #expect(edited.exitCode == 0, "\(edited.stderr)")
    #expect(edited.stdout == "\(code): Edit, version 1.\n")
    #expect(try store.show(code)[path: "data.policyholder.email"] == .string("new@example.de"))

    data.set(path: "startDate", to: .string("someday"))
    let refused = try store.run(
      ["policies", "edit", code, "--data", "-", "--as", "tester"], stdin: data.serialized(pretty: true))
    #expect(refused.exitCode == 65)
    #expect(refused.stderr.contains("/dev/stdin:"), "\(refused.stderr)")
    #expect(refused.stderr.contains("startDate: "), "\(refused.stderr)")
    #expect(try store.show(code)[path: "data.startDate"] != .string("someday"))
  }

  /// `--set` with a path close to a field the engine reads is refused as an import refuses it:
  /// `sumAsured` set a member beside `sumAssured`, and the edit went through.
  @Test func anEditOfAMisspeltEngineFieldIsRefused() throws {
    let store = try StoreFixture()
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--as", "tester"])
    let before = try store.show(code)
    // A member with a dot in its name is a member too (it passed as held unchanged; review).
    var text = try #require(try store.show(code)[path: "data"]).serialized()
    text.removeLast()
    let dotted = store.directory.appendingPathComponent("dotted.json")
    try (text + #","sumAssured.":1}"#).write(to: dotted, atomically: true, encoding: .utf8)
    let withDot = try store.run(["policies", "edit", code, "--data", dotted.path, "--as", "tester"])
    #expect(withDot.exitCode == 65, "\(withDot.stderr)")
    let refused = try store.run(["policies", "edit", code, "--set", "sumAsured=5", "--as", "tester"])
    #expect(refused.exitCode == 65)
    #expect(
      refused.stderr.contains(
        "sumAsured: is not a field the engine reads but is close to 'sumAssured', which it does: did you mean "
          + "'sumAssured'?"), "\(refused.stderr)")
    #expect(try store.show(code) == before)
  }
}
