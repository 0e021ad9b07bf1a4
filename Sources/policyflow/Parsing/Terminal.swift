import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where command output goes: stdout for results (what scripts read), stderr for errors,
/// findings and progress.
enum Terminal {
  /// Whether anything was written to stdout: a command run with `--json` that fails before it
  /// wrote its JSON gives its error as JSON instead (``Runner``).
  static let wroteStandardOutput = Atomic<Bool>(false)

  static func out(_ text: String) {
    write(text.hasSuffix("\n") ? text : text + "\n", to: 1)
  }

  static func error(_ text: String) {
    write(text.hasSuffix("\n") ? text : text + "\n", to: 2)
  }

  /// Writes all of `text`, resuming after partial writes and interrupts.
  static func write(_ text: String, to descriptor: Int32) {
    if descriptor == 1 { wroteStandardOutput.store(true, ordering: .relaxed) }
    var text = text
    text.withUTF8 { buffer in
      var offset = 0
      while offset < buffer.count {
        let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += written
      }
    }
  }

  static func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
  }

  static var stdoutIsTerminal: Bool { isatty(1) == 1 }
}
