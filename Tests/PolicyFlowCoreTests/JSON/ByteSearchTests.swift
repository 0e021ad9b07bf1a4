import Testing

@testable import PolicyFlowCore

/// The byte search the stored-JSON scans share: first and last runs, at either end, with a first
/// byte that repeats before the match, absent, empty.
struct ByteSearchTests {
  func offsets(_ needle: String, in text: String) -> (first: Int?, last: Int?) {
    var text = text
    return text.withUTF8 {
      (ByteSearch.firstOffset(of: Array(needle.utf8), in: $0), ByteSearch.lastOffset(of: Array(needle.utf8), in: $0))
    }
  }

  @Test func findsTheFirstAndLastRun() {
    #expect(offsets(#""a":"#, in: #"x"a""a":1,"a":2"#) == (4, 10))
    #expect(offsets("ab", in: "ab") == (0, 0))
    #expect(offsets("zz", in: "aaazz") == (3, 3))
    #expect(offsets("q", in: "abc") == (nil, nil))
    #expect(offsets("long needle", in: "short") == (nil, nil))
    #expect(ByteSearch.contains([], in: "anything"))
    #expect(ByteSearch.contains(Array("é".utf8), in: "café"))
  }
}
