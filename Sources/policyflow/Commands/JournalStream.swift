#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Whether stderr goes straight to systemd's journal, and the syslog priorities of its lines.
///
/// systemd sets `JOURNAL_STREAM` to the device and inode of the stream it connected (see
/// systemd.exec(5)); when stderr is that stream, a line should start with its priority as
/// `<N>` (sd-daemon(3)) and carry no time stamp, since the journal records its own.
enum JournalStream {
  enum Priority: Int {
    case error = 3
    case warning = 4
    case notice = 5
    case info = 6
  }

  /// True when stderr is the stream `JOURNAL_STREAM` names.
  static let isStandardError: Bool = {
    guard let value = Terminal.environment("JOURNAL_STREAM") else { return false }
    let parts = value.split(separator: ":")
    guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
    var status = stat()
    guard fstat(2, &status) == 0 else { return false }
    return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
  }()

  /// `text` with its priority prefix, as the journal reads it.
  static func line(_ text: String, priority: Priority) -> String {
    "<\(priority.rawValue)>\(text)"
  }
}
