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

  /// The parser looks for a repeated name only when a bit per key id (modulo 64) says the
  /// object may have it: names that share the bit are still told apart, and repeats still found.
  @Test func namesThatShareABitAreToldApartAndRepeatsStillFound() throws {
    let names = (0..<65).map { "bit-test-\($0)-\(UInt32.random(in: 0...UInt32.max))" }
    let keys = names.map(JSONKey.init)
    let (a, b) = try #require(
      keys.indices.lazy.flatMap { i in keys.indices.lazy.map { j in (i, j) } }
        .first { $0.0 < $0.1 && keys[$0.0].id & 63 == keys[$0.1].id & 63 })
    let text = #"{"\#(names[a])": 1, "\#(names[b])": 2, "x": {"\#(names[a])": 3}, "\#(names[b])": 4}"#
    let object = try #require(try JSON(parsing: text).objectValue)
    #expect(object.names == [names[a], names[b], "x"])
    #expect(object[keys[a]] == 1)
    #expect(object[keys[b]] == 4)
  }

  @Test func membersGivenTwiceKeepTheirFirstPlaceAndLastValue() {
    let (a, b) = (JSONKey("a"), JSONKey("b"))
    let object = JSONObject(members: [(a, 1), (b, 2), (a, 3)])
    #expect(object.names == ["a", "b"])
    #expect(object[a] == 3)
    #expect(JSONObject(members: []).isEmpty)
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

  /// What a commit decides with `isIdentical`: whether a cycle changed the policy's data and it
  /// must be stored again. Shared storage answers at once; anything written answers no.
  @Test func identicalMeansWrittenAlikeWhetherOrNotStorageIsShared() throws {
    let text = #"{"a": {"b": 1, "c": [1, 2.5, "x"]}, "items": [{"q": 1}, {"q": null}], "s": "text", "t": true}"#
    let original = try JSON(parsing: text)
    #expect(original.isIdentical(to: original))
    #expect(original.isIdentical(to: try JSON(parsing: text)))

    var sameValueAgain = original
    sameValueAgain.set(path: "a.b", to: 1)  // written, but to what it was
    #expect(sameValueAgain.isIdentical(to: original))

    for (path, value) in [("a.b", JSON.double(1)), ("items.1.q", 0), ("a.c.2", "y"), ("t", false), ("new", 1)] {
      var changed = original
      changed.set(path: path, to: value)
      #expect(!changed.isIdentical(to: original), "after setting \(path)")
      #expect(!original.isIdentical(to: changed), "after setting \(path)")
    }
    #expect(try !JSON(parsing: #"{"a": 1, "b": 2}"#).isIdentical(to: try JSON(parsing: #"{"b": 2, "a": 1}"#)))
    #expect(try !JSON(parsing: "[1, 2]").isIdentical(to: try JSON(parsing: "[1, 2, 3]")))
  }
}
