import PolicyFlowCore
import Testing

/// An edit's `--set PATH=VALUE` must not lose what is there: `set(path:to:)` replaces an array
/// or a text it cannot walk into with an object, so such a path is refused beforehand.
struct JSONSetPathTests {
  let document: JSON = [
    "name": "Ada", "items": [["role": "admin"], ["role": "member"]], "none": .null, "empty": .array([]),
    "nested": ["deep": ["value": 1]],
  ]

  @Test func pathsThatChangeWhatIsThereOrAddMembersAreFine() {
    for path in ["name", "items.0.role", "items.1.extra", "none.a.b", "new.member", "nested.deep.value", "nested.x"] {
      #expect(document.problemSetting(path: path) == nil, "\(path)")
    }
  }

  @Test func pathsThatWouldLoseDataAreRefusedWithWhatIsThere() {
    let cases: [(String, String)] = [
      (
        "items.2.role",
        "'items' is an array of 2 items (items 0–1): an edit changes an item, it does not add item 2; set the "
          + "whole array instead"
      ),
      ("items.first", "'items' is an array (items 0–1): 'first' is not an item's index"),
      ("items.-1", "'items' is an array (items 0–1): '-1' is not an item's index"),
      (
        "empty.0",
        "'empty' is an array of 0 items (items none): an edit changes an item, it does not add item 0; set the whole "
          + "array instead"
      ),
      ("name.first", "'name' is a string, not an object: setting 'name.first' would replace it"),
      (
        "nested.deep.value.x",
        "'nested.deep.value' is an integer, not an object: setting 'nested.deep.value.x' would replace it"
      ),
      (
        "tags.0",
        "'tags' is missing: '0' would make it an object with a member '0', not an array; set 'tags' whole instead "
          + "(a JSON array, or an object for names that are numbers)"
      ),
      (
        "none.3.x",
        "'none' is null: '3' would make it an object with a member '3', not an array; set 'none' whole instead (a "
          + "JSON array, or an object for names that are numbers)"
      ),
      ("a..b", "'a..b' has an empty name: give member names between the dots"),
      ("", "'' has an empty name: give member names between the dots"),
    ]
    for (path, problem) in cases {
      #expect(document.problemSetting(path: path) == problem, "\(path)")
    }
    // What set(path:to:) would have done with the first: the array gone.
    var lost = document
    lost.set(path: "items.2.role", to: "new")
    #expect(lost[path: "items"]?.arrayValue == nil)
  }
}
