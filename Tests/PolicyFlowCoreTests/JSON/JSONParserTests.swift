import Testing

@testable import PolicyFlowCore

/// The parser scans strings and member names eight bytes at a time; every position of a quote,
/// an escape or a control character relative to those eight-byte steps must read the same.
struct JSONParserTests {
  @Test(arguments: 0..<20)
  func escapesAndQuotesAreFoundAtEveryOffset(_ offset: Int) throws {
    let prefix = String(repeating: "a", count: offset)
    let text = "{\"\(prefix)k\": \"\(prefix)\\\"q\\\\\(prefix)\", \"\(prefix)\": \"é\(prefix)\"}"
    let value = try JSON(parsing: text)
    #expect(value[path: prefix + "k"] == .string(prefix + "\"q\\" + prefix))
    #expect(value.objectValue?[prefix] == .string("é" + prefix))
  }

  @Test(arguments: 0..<20)
  func aControlCharacterIsRefusedAtEveryOffset(_ offset: Int) {
    let text = "[\"" + String(repeating: "b", count: offset) + "\t\"]"
    #expect(throws: JSONParseError.self) { try JSON(parsing: text) }
  }

  @Test func namesThatShareLengthsAndEndsStayApart() throws {
    // Names whose first and last eight bytes agree, and names of every length up to 40.
    var object = JSONObject()
    for length in 1...40 { object[String(repeating: "n", count: length)] = .int(length) }
    object["abcdefgh-1-stuvwxyz"] = 1
    object["abcdefgh-2-stuvwxyz"] = 2
    let text = JSON.object(object).serialized()
    for _ in 0..<3 {  // again with the names cached from the earlier documents
      let parsed = try #require(try JSON(parsing: text).objectValue)
      #expect(parsed == object)
      #expect(parsed["abcdefgh-2-stuvwxyz"] == 2)
      #expect(parsed[String(repeating: "n", count: 17)] == 17)
    }
  }

  @Test func namesThatShareTheirFirstSixteenBytesStayApart() throws {
    let head = "employerContribu"  // sixteen bytes
    let names = [head, head + "tion", head + "tionPercent", head + "ting", head + "tionPercenT"]
    var object = JSONObject()
    for (i, name) in names.enumerated() { object[name] = .int(i) }
    let text = JSON.object(object).serialized()
    for _ in 0..<3 {
      let parsed = try #require(try JSON(parsing: text).objectValue)
      #expect(parsed.names == names)
      for (i, name) in names.enumerated() { #expect(parsed[name] == .int(i), "\(name)") }
    }
  }

  @Test func namesRightAtTheEndOfTheTextAreRead() throws {
    // Fewer than eight bytes follow the name's start: read byte by byte, not as a word.
    for text in [#"{"a":1}"#, #"{"ab":1}"#, #"{"abcdefg":1}"#, #"{"x":{"abcdefghi":2}}"#] {
      let once = try JSON(parsing: text)
      #expect(try JSON(parsing: text) == once)
      #expect(once.serialized() == text)
    }
  }

  @Test func anUnterminatedStringNearTheEndIsAnError() {
    for text in [#"{"abc"#, #"{"abcdefghijklmnop"#, #"["abc"#, #"{"a": "bcdefghijk"#] {
      #expect(throws: JSONParseError.self) { try JSON(parsing: text) }
    }
  }

  /// Nesting is bounded so that the recursion of parsing, compiling and evaluating stays within
  /// a small thread stack; the refusal says where and why.
  @Test func nestingDeeperThanTheLimitIsRefusedWhereItStarts() throws {
    let limit = JSONParser.maximumDepth
    let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
    #expect(try JSON(parsing: deepest) != .null)
    let tooDeep = "[" + deepest + "]"
    let error = try #require(throws: JSONParseError.self) { try JSON(parsing: tooDeep) }
    #expect(error.message == "values are nested more than 128 deep")
    #expect(error.location == SourceLocation(line: 1, column: 129))
  }

  /// The least 64-bit integer is an integer in every parse: the plain one read it as a `Double`
  /// (-9.223372036854776e+18), so an imported policy showed it rounded (new-user trial).
  @Test func theLeastIntegerStaysAnInteger() throws {
    let text = #"{"n":-9223372036854775808,"m":9223372036854775807}"#
    for value in [try JSON(parsing: text), try JSON(parsingDeferred: text), try JSON.parsingStrictly(text)] {
      #expect(value[path: "n"] == .int(Int.min))
      #expect(value[path: "m"] == .int(Int.max))
    }
    #expect(try JSON(parsing: "-9223372036854775809") == .double(-9_223_372_036_854_775_809))
  }

  /// The mistakes people make writing JSON by hand are said plainly, in the full and the deferred
  /// parse alike: a comma after the last item, a comment, single quotes.
  @Test(arguments: [
    (#"{"a": [1, 2,]}"#, "found ']' (a comma before it: JSON allows none after the last item; remove that comma)"),
    (#"{"a": {"b": 1,}}"#, "found '}' (a comma before it: JSON allows none after the last item; remove that comma)"),
    ("{\"a\": 1, // note\n}", "found '/' (JSON has no comments; remove the comment)"),
    ("{'a': 1}", "found ''' (JSON strings and names are in double quotes)"),
  ])
  func commonMistakesAreNamed(_ text: String, _ ending: String) throws {
    let full = try #require(throws: JSONParseError.self) { try JSON(parsing: text) }
    #expect(full.message.hasSuffix(ending), "\(full.message)")
    let deferred = try #require(throws: JSONParseError.self) { try JSON(parsingDeferred: text) }
    #expect(deferred.message == full.message)
  }

  /// A closing bracket where a value is missing is no trailing comma.
  @Test func aMissingValueIsNotCalledATrailingComma() throws {
    let error = try #require(throws: JSONParseError.self) { try JSON(parsing: #"{"a": }"#) }
    #expect(!error.message.contains("comma"), "\(error.message)")
  }
}
