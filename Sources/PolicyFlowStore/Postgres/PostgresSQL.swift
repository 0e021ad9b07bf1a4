/// Store SQL, written once in SQLite's spelling, as PostgreSQL reads it.
///
/// Only two things are rewritten, both outside string literals, quoted identifiers and comments:
///
/// - parameters: `?NNN` becomes `$NNN`, and a bare `?` the next number after the largest used so
///   far (`?` `?5` `?` is `$1` `$5` `$6`), as SQLite numbers them;
/// - SQLite's index hints, `INDEXED BY name` and `NOT INDEXED`, are dropped: PostgreSQL plans
///   without them.
///
/// Nothing else is touched: SQL that means something else on PostgreSQL belongs in a
/// ``SQLDialect`` hook, where a reader sees it.
struct PostgresSQL: Hashable, Sendable {
  /// The statement in PostgreSQL's spelling.
  let text: String
  /// The largest parameter number used, which is how many arguments the statement takes.
  let parameterCount: Int

  init(translating sql: String) {
    var scanner = Scanner(Array(sql.utf8))
    scanner.run()
    text = String(decoding: scanner.output, as: UTF8.self)
    parameterCount = scanner.largestParameter
  }

  private struct Scanner {
    let input: [UInt8]
    var position = 0
    var output: [UInt8] = []
    var largestParameter = 0

    init(_ input: [UInt8]) {
      self.input = input
      output.reserveCapacity(input.count + 16)
    }

    mutating func run() {
      while position < input.count {
        let byte = input[position]
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
          copyQuoted(until: byte)
        case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
          copy { $0 != UInt8(ascii: "\n") }
        case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
          copyBlockComment()
        case UInt8(ascii: "?"):
          translateParameter()
        case _ where isWordByte(byte):
          translateWord()
        default:
          output.append(byte)
          position += 1
        }
      }
    }

    private func peek(_ offset: Int) -> UInt8? {
      position + offset < input.count ? input[position + offset] : nil
    }

    /// Copies bytes from the current one while `condition` holds for the following ones.
    private mutating func copy(while condition: (UInt8) -> Bool) {
      let start = position
      position += 1
      while position < input.count, condition(input[position]) { position += 1 }
      output += input[start..<position]
    }

    /// A string literal or quoted identifier; a doubled quote inside is read as two literals
    /// side by side, which copies it just the same.
    private mutating func copyQuoted(until quote: UInt8) {
      copy { $0 != quote }
      if position < input.count {
        output.append(input[position])
        position += 1
      }
    }

    /// PostgreSQL nests block comments; SQLite does not, but store SQL never relies on that.
    private mutating func copyBlockComment() {
      var depth = 0
      while position < input.count {
        if input[position] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
          depth += 1
          output += input[position...position + 1]
          position += 2
        } else if input[position] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
          depth -= 1
          output += input[position...position + 1]
          position += 2
          if depth == 0 { return }
        } else {
          output.append(input[position])
          position += 1
        }
      }
    }

    private mutating func translateParameter() {
      position += 1
      var number = 0
      var digits = 0
      while position < input.count, input[position] >= UInt8(ascii: "0"), input[position] <= UInt8(ascii: "9") {
        number = number &* 10 &+ Int(input[position] - UInt8(ascii: "0"))
        digits += 1
        position += 1
      }
      if digits == 0 {
        number = largestParameter + 1
      }
      largestParameter = max(largestParameter, number)
      output += Array("$\(number)".utf8)
    }

    private mutating func translateWord() {
      let start = position
      let word = readWord()
      if equals(word, "INDEXED") {
        var lookahead = position
        if readKeyword("BY", from: &lookahead), skipIdentifier(from: &lookahead) {
          position = lookahead
          return
        }
      } else if equals(word, "NOT") {
        var lookahead = position
        if readKeyword("INDEXED", from: &lookahead) {
          position = lookahead
          return
        }
      }
      output += input[start..<position]
    }

    private mutating func readWord() -> ArraySlice<UInt8> {
      let start = position
      while position < input.count, isWordByte(input[position]) { position += 1 }
      return input[start..<position]
    }

    /// Reads whitespace then `keyword` as a whole word, moving `index` past it when found.
    private func readKeyword(_ keyword: String, from index: inout Int) -> Bool {
      var cursor = skipSpace(from: index)
      guard cursor > index else { return false }
      let start = cursor
      while cursor < input.count, isWordByte(input[cursor]) { cursor += 1 }
      guard equals(input[start..<cursor], keyword) else { return false }
      index = cursor
      return true
    }

    /// Reads whitespace then an identifier, bare or double-quoted.
    private func skipIdentifier(from index: inout Int) -> Bool {
      var cursor = skipSpace(from: index)
      guard cursor > index, cursor < input.count else { return false }
      if input[cursor] == UInt8(ascii: "\"") {
        cursor += 1
        while cursor < input.count, input[cursor] != UInt8(ascii: "\"") { cursor += 1 }
        guard cursor < input.count else { return false }
        cursor += 1
      } else {
        let start = cursor
        while cursor < input.count, isWordByte(input[cursor]) { cursor += 1 }
        guard cursor > start else { return false }
      }
      index = cursor
      return true
    }

    private func skipSpace(from index: Int) -> Int {
      var cursor = index
      while cursor < input.count, [9, 10, 13, 32].contains(input[cursor]) { cursor += 1 }
      return cursor
    }

    private func equals(_ word: ArraySlice<UInt8>, _ keyword: String) -> Bool {
      word.count == keyword.utf8.count
        && zip(word, keyword.utf8).allSatisfy { $0 == $1 || $0 == $1 + 32 }
    }

    private func isWordByte(_ byte: UInt8) -> Bool {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"), 0x80...:
        true
      default: false
      }
    }
  }
}
