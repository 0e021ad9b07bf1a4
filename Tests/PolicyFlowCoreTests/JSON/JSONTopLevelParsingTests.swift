import Testing

@testable import PolicyFlowCore

/// `JSON.topLevel(parsing:)` checks the objects and arrays inside a document without building
/// them. It must accept exactly what the full parser accepts, with the same error, and build the
/// same top level; these tests hold the two against each other on damaged documents.
struct JSONTopLevelParsingTests {
  /// The top level of `value` as `topLevel(parsing:)` promises it: objects and arrays inside
  /// stand empty.
  static func standIn(_ value: JSON) -> JSON {
    func empty(_ value: JSON) -> JSON {
      switch value {
      case .object: return .object(JSONObject())
      case .array: return .array([])
      default: return value
      }
    }
    switch value {
    case .object(let object):
      var members = JSONObject()
      for (name, member) in object { members[name] = empty(member) }
      return .object(members)
    case .array(let elements): return .array(elements.map(empty))
    default: return value
    }
  }

  /// Both parsers on `text`: the same verdict, the same error, and the promised top level.
  static func expectAgreement(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let full = Result { () throws(JSONParseError) in try JSON(parsing: text) }
    let topLevel = Result { () throws(JSONParseError) in try JSON.topLevel(parsing: text).value }
    switch (full, topLevel) {
    case (.success(let full), .success(let topLevel)):
      #expect(topLevel == standIn(full), "top level of \(text)", sourceLocation: sourceLocation)
    case (.failure(let full), .failure(let topLevel)):
      #expect(topLevel.message == full.message, "\(text)", sourceLocation: sourceLocation)
      #expect(topLevel.location == full.location, "\(text)", sourceLocation: sourceLocation)
    case (.success, .failure(let error)):
      Issue.record("refused what the full parser accepts: \(text): \(error.message)", sourceLocation: sourceLocation)
    case (.failure(let error), .success):
      Issue.record("accepted what the full parser refuses (\(error.message)): \(text)", sourceLocation: sourceLocation)
    }
  }

  @Test(arguments: [
    // Accepted inside: repeated names, a lone surrogate, white space everywhere, every literal.
    #"{"a":{"k":1,"k":2},"b":2}"#,
    #"{"a":["\uD800","\uDC00x","\uD83D\uDE00"]}"#,
    "{ \"a\" : [ 1 , -0.5e+3 , true , false , null , { } , [ ] ] , \"b\" : \"x\" }",
    #"{"a":[1E5,0,-0,123456789012345678901234567890,1e999]}"#,
    #"[{"a":1},[2],"s",3]"#,
    // Refused inside, each in its own way.
    #"{"a":{"b":"\uD800\u0041"}}"#,
    #"{"a":[01]}"#, #"{"a":[1.]}"#, #"{"a":[-]}"#, #"{"a":[1e]}"#, #"{"a":[.5]}"#,
    #"{"a":{"x":1,}}"#, #"{"a":[1,]}"#, #"{"a":{"x" 1}}"#, #"{"a":{x:1}}"#, #"{"a":[1 2]}"#,
    #"{"a":[tru]}"#, #"{"a":[nul]}"#, #"{"a":["\x"]}"#, #"{"a":["\u12G4"]}"#, #"{"a":["\u12"]}"#,
    "{\"a\":[\"x\ny\"]}", "{\"a\":{\"k\u{01}\":1}}", #"{"a":["abc"#, #"{"a":["abc\"#, #"{"a":{"#, #"{"a":[}"#,
    #"{"a":{"b":1]}"#, #"{"a":[1}]"#, #"{"a":[1]]"#, #"{"a":[] x}"#, #"{"a":[+1]}"#,
  ])
  func agreesOnDocumentsWithTrapsInside(_ text: String) {
    Self.expectAgreement(text)
  }

  /// Strict (an import): a name given twice in any object inside, and an integer beyond 64 bits
  /// anywhere inside, are refused as the full strict parse refuses them; names repeated across
  /// objects are not.
  @Test(arguments: [
    #"{"a":{"k":1,"k":2}}"#, #"{"a":[{"k":1},{"k":2}]}"#, #"{"a":{"k":{"k":1}}}"#,
    #"{"a":{"k":{"j":1},"j":2,"k":3}}"#, #"{"a":{"k":{"j":1},"j":2}}"#, #"{"a":[[{"x":1,"y":{"x":2},"x":3}]]}"#,
    #"{"a":{"co\u0064e":1,"code":2}}"#, #"{"a":{"co\u0064e":1,"cod":2}}"#, #"{"a":{"":1,"":2}}"#,
    // Names equal as Swift strings though their bytes differ: Ω (U+03A9) and the ohm sign
    // (U+2126), a composed and a decomposed é.
    "{\"a\":{\"\u{03A9}\":1,\"\u{2126}\":2}}", "{\"a\":[{\"\u{E9}\":1,\"e\u{301}\":2}]}",
    #"{"a":[9223372036854775807,-9223372036854775808]}"#, #"{"a":[9223372036854775808]}"#,
    #"{"a":{"n":-9223372036854775809}}"#, #"{"a":[123456789012345678901234567890.5,1e400]}"#,
    // With a fraction or an exponent: kept only below 2^53 and within range.
    #"{"a":[1.5e3,0.25,-12.75]}"#, #"{"a":{"n":20000000000170001.0}}"#, #"{"a":[1e400]}"#,
    #"{"a":[9007199254740991.5]}"#, #"{"a":[1234567890123456.5]}"#,
  ])
  func agreesStrictlyOnNamesAndIntegersInside(_ text: String) {
    let strict = Result { () throws(JSONParseError) in try JSON.parsingStrictly(text) }
    let topLevel = Result { () throws(JSONParseError) in try JSON.topLevel(parsing: text, isStrict: true).value }
    switch (strict, topLevel) {
    case (.success(let strict), .success(let topLevel)):
      // A text the quick check leaves to the full parse (an escaped name, a long integer) comes
      // back built in full.
      #expect(topLevel == Self.standIn(strict) || topLevel == strict, "\(text)")
    case (.failure(let strict), .failure(let topLevel)):
      #expect(topLevel.message == strict.message, "\(text)")
      #expect(topLevel.location == strict.location, "\(text)")
    default: Issue.record("the strict parses disagree on \(text): \(strict) against \(topLevel)")
    }
  }

  @Test func agreesOnNestingDepthLimit() {
    for depth in [126, 127, 128, 129, 600] {
      Self.expectAgreement(
        "{\"a\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}")
    }
  }

  /// Random documents, each damaged a few ways: a byte dropped, a significant byte inserted or
  /// written over another, the text cut short.
  @Test func agreesOnRandomDamagedDocuments() {
    var rng = JSONRoundTripTests.RNG(state: 7)
    let inserts: [String] = [
      "{", "}", "[", "]", ",", ":", "\"", "\\", "0", "-", ".", "e", "t", "n", "u", "D", "8", " ", "\u{01}", "\\u",
    ]
    var checked = 0
    for _ in 0..<1500 {
      var object = JSONObject()
      for index in 0..<Int(rng.next() % 5 + 1) {
        object["m\(index)"] = JSONRoundTripTests.randomValue(&rng, depth: 0)
      }
      let text = JSON.object(object).serialized(pretty: rng.next() % 3 == 0)
      Self.expectAgreement(text)
      let scalars = Array(text.unicodeScalars)
      for _ in 0..<6 {
        var damaged = scalars
        let at = Int(rng.next() % UInt64(damaged.count))
        switch rng.next() % 4 {
        case 0: damaged.remove(at: at)
        case 1: damaged.insert(contentsOf: inserts[Int(rng.next() % UInt64(inserts.count))].unicodeScalars, at: at)
        case 2: damaged[at] = inserts[Int(rng.next() % UInt64(inserts.count))].unicodeScalars.first!
        default: damaged.removeSubrange(at...)
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: damaged)
        Self.expectAgreement(result)
        checked += 1
      }
    }
    #expect(checked == 9000)
  }
}
