#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The arguments of one statement as libpq takes them.
///
/// Integers go in binary (`int8`, eight bytes in network order), with their type declared when the
/// statement is prepared: no text to format on this side or to parse on the server's, on the hot
/// paths where ids, times and counts are most of the arguments. Everything else goes as text with
/// type OID 0, so that the server infers its type from where it is used; NULL is a null pointer.
/// A statement is prepared once per ``signature`` (which arguments are integers), so a NULL or a
/// text at a position that once held an integer is never sent in a format the server does not
/// expect.
///
/// The values are copied into C memory once and freed when the value goes away.
final class PostgresParameters {
  private(set) var values: [UnsafePointer<CChar>?]
  private(set) var types: [UInt32]
  private(set) var lengths: [Int32]
  private(set) var formats: [Int32]

  /// - Throws: ``PostgresError`` for a text holding the NUL character, which PostgreSQL cannot
  ///   store (libpq would cut the text short there without a word).
  init(_ arguments: [DatabaseValue], sql: String) throws {
    values = []
    values.reserveCapacity(arguments.count)
    types = []
    lengths = []
    formats = []
    for (index, argument) in arguments.enumerated() {
      if case .integer(let integer) = argument {
        // malloc, as strdup does for texts: deinit frees both the same way.
        guard let bytes = malloc(8) else { preconditionFailure("out of memory for a statement's arguments") }
        bytes.storeBytes(of: integer.bigEndian, as: Int64.self)
        values.append(UnsafePointer(bytes.assumingMemoryBound(to: CChar.self)))
        types.append(TypeOID.int8)
        lengths.append(8)
        formats.append(1)
        continue
      }
      types.append(0)
      lengths.append(0)
      formats.append(0)
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

  /// Which arguments are integers, as a key for the statement prepared for them.
  var signature: String { String(types.map { $0 == TypeOID.int8 ? "i" : "t" }) }

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
