import Testing

@testable import PolicyFlowCore

/// A deferred parse (what the worker and the `cycle` benchmark read policies with) gives the
/// same values, text and errors as the full parse; only when objects from the second level down
/// are built differs.
struct JSONDeferredParsingTests {
  static let documents = [
    #"{"code": "P-1", "holder": {"name": "Ann \"A\" Bakker", "address": {"city": "Amsterdam", "no": 12}},"#
      + #" "people": [{"n": 1, "x": {"y": [1, 2.5, {"z": null}]}}, {}, [], "s", -3], "big": 9223372036854775807,"#
      + #" "tiny": 1e-300, "empty": {}, "flag": true, "twice": {"a": 1, "b": 2, "a": {"c": 3}}}"#,
    #"[{"a": {"b": {"c": {"d": "deep"}}}}, {"é": "ü\u00e9\ud83d\ude00"}, 1, null]"#,
    #"  {"only": "top level"}  "#,
    #""just a string""#,
    "\u{FEFF}{\"bom\": {\"inner\": 1}}",
  ]

  @Test(arguments: documents)
  func readsAsTheFullParseReads(_ text: String) throws {
    let full = try JSON(parsing: text)
    let deferred = try JSON(parsingDeferred: text)
    #expect(deferred.isIdentical(to: full))
    #expect(deferred == full)
    #expect(deferred.serialized() == full.serialized())
    #expect(deferred.serialized(pretty: true) == full.serialized(pretty: true))
  }

  /// Objects whose text is as the serializer writes it are written by copying the text; any
  /// other text (white space, escapes, fractions, `-0`, repeated names) is written anew.
  @Test(arguments: [
    #"{"a":{"b":"x","c":[1,-2,{"d":null}],"e":{}}}"#, #"{"a":{"b":"é ü","c":true}}"#,
    #"{"a":{"b": 1}}"#, #"{"a":{"b":"\u0041"}}"#, #"{"a":{"b":1.0}}"#, #"{"a":{"b":-0}}"#,
    #"{"a":{"b":1,"b":2}}"#, #"{"a":{"b":1e2}}"#, #"{"a":{"b":12345678901234567890}}"#,
    #"{"a":{"name":1,"nbme":2,"longer-name-1":3,"longer-name-2":4}}"#,
    // A name repeated after an array or object inside the same object, and two deep.
    #"{"a":{"x":[1],"x":2}}"#, #"{"a":{"x":{"y":1},"x":2}}"#, #"{"a":{"b":{"x":[1],"x":2}}}"#,
    #"{"a":{"b":[{"x":1,"x":2}]}}"#,
    #"{"a":{"b":[{"x":1},{"x":2}],"c":{"x":{"x":3}}}}"#, #"{"a":[{"p":{"q":{"r":1,"r":2}}}]}"#,
    // Names equal as Swift strings whose bytes differ, and a decomposed é alone.
    "{\"a\":{\"\u{03A9}\":1,\"\u{2126}\":2}}", "{\"a\":{\"e\u{301}\":1}}", "{\"a\":{\"\u{E9}\":1}}",
  ])
  func writesAsTheFullParseWrites(_ object: String) throws {
    let text = #"{"top":"# + object + "}"  // deferred from the second level down
    let full = try JSON(parsing: text)
    let deferred = try JSON(parsingDeferred: text)
    #expect(deferred.serialized() == full.serialized())
    #expect(deferred.serialized(pretty: true) == full.serialized(pretty: true))
    _ = deferred[path: "top.a.b"]  // read in, then written again
    #expect(deferred.serialized() == full.serialized())
  }

  @Test func anEditedObjectIsWrittenWithTheEdit() throws {
    var value = try JSON(parsingDeferred: #"{"top":{"a":{"b":{"c":1},"d":2}}}"#)
    value.set(path: "top.a.b.c", to: 5)
    value.set(path: "top.a.e", to: "new")
    #expect(value.serialized() == #"{"top":{"a":{"b":{"c":5},"d":2,"e":"new"}}}"#)
    guard case .object(var object) = value[path: "top.a"] ?? .null else { throw DeferredTestFailure() }
    value = .null  // the object is now the only holder of its storage, changed in place
    object["d"] = 3
    #expect(JSON.object(object).serialized() == #"{"b":{"c":5},"d":3,"e":"new"}"#)
    var alone = try #require(try JSON(parsingDeferred: #"{"w":{"x":{"y":1,"z":2}}}"#)[path: "w.x"]?.objectValue)
    alone["y"] = nil
    #expect(JSON.object(alone).serialized() == #"{"z":2}"#)
  }

  struct DeferredTestFailure: Error {}

  @Test func nestedObjectsReadByPathAndTakeEdits() throws {
    let text = Self.documents[0]
    var value = try JSON(parsingDeferred: text)
    #expect(value[path: "holder.address.city"] == "Amsterdam")
    #expect(value[path: "people.0.x.y.2.z"] == .null)
    #expect(value[path: "twice.a.c"] == 3)
    #expect(value.objectValue?["twice"]?.objectValue?.names == ["a", "b"])
    let original = value
    value.set(path: "holder.address.no", to: 13)
    #expect(value[path: "holder.address.no"] == 13)
    #expect(original[path: "holder.address.no"] == 12)
    #expect(!value.isIdentical(to: original))
  }

  @Test(arguments: [
    #"{"a": {"b": [1, 2}}"#, #"{"a": {"b": "\q"}}"#, #"{"a": [{"b": 01}]}"#, #"{"a": {"b": tru}}"#,
    "{\"a\": {\"b\": \"tab\there\"}}", #"{"a": {"b": 1} "c": 2}"#, #"{"a": {"b": 1}"#, #"[{"a": 1},]"#,
  ])
  func refusesWhatTheFullParseRefusesWithItsMessage(_ text: String) {
    let full = #expect(throws: JSONParseError.self) { try JSON(parsing: text) }
    let deferred = #expect(throws: JSONParseError.self) { try JSON(parsingDeferred: text) }
    #expect(deferred?.message == full?.message)
    #expect(deferred?.location == full?.location)
  }

  @Test func refusesNestingBeyondTheLimitInsideAnObject() {
    let depth = JSONParser.maximumDepth + 1
    let text = "{\"a\":" + String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth + 1)
    let full = #expect(throws: JSONParseError.self) { try JSON(parsing: text) }
    let deferred = #expect(throws: JSONParseError.self) { try JSON(parsingDeferred: text) }
    #expect(deferred?.message == full?.message)
  }

  /// Threads that read the same unread object at once all see its members, whole.
  @Test func threadsReadingOneObjectAtOnceSeeTheSameMembers() async throws {
    var members: [String] = []
    for i in 0..<200 { members.append("\"m\(i)\": {\"v\": \(i)}") }
    let text = "{\"inner\": {" + members.joined(separator: ",") + "}}"  // each m… deferred
    for _ in 0..<20 {
      let value = try JSON(parsingDeferred: text)
      let sums = await withTaskGroup(of: Int.self) { group in
        for _ in 0..<4 {
          group.addTask {
            var sum = 0
            for i in 0..<200 { if case .int(let v) = value[path: "inner.m\(i).v"] { sum += v } }
            return sum
          }
        }
        return await group.reduce(into: []) { $0.append($1) }
      }
      #expect(sums == Array(repeating: 199 * 200 / 2, count: 4))
    }
  }
}
