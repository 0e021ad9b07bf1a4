/// Random (version 4) UUIDs in lowercase text, for policy gids and lease tokens.
enum UUIDv4 {
  /// Takes two 64-bit draws from the system generator: drawing each of the 16 bytes on its own
  /// cost one `getrandom` system call per byte, which showed in the import profile.
  static func random() -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: 16)
    for half in 0..<2 {
      let draw = generator.next()
      for i in 0..<8 { bytes[half * 8 + i] = UInt8(truncatingIfNeeded: draw >> (8 * i)) }
    }
    bytes[6] = bytes[6] & 0x0F | 0x40
    bytes[8] = bytes[8] & 0x3F | 0x80
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(36)
    for (i, byte) in bytes.enumerated() {
      if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
