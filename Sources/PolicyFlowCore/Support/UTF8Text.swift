/// Where bytes stop being UTF-8 text, so a file saved in another encoding (Latin-1, UTF-16) is
/// refused at the line a user can open, not with "unreadable".
public enum UTF8Text {
  /// The first byte that does not start or continue a valid UTF-8 sequence: its location
  /// (line from 1; column in bytes from 1, as JSON findings count) and its value. Nil when
  /// all of `bytes` is valid UTF-8. Linear in the bytes up to the bad one.
  public static func firstInvalidByte(in bytes: some Collection<UInt8>) -> (location: SourceLocation, byte: UInt8)? {
    var iterator = bytes.makeIterator()
    var parser = Unicode.UTF8.ForwardParser()
    var line = 1
    var lineStart = 0
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let encoded):
        offset += encoded.count
        if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
          line += 1
          lineStart = offset
        }
      case .error:
        let byte = bytes[bytes.index(bytes.startIndex, offsetBy: offset)]
        return (SourceLocation(line: line, column: offset - lineStart + 1), byte)
      case .emptyInput:
        return nil
      }
    }
  }

  /// The sentence a finding says about the byte ``firstInvalidByte(in:)`` found.
  public static func problem(_ byte: UInt8) -> String {
    let hex = String(byte, radix: 16, uppercase: true)
    return "the file is not UTF-8 text from here on (byte 0x\(hex.count == 1 ? "0" : "")\(hex)); "
      + "save it as UTF-8 and try again"
  }
}
