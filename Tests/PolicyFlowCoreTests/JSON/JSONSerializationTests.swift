import Testing

@testable import PolicyFlowCore

/// The text every stored policy, outcome and `--json` answer is written as.
struct JSONSerializationTests {
  @Test func stringsEscapeExactlyWhatJSONRequires() throws {
    #expect(JSON.string("plain").serialized() == #""plain""#)
    #expect(JSON.string("a\"b\\c/d").serialized() == #""a\"b\\c/d""#)
    #expect(JSON.string("\n\r\t\u{08}\u{0C}").serialized() == #""\n\r\t\b\f""#)
    #expect(JSON.string("\u{01}\u{1F}x").serialized() == #""\u0001\u001fx""#)
    #expect(JSON.string("é ✓ 😀").serialized() == "\"é ✓ 😀\"")
  }

  /// Escapes at every offset of a longer string, where the writer copies runs eight bytes at a
  /// time: each string reads back as itself.
  @Test func everyStringReadsBackAsItself() throws {
    for special in ["\"", "\\", "\n", "\u{00}", "\u{1F}", "é"] {
      for offset in 0...20 {
        let text = String(repeating: "a", count: offset) + special + String(repeating: "b", count: 20 - offset)
        let written = JSON.string(text).serialized()
        #expect(try JSON(parsing: written) == .string(text), "\(written)")
      }
    }
  }

  @Test func memberNamesAreEscapedAndMembersKeepTheirOrder() throws {
    var object = JSONObject()
    object["z \"quoted\""] = 1
    object["a\\b"] = [true, .null, 2.5]
    object["line\nbreak"] = ["nested": "x"]
    let written = JSON.object(object).serialized()
    #expect(written == #"{"z \"quoted\"":1,"a\\b":[true,null,2.5],"line\nbreak":{"nested":"x"}}"#)
    #expect(try JSON(parsing: written).isIdentical(to: .object(object)))
  }

  @Test func prettyTextIndentsByTwoSpaces() throws {
    let value = try JSON(parsing: #"{"a": [1, {"b": null}], "c": {}, "d": []}"#)
    #expect(
      value.serialized(pretty: true) == """
        {
          "a": [
            1,
            {
              "b": null
            }
          ],
          "c": {},
          "d": []
        }
        """)
  }

  @Test func numbersAreWrittenAsJavaScriptWouldWriteThem() {
    #expect(
      JSON.array([.int(-42), .int(Int.min), .double(3), .double(0.1), .double(.infinity)]).serialized()
        == "[-42,\(Int.min),3,0.1,null]")
  }

  /// Outcomes are streamed member by member; the text must be what serializing the same tree
  /// gives, commas and empty containers included, also for a key interned after the writer
  /// was made.
  @Test func streamedTextIsWhatTheTreeSerializesTo() throws {
    var writer = JSONStreamWriter()
    let late = "made after the writer \(UInt64.random(in: 0...UInt64.max))"
    writer.object { object in
      object.member(JSONKey("a"), 1)
      object.member(JSONKey("empty")) { $0.array { _ in } }
      object.member(JSONKey("list")) { list in
        list.array { items in
          items.element(.null)
          items.element { $0.object { $0.member(JSONKey("x"), ["y": [1, 2]]) } }
          items.element(true)
        }
      }
      object.member(JSONKey("none")) { $0.object { _ in } }
      object.member(JSONKey(late), "\"quoted\"")
    }
    let expected = #"{"a":1,"empty":[],"list":[null,{"x":{"y":[1,2]}},true],"none":{},""# + late + #"":"\"quoted\""}"#
    #expect(writer.text == expected)
    #expect(try JSON(parsing: writer.text).serialized() == expected)
  }
}
