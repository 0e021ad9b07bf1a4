import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A command running in a detached tmux session of its own server: keys are sent to it and its
/// screen is read back, as a person at a terminal would type and see.
final class TmuxSession {
  static let isAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")

  private let server = "policyflow-test-\(UUID().uuidString.prefix(8))"
  private let name = "s"

  /// Starts `arguments` of the built binary in the package root with `environment`; the pane
  /// stays open after it exits and says `EXITED <code>`.
  init(_ arguments: [String], environment: [String: String]) throws {
    let quoted = { (text: String) in "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    let variables = environment.map { "\($0.key)=\(quoted($0.value))" }.sorted().joined(separator: " ")
    let command =
      "cd \(quoted(PolicyFlowBinary.packageRoot.path)) && env \(variables) "
      + ([PolicyFlowBinary.executable.path] + arguments).map(quoted).joined(separator: " ")
      + "; echo EXITED $?; sleep 120"
    // The server this starts keeps every descriptor it inherits: the pipes of this process
    // (its own output, other tests' children), whose readers would then wait for ever. bash
    // closes all but the standard streams, and puts those on /dev/null, before starting it.
    let start = """
      for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
      exec /usr/bin/tmux -L \(server) new-session -d -s \(name) -x 150 -y 50 \(quoted(command)) \
        </dev/null >/dev/null 2>&1
      """
    let started = try PolicyFlowBinary.run(["-c", start], program: URL(fileURLWithPath: "/bin/bash"))
    guard started.exitCode == 0 else { throw CommandError(message: "tmux new-session failed: \(started.stderr)") }
  }

  /// Children of a test process inherit its blocked signals, so the hang-up that `kill-server`
  /// sends is never seen: the pane's process and the server are killed outright.
  deinit {
    let pids = (try? tmux(["list-panes", "-a", "-F", "#{pane_pid}"]))?.split(separator: "\n") ?? []
    let server = (try? tmux(["display-message", "-p", "#{pid}"]))?.split(separator: "\n") ?? []
    for pid in (pids + server).compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
  }

  /// Types `keys` (tmux key names: a letter, `Enter`) into the session.
  func send(_ keys: String...) throws {
    try tmux(["send-keys", "-t", name] + keys)
  }

  /// Sends text literally, then Enter.
  func type(_ text: String) throws {
    try tmux(["send-keys", "-t", name, "-l", text])
    try tmux(["send-keys", "-t", name, "Enter"])
  }

  /// The visible screen, plus the scrollback.
  var screen: String {
    (try? tmux(["capture-pane", "-p", "-J", "-S", "-200", "-t", name])) ?? ""
  }

  /// Polls the screen until it contains `text` (counting occurrences) or `seconds` pass.
  func waitFor(_ text: String, count: Int = 1, seconds: Double = 20) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if screen.components(separatedBy: text).count - 1 >= count { return true }
      usleep(50_000)
    }
    return false
  }

  @discardableResult
  private func tmux(_ arguments: [String]) throws -> String {
    let result = try PolicyFlowBinary.run(
      ["-L", server] + arguments, program: URL(fileURLWithPath: "/usr/bin/tmux"))
    guard result.exitCode == 0 else {
      throw CommandError(message: "tmux \(arguments.first ?? ""): \(result.stderr)")
    }
    return result.stdout
  }

  struct CommandError: Error {
    var message: String
  }
}
