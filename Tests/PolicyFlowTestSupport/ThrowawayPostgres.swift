import PolicyFlowStore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A PostgreSQL server of the tests' own, started on first use in a temporary directory and
/// stopped when the test process ends, so that tests never touch a server they did not start.
///
/// It listens only on a unix socket in its directory, trusts every local login as `postgres`, and
/// skips fsync: fast, and gone without a trace. Each test asks for a database of its own:
///
/// ```swift
/// @Suite(.enabled(if: ThrowawayPostgres.shared != nil, "no PostgreSQL server binaries"))
/// struct MyTests {
///   @Test func works() throws {
///     let uri = try #require(ThrowawayPostgres.shared).newDatabase()
///     let connection = try PostgresConnection(uri: uri)
///   }
/// }
/// ```
///
/// The server is stopped by an `atexit` handler, and by a watchdog shell process when the test
/// process dies without exiting (a crash, SIGKILL).
public final class ThrowawayPostgres: Sendable {
  /// The server of this test process, started on first use; nil when it cannot be (no server
  /// binaries on this machine, or they failed: the reason is printed to stderr once).
  public static let shared: ThrowawayPostgres? = start()

  /// The temporary directory: the server's socket, `data/` and `log`.
  public let directory: String

  private let binaries: String
  private let runAs: String
  private let databases = Atomic<Int>(0)

  private init(directory: String, binaries: String, runAs: String) {
    self.directory = directory
    self.binaries = binaries
    self.runAs = runAs
  }

  /// Creates an empty database and returns its URI (`postgresql:///pf_3_x7k2?host=DIR&user=postgres`).
  public func newDatabase() throws -> String {
    let name = "pf_\(databases.add(1, ordering: .relaxed).newValue)_\(UInt32.random(in: 0...UInt32.max))"
    let admin = try PostgresConnection(uri: uri(database: "postgres"))
    try admin.executeScript("CREATE DATABASE \(name)")
    return uri(database: name)
  }

  /// The URI of `database` on this server.
  public func uri(database: String) -> String {
    "postgresql:///\(database)?host=\(directory)&user=postgres"
  }

  private var stopCommand: String {
    "\(runAs)\(ShellCommand.quote(binaries + "/pg_ctl")) -D \(directory)/data stop -m immediate >/dev/null 2>&1; "
      + "rm -rf \(directory)"
  }

  private static func start() -> ThrowawayPostgres? {
    do {
      let server = try launch()
      ShellCommand.printToStandardError("PostgreSQL tests: server started at \(server.directory)")
      return server
    } catch {
      ShellCommand.printToStandardError("PostgreSQL tests SKIPPED: \(error.reason)")
      return nil
    }
  }

  private struct SetupFailure: Error {
    let reason: String
  }

  private static func launch() throws(SetupFailure) -> ThrowawayPostgres {
    guard let binaries = findBinaries() else {
      throw SetupFailure(reason: "no PostgreSQL server binaries (install postgresql to run them)")
    }
    // Short: the socket's path (DIR/.s.PGSQL.5432) must fit in about 100 bytes.
    var template = Array("/tmp/pfpg-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else {
      throw SetupFailure(reason: "cannot create a temporary directory in /tmp")
    }
    let directory = String(cString: made)
    var runAs = ""
    if getuid() == 0 {
      // initdb refuses to run as root: the server runs as the postgres account.
      guard let account = getpwnam("postgres") else {
        ShellCommand.run("rm -rf \(directory)")
        throw SetupFailure(reason: "running as root and there is no 'postgres' account to run the server as")
      }
      chown(directory, account.pointee.pw_uid, account.pointee.pw_gid)
      runAs = "runuser -u postgres -- "
    }
    let server = ThrowawayPostgres(directory: directory, binaries: binaries, runAs: runAs)
    let tool = { (name: String) in runAs + ShellCommand.quote(binaries + "/" + name) }
    let initdb =
      "\(tool("initdb")) -D \(directory)/data -A trust -U postgres -E UTF8 --locale=C --no-sync "
      + ">\(directory)/setup.log 2>&1"
    let options = "-k \(directory) -c listen_addresses='' -c fsync=off -c max_connections=200"
    let start = "\(tool("pg_ctl")) -D \(directory)/data -l \(directory)/log -w start -o \"\(options)\" >/dev/null 2>&1"
    guard ShellCommand.run(initdb) == 0 else {
      let log = ShellCommand.output("cat \(directory)/setup.log") ?? ""
      ShellCommand.run("rm -rf \(directory)")
      throw SetupFailure(reason: "initdb failed: \(log)")
    }
    guard ShellCommand.run(start) == 0 else {
      let log = ShellCommand.output("cat \(directory)/log") ?? ""
      ShellCommand.run(server.stopCommand)
      throw SetupFailure(reason: "the server did not start: \(log)")
    }
    running.withLock { $0 = server.stopCommand }
    atexit { ThrowawayPostgres.stopAtExit() }
    // setsid: an interrupt sent to the test's process group must not take the watchdog with it.
    let watchdog = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(server.stopCommand)"
    ShellCommand.run("setsid /bin/sh -c \(ShellCommand.quote(watchdog)) </dev/null >/dev/null 2>&1 &")
    return server
  }

  /// How the running server is stopped, for the `atexit` handler (which cannot capture it).
  private static let running = Mutex<String?>(nil)

  private static func stopAtExit() {
    guard let command = running.withLock({ $0 }) else { return }
    ShellCommand.run(command)
  }

  /// The directory of `initdb` and `pg_ctl`: `pg_config --bindir` when it has them, else the
  /// highest version under /usr/lib/postgresql (Debian and Ubuntu install them there, off PATH).
  private static func findBinaries() -> String? {
    let hasServer = { (directory: String) in
      access(directory + "/initdb", X_OK) == 0 && access(directory + "/pg_ctl", X_OK) == 0
    }
    if let output = ShellCommand.output("pg_config --bindir 2>/dev/null") {
      let directory = output.trimmingSuffixWhitespace
      if !directory.isEmpty, hasServer(directory) { return directory }
    }
    let listing = ShellCommand.output("ls /usr/lib/postgresql 2>/dev/null") ?? ""
    let versions = listing.split(separator: "\n").compactMap { Double($0) }.sorted(by: >)
    return versions.lazy.map { version in
      let name = version == version.rounded() ? String(Int(version)) : String(version)
      return "/usr/lib/postgresql/\(name)/bin"
    }.first(where: hasServer)
  }
}

extension String {
  fileprivate var trimmingSuffixWhitespace: String {
    var text = self
    while text.last?.isWhitespace == true { text.removeLast() }
    return text
  }
}
