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
}
