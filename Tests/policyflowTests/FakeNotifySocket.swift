import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A stand-in for systemd's notify socket: a unix datagram socket bound in a temporary
/// directory (or in the abstract namespace) that collects what a process sends to it.
final class FakeNotifySocket {
  private let descriptor: Int32
  private let directory: URL?
  /// The value for `NOTIFY_SOCKET`.
  let address: String
  private(set) var received: [String] = []

  /// Binds a socket file in a fresh temporary directory, or `@name` when `abstract`.
  init(abstract: Bool = false) throws {
    descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    precondition(descriptor >= 0, "socket(AF_UNIX, SOCK_DGRAM) failed")
    var name: [UInt8]
    if abstract {
      directory = nil
      address = "@policyflow-test-\(UUID().uuidString.prefix(8))"
      name = Array(address.utf8)
      name[0] = 0
    } else {
      let directory = try PolicyFlowBinary.temporaryDirectory()
      self.directory = directory
      address = directory.appendingPathComponent("notify").path
      name = Array(address.utf8) + [0]
    }
    var socketAddress = sockaddr_un()
    socketAddress.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &socketAddress.sun_path) { $0.copyBytes(from: name) }
    let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count - (abstract ? 0 : 1))
    let bound = withUnsafePointer(to: &socketAddress) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    precondition(bound == 0, "bind(\(address)) failed: \(String(cString: strerror(errno)))")
  }

  deinit {
    close(descriptor)
    if let directory { try? FileManager.default.removeItem(at: directory) }
  }

  /// Reads datagrams until one contains the line `line` or `seconds` pass; true when it came.
  func waitFor(_ line: String, seconds: Double = 30) -> Bool {
    if received.contains(where: { $0.split(separator: "\n").contains(Substring(line)) }) { return true }
    let deadline = Date().addingTimeInterval(seconds)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while Date() < deadline {
      var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      guard poll(&poller, 1, 50) > 0 else { continue }
      let count = recv(descriptor, &buffer, buffer.count, 0)
      guard count > 0 else { continue }
      let message = String(decoding: buffer[0..<count], as: UTF8.self)
      received.append(message)
      if message.split(separator: "\n").contains(Substring(line)) { return true }
    }
    return false
  }

  /// Every line received so far, in order.
  var lines: [String] { received.flatMap { $0.split(separator: "\n").map(String.init) } }
}
