#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why the server refused a connection, by its SQLSTATE rather than its words: a server whose
/// messages are in German (`lc_messages`) said "Passwort-Authentifizierung … fehlgeschlagen", and
/// a wrong password read as a server that cannot be reached (a worker waited a minute for it;
/// exit 1, not 77).
extension PostgresConnection {
  /// The SQLSTATE of the server's refusal `reason` (libpq's message of a failed connection), asked
  /// of the server once more with verbose errors, which libpq sets only on a connection it has
  /// not completed; nil when `reason` is not the server's answer (libpq's own, such as no server
  /// listening, has no code and is not asked again) or the second answer gives none.
  static func refusalCode(_ uri: String, libpq: LibPQ, after reason: String) -> String? {
    // The server's answers read `SEVERITY:  message` (two spaces), in any language; libpq's own
    // do not.
    guard reason.contains(":  "), let handle = libpq.connectStart(uri) else { return nil }
    defer { libpq.finish(handle) }
    _ = libpq.setErrorVerbosity(handle, PQ.errorsVerbose)
    guard libpq.status(handle) != PQ.connectionBad else { return nil }
    let deadline = StoreTime.now().milliseconds + 10_000
    var state = PQ.pollingWriting
    while state == PQ.pollingReading || state == PQ.pollingWriting {
      let left = deadline - StoreTime.now().milliseconds
      guard left > 0 else { return nil }
      var request = pollfd(
        fd: libpq.socket(handle), events: Int16(state == PQ.pollingReading ? POLLIN : POLLOUT), revents: 0)
      if poll(&request, 1, Int32(left)) < 0 && errno != EINTR { return nil }
      state = libpq.connectPoll(handle)
    }
    guard state == PQ.pollingFailed else { return nil }
    return sqlState(inVerbose: message(libpq.errorMessage(handle)))
  }

  /// The SQLSTATE in a verbose server message: `FATAL:  28P01: password …` (the severity may be
  /// translated; the code is not).
  static func sqlState(inVerbose text: String) -> String? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 10 else { return nil }
    for start in 0...(bytes.count - 10)
    where bytes[start] == UInt8(ascii: ":") && bytes[start + 1] == 32 && bytes[start + 2] == 32
      && bytes[start + 8] == UInt8(ascii: ":") && bytes[start + 9] == 32
    {
      let code = bytes[(start + 3)..<(start + 8)]
      if code.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) }) {
        return String(decoding: code, as: UTF8.self)
      }
    }
    return nil
  }
}
