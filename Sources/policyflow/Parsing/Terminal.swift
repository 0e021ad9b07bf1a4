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
  static func out(_ text: String) {
    fputs(text.hasSuffix("\n") ? text : text + "\n", stdout)
  }

  static func error(_ text: String) {
    fputs(text.hasSuffix("\n") ? text : text + "\n", stderr)
  }

  static func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
  }

  static var stdoutIsTerminal: Bool { isatty(1) == 1 }
}
