import Testing

@testable import PolicyFlowCore

/// The object type every policy is read into: members in document order, copies independent of
/// each other (copy on write over one shared storage).
struct JSONObjectTests {
  @Test func aCopyIsUnchangedWhenTheOriginalIsWritten() throws {
    var original = try #require(try JSON(parsing: #"{"a": 1, "b": {"c": "x"}}"#).objectValue)
    let copy = original
    original["a"] = 2
    original["d"] = "new"
    original["b"] = nil
    #expect(copy.names == ["a", "b"])
    #expect(copy["a"] == 1)
    #expect(copy["b"]?[path: "c"] == "x")
    #expect(original.names == ["a", "d"])
    #expect(original["a"] == 2)
  }

  @Test func membersKeepDocumentOrderThroughEdits() {
    var object = JSONObject()
    for (i, name) in ["z", "a", "m", "b"].enumerated() { object[name] = .int(i) }
    object["a"] = nil
    object["z"] = "again"
    object["q"] = true
    #expect(object.names == ["z", "m", "b", "q"])
    #expect(JSON.object(object).serialized() == #"{"z":"again","m":2,"b":3,"q":true}"#)
  }

  @Test func emptyObjectsDoNotShareWrites() {
    var first = JSONObject()
    let second = JSONObject()
    first["a"] = 1
    #expect(second.isEmpty)
    #expect(first.count == 1)
  }

  @Test func parsingKeepsTheFirstPositionAndTheLastValueOfARepeatedName() throws {
    let value = try JSON(parsing: #"{"a": 1, "b": [1, {"x": 2, "y": [3, 4]}], "a": 5}"#)
    #expect(value.serialized() == #"{"a":5,"b":[1,{"x":2,"y":[3,4]}]}"#)
  }

  @Test func deeplyNestedDocumentsSurviveTheParsersSharedStacks() throws {
    let text = #"{"l": [{"m": [{"n": [1, {"o": {}}, []]}, 2]}, {"p": "q"}], "r": {"s": [[], [[]]]}}"#
    let value = try JSON(parsing: text)
    #expect(value.serialized() == text.replacingOccurrences(of: " ", with: ""))
    #expect(try JSON(parsing: value.serialized()) == value)
  }

  @Test func settingAPathCreatesObjectsAndLeavesCopiesAlone() throws {
    let original = try JSON(parsing: #"{"a": {"b": 1}, "items": [{"q": 1}, {"q": 2}], "s": "text"}"#)
    var changed = original
    changed.set(path: "a.c", to: 2)
    changed.set(path: "items.1.q", to: 3)
    changed.set(path: "items.5.q", to: 4)  // no such element: the array is replaced by an object
    changed.set(path: "s.t", to: true)  // a string on the way becomes an object
    changed.set(path: "new.deep.leaf", to: "x")
    #expect(
      changed.serialized()
        == #"{"a":{"b":1,"c":2},"items":{"5":{"q":4}},"s":{"t":true},"new":{"deep":{"leaf":"x"}}}"#)
    #expect(original.serialized() == #"{"a":{"b":1},"items":[{"q":1},{"q":2}],"s":"text"}"#)
    var inArray = original
    inArray.set(path: "items.1.q", to: 3)
    #expect(inArray[path: "items.1.q"] == 3)
    #expect(original[path: "items.1.q"] == 2)
  }
}
