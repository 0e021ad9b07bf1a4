#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Terminal manners: colour only on a terminal and never with `NO_COLOR` (no-color.org) or a
/// `dumb` terminal, and the width a table must fit on screen. Pipes and files always get plain,
/// full-width text, so what scripts read does not depend on who ran the command.
enum TerminalStyle: String {
  case bold = "1"
  case red = "31"
  case green = "32"
  case yellow = "33"
  case blue = "34"
  case dim = "2"

  /// Whether text written to `descriptor` (1 stdout, 2 stderr) may carry colour.
  static func coloursAllowed(on descriptor: Int32) -> Bool {
    guard isatty(descriptor) == 1 else { return false }
    if let noColor = Terminal.environment("NO_COLOR"), !noColor.isEmpty { return false }
    return Terminal.environment("TERM") != "dumb"
  }

  static let stdoutColours = coloursAllowed(on: 1)

  /// `text` in this style when stdout takes colours, else unchanged.
  func apply(_ text: String, colours: Bool = TerminalStyle.stdoutColours) -> String {
    colours ? "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" : text
  }

  /// The columns of the terminal stdout writes to; nil when stdout is not a terminal (nothing
  /// to fit) or its width is unknown. `COLUMNS` wins over what the terminal reports.
  static var stdoutColumns: Int? {
    guard isatty(1) == 1 else { return nil }
    if let text = Terminal.environment("COLUMNS"), let columns = Int(text), columns > 0 { return columns }
    var size = winsize()
    guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  /// The style of a policy status in listings.
  static func of(status: String) -> TerminalStyle? {
    switch status {
    case "Approved": .green
    case "Pended": .yellow
    case "Edit": .red
    case "In Process": .blue
    case "Canceled": .dim
    default: nil
    }
  }
}
