#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A long command's progress on stderr as a bar and a percentage, drawn only when stderr is a
/// terminal (`store copy`, `audit verify`).
final class PercentBar {
  private var shown = -1

  init?() {
    guard isatty(2) == 1 else { return nil }
  }

  /// Redraws the bar with `label` when the percentage moved.
  func show(_ label: String, done: Int, total: Int) {
    let percent = total == 0 ? 100 : done * 100 / total
    guard percent != shown else { return }
    shown = percent
    let filled = percent * 30 / 100
    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: 30 - filled)
    Terminal.write("\r\(label) [\(bar)] \(percent)%", to: 2)
  }

  /// Clears the bar's line.
  func finish() { Terminal.write("\r\u{1B}[2K", to: 2) }
}
