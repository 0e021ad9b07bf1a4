import Testing

@testable import PolicyFlowCore

/// The writer and the parser against each other over random documents (names and strings with
/// quotes, escapes, control bytes, non-ASCII text, of every length around the parser's
/// sixteen-byte name words), each parsed twice so the second pass reads names from the cache.
struct JSONRoundTripTests {
  /// SplitMix64: the same documents on every run.
  struct RNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let alphabet: [String] = [
    "a", "b", "Z", "0", "_", " ", "\"", "\\", "\n", "\u{01}", "\u{1F}", "\u{7F}", "é", "✓", "😀", "/", "\t",
  ]

  static func randomName(_ rng: inout RNG) -> String {
    let length = Int(rng.next() % 40)
    var s = ""
    for _ in 0..<length {
      // Mostly plain ASCII, so that many names stay on the fast path.
      if rng.next() % 5 == 0 {
        s += alphabet[Int(rng.next() % UInt64(alphabet.count))]
      } else {
        s += String(UnicodeScalar(UInt8(97 + rng.next() % 3)))
      }
    }
    return s
  }

  static func randomValue(_ rng: inout RNG, depth: Int) -> JSON {
    switch rng.next() % (depth > 3 ? 4 : 6) {
    case 0: return .int(Int(Int32(truncatingIfNeeded: rng.next())))
    case 1: return .string(randomName(&rng))
    case 2: return .bool(rng.next() % 2 == 0)
    case 3: return .null
    case 4:
      return .array((0..<Int(rng.next() % 5)).map { _ in randomValue(&rng, depth: depth + 1) })
    default:
      var object = JSONObject()
      for _ in 0..<Int(rng.next() % 6) { object[randomName(&rng)] = randomValue(&rng, depth: depth + 1) }
      return .object(object)
    }
  }

  @Test func randomDocumentsRoundTrip() throws {
    var rng = RNG(state: 42)
    for iteration in 0..<4000 {
      let value = Self.randomValue(&rng, depth: 0)
      for pretty in [false, true] {
        let text = value.serialized(pretty: pretty)
        for _ in 0..<2 {
          let parsed = try JSON(parsing: text)
          #expect(parsed.isIdentical(to: value), "iteration \(iteration): \(text)")
          #expect(parsed.serialized(pretty: pretty) == text)
        }
      }
    }
  }

  /// Names of every length 1...40 at every distance from the end of the text.
  @Test func namesOfEveryLengthAtTheEnd() throws {
    for length in 1...40 {
      let name = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
      let other = String(name.dropLast()) + "Z"
      for pad in 0..<20 {
        let text = "{" + String(repeating: " ", count: pad) + "\"\(name)\":1,\"\(other)\":2}"
        for _ in 0..<3 {
          let parsed = try #require(try JSON(parsing: text).objectValue)
          #expect(parsed.names == [name, other], "\(text)")
        }
        let tail = "[" + String(repeating: " ", count: pad) + "{\"\(name)\":1}]"
        let p2 = try JSON(parsing: tail)
        #expect(p2.arrayValue?.first?.objectValue?.names == [name])
      }
    }
  }

  /// A name with an escape inside its first sixteen bytes, equal as a string to a cached plain name.
  @Test func escapedNamesEqualToPlainOnes() throws {
    for _ in 0..<2 {
      let a = try #require(
        try JSON(parsing: #"{"abc":1, "a\u0062c":2, "x\"y":3, "abcdefghijklmnopq\u0072":4}"#).objectValue)
      #expect(a.names == ["abc", "x\"y", "abcdefghijklmnopqr"])
      #expect(a[JSONKey("abc")] == 2)
    }
  }
}
