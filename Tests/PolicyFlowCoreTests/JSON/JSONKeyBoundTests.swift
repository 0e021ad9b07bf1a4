import Testing

@testable import PolicyFlowCore

/// The process-wide key intern table is bounded: a worker that reads documents with ever-new
/// member names keeps a table of at most `JSONKey.capacity` names, and every document still
/// reads, compares and serializes as it was written.
struct JSONKeyBoundTests {
  @Test func everNewMemberNamesLeaveTheTableBoundedAndDocumentsCorrect() throws {
    // Names no other test uses, three times as many as the table holds, 50 to a document,
    // as a long-running worker would meet them.
    let perDocument = 50
    let documents = 3 * JSONKey.capacity / perDocument + 1
    var lastDocument = JSON.null
    var lastText = ""
    for document in 0..<documents {
      var text = "{"
      for member in 0..<perDocument {
        if member > 0 { text += "," }
        text += "\"bound-\(document)-\(member)\":\(member)"
      }
      text += ",\"nested\":{\"bound-\(document)-0\":\"x\"}}"
      let parsed = try JSON(parsing: text)
      // Every member reads back by its name and by a key made from its name.
      let object = try #require(parsed.objectValue)
      #expect(object.count == perDocument + 1)
      #expect(object["bound-\(document)-7"] == .int(7))
      #expect(object[JSONKey("bound-\(document)-49")] == .int(49))
      #expect(parsed[path: "nested.bound-\(document)-0"] == "x")
      lastDocument = parsed
      lastText = text
    }
    #expect(JSONKey.internedCount <= JSONKey.capacity)
    #expect(JSONKey.internedCount == JSONKey.capacity, "the table filled up, so later names were not interned")

    // The last document's names came after the table filled: they compare by name, keep their
    // order, serialize as written and parse again to an equal value.
    let object = try #require(lastDocument.objectValue)
    #expect(!object.key(at: 0).isInterned)
    #expect(object.key(at: 0).name == "bound-\(documents - 1)-0")
    #expect(object.key(at: 0) == JSONKey("bound-\(documents - 1)-0"))
    #expect(object.key(at: 0) != JSONKey("bound-\(documents - 1)-1"))
    #expect(lastDocument.serialized() == lastText)
    #expect(try JSON(parsing: lastDocument.serialized()) == lastDocument)
    var changed = lastDocument
    changed.set(path: "bound-\(documents - 1)-3", to: 4)
    #expect(changed != lastDocument)
    #expect(changed[path: "bound-\(documents - 1)-3"] == 4)
    #expect(changed.objectValue?.count == perDocument + 1)
    // Interned names keep working as before.
    #expect(try JSON(parsing: #"{"policyholder": {"name": "A"}}"#)[path: "policyholder.name"] == "A")
  }

  @Test func aRepeatedNameThatWasNotInternedIsStillADuplicate() throws {
    // Fill the table first (this test may run before or after the one above).
    var filler = 0
    while JSONKey.internedCount < JSONKey.capacity {
      _ = JSONKey("bound-filler-\(filler)")
      filler += 1
    }
    let parsed = try JSON(parsing: #"{"bound-duplicate": 1, "other-new-name": 2, "bound-duplicate": 3}"#)
    #expect(parsed.objectValue?.count == 2)
    #expect(parsed[path: "bound-duplicate"] == 3)
    #expect(parsed.serialized() == #"{"bound-duplicate":3,"other-new-name":2}"#)
  }

  @Test func aRuleReadsAPathOfNamesThatWereNotInterned() throws {
    var filler = 0
    while JSONKey.internedCount < JSONKey.capacity {
      _ = JSONKey("bound-filler-\(filler)")
      filler += 1
    }
    let rule = try LogicExpression.compile(
      try JSON(parsing: #"{"and": [{">": [{"var": "bound-rule.bound-limit"}, 10]}, {"var": "bound-rule.bound-on"}]}"#))
    let data = try JSON(parsing: #"{"bound-rule": {"bound-on": true, "bound-limit": 11}}"#)
    #expect(try rule.evaluate(data, in: LogicContext()) == true)
    let lower = try JSON(parsing: #"{"bound-rule": {"bound-on": true, "bound-limit": 9}}"#)
    #expect(try rule.evaluate(lower, in: LogicContext()) == false)
  }
}
