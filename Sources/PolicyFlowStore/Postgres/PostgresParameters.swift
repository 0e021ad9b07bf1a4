#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The arguments of one statement as libpq takes them: NUL-terminated texts (or NULL pointers),
/// with type OID 0 so that the server infers each parameter's type from where it is used.
///
/// The texts are copied into C memory once and freed when the value goes away.
final class PostgresParameters {
  private(set) var values: [UnsafePointer<CChar>?]

  /// - Throws: ``PostgresError`` for a text holding the NUL character, which PostgreSQL cannot
  ///   store (libpq would cut the text short there without a word).
  init(_ arguments: [DatabaseValue], sql: String) throws {
    values = []
    values.reserveCapacity(arguments.count)
    for (index, argument) in arguments.enumerated() {
      guard let text = try Self.text(of: argument, position: index + 1, sql: sql) else {
        values.append(nil)
        continue
      }
      values.append(UnsafePointer(strdup(text)))
    }
  }

  deinit {
    for value in values {
      free(UnsafeMutablePointer(mutating: value))
    }
  }

  var count: Int32 { Int32(values.count) }

  private static func text(of value: DatabaseValue, position: Int, sql: String) throws -> String? {
    switch value {
    case .null: return nil
    case .integer(let integer): return String(integer)
    case .real(let real):
      if real.isNaN { return "NaN" }
      if real.isInfinite { return real < 0 ? "-Infinity" : "Infinity" }
      // Swift prints the shortest text that reads back as the same double.
      return real.description
    case .text(let text):
      guard !text.utf8.contains(0) else {
        throw PostgresError(
          sqlState: "22021",
          message: "argument \(position) is text holding the NUL character, which PostgreSQL cannot store",
          sql: sql)
      }
      return text
    case .blob(let bytes):
      let digits: [UInt8] = Array("0123456789abcdef".utf8)
      var hex: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
      hex.reserveCapacity(2 + bytes.count * 2)
      for byte in bytes {
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0x0F)])
      }
      return String(decoding: hex, as: UTF8.self)
    }
  }
}
