#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `LISTEN`/`NOTIFY`: an idle worker waits on its connection's socket for the notification a
/// submitting transaction sends at its commit, instead of polling the queue table.
extension PostgresConnection {
  public var supportsNotifications: Bool { true }

  /// Listens to `channel` (a plain identifier) on this connection, from now on and again after
  /// a reconnect.
  public func listen(_ channel: String) throws {
    precondition(channel.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "a channel is an identifier")
    // As every statement: a LISTEN sent on a session known to be lost failed for good.
    try reconnectIfLost()
    try command("LISTEN \(channel)")
    listening.insert(channel)
  }

  /// Sends a notification on `channel` at the commit of the current transaction. PostgreSQL
  /// delivers one per transaction however often it is sent in it.
  public func notify(_ channel: String) throws {
    try execute("SELECT pg_notify(?, '')", [.text(channel)])
  }

  /// Waits up to `milliseconds` for a notification on a channel this connection listens to, and
  /// returns whether one came (every one pending is taken).
  public func awaitNotification(milliseconds: Int) throws -> Bool {
    if missedNotifications {
      missedNotifications = false
      return true
    }
    if try takeNotifications() { return true }
    let descriptor = libpq.socket(handle)
    guard descriptor >= 0 else {
      try reconnect()
      return true
    }
    var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    let ready = poll(&request, 1, Int32(clamping: milliseconds))
    guard ready > 0 else { return false }
    return try takeNotifications()
  }

  /// Reads what the server sent and takes every notification pending.
  private func takeNotifications() throws -> Bool {
    guard libpq.consumeInput(handle) == 1 else {
      // The connection is gone: reconnecting listens again and says a notification may be lost.
      try reconnect()
      return true
    }
    var any = false
    while let notification = libpq.notifies(handle) {
      libpq.freemem(notification)
      any = true
    }
    return any
  }
}
