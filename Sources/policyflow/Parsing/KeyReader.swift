#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads the keyboard of an interactive command: one key at a time without Enter (the
/// terminal's line mode and echo off for that read), or a whole line for a note.
enum KeyReader {
  /// True when both stdin and stdout are a terminal: someone is there to answer.
  static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

  /// One key, lower-cased; nil at end of input (Ctrl-D) or on a read error.
  static func key() -> Character? {
    var saved = termios()
    guard tcgetattr(0, &saved) == 0 else { return line().flatMap(\.first) }
    var raw = saved
    raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    tcsetattr(0, TCSANOW, &raw)
    defer { tcsetattr(0, TCSANOW, &saved) }
    var byte: UInt8 = 0
    while true {
      let count = read(0, &byte, 1)
      if count == 1 { break }
      if count < 0, errno == EINTR { continue }
      return nil
    }
    // Ctrl-D in raw mode arrives as a byte of its own.
    if byte == 4 { return nil }
    return Character(Unicode.Scalar(byte)).lowercased().first
  }

  /// Asks `prompt` and reads a line (without its newline); nil at end of input.
  static func line(prompt: String = "") -> String? {
    if !prompt.isEmpty { Terminal.write(prompt, to: 1) }
    return readLine(strippingNewline: true)
  }
}
