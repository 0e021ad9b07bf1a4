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
}
