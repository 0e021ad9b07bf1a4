import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// What `--db` may name: an existing file that is not a store is refused before SQLite touches
/// it, and a failing store says in one line what failed and what to do.
struct StoreFileTests {
  static func file(_ name: String, _ bytes: [UInt8]) throws -> (directory: URL, path: String) {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return (directory, url.path)
  }

  @Test func anExistingFileThatIsNotAStoreIsRefused() throws {
    let bytes = Array("policy notes, not a database\n".utf8)
    let (directory, path) = try Self.file("notes.sqlite", bytes)
    defer { try? FileManager.default.removeItem(at: directory) }
    for command in [["policies", "list"], ["init", "--admin", "tester"]] {
      let result = try PolicyFlowBinary.run(command + ["--db", path])
      #expect(result.exitCode == 1, "\(command)")
      #expect(
        result.stderr
          == "Error: '\(path)' is not a store (it is not an SQLite database); point --db at a store, or create one "
          + "at a new path with 'policyflow init --db PATH'.\n")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes), "the file is left as it was")
  }

  /// An empty file (what `mktemp` makes) is no store, and a command other than `init` leaves it
  /// as it is and says how to make one in it; `init` makes the store there (it refused, and its
  /// advice named a new path).
  @Test func initMakesTheStoreInAnEmptyFile() throws {
    let (directory, path) = try Self.file("empty.sqlite", [])
    defer { try? FileManager.default.removeItem(at: directory) }
    let listed = try PolicyFlowBinary.run(["policies", "list", "--db", path])
    #expect(listed.exitCode == 1)
    #expect(
      listed.stderr
        == "Error: '\(path)' is an empty file, not a store; point --db at a store, or make one in this file with "
        + "'policyflow init --db \(path)'.\n")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty, "the file is left as it was")

    // In place: its mode (mktemp's 0600) and a link to it are kept (review).
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    let link = directory.appendingPathComponent("link.sqlite").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
    let made = try PolicyFlowBinary.run(["init", "--db", link, "--admin", "tester"])
    #expect(made.exitCode == 0, "\(made.stderr)")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == path)
    #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    #expect(made.stdout.contains("Store \(link) is ready"), "\(made.stdout)")
    let users = try PolicyFlowBinary.run(["users", "list", "--db", path, "--as", "tester"])
    #expect(users.exitCode == 0, "\(users.stderr)")
    #expect(users.stdout.contains("tester"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["empty.sqlite", "link.sqlite"])
  }

  /// A libpq key=value connection string is not a file to make a store in: the advice was to
  /// `init` an SQLite file of that name (SRE trial).
  @Test func aKeywordConnectionStringIsRefusedWithTheURIForm() throws {
    let result = try PolicyFlowBinary.run(["policies", "list", "--db", "host=/tmp/pg dbname=policyflow user=alice"])
    #expect(result.exitCode == 1)
    #expect(
      result.stderr
        == "Error: --db takes a PostgreSQL URI, not a key=value connection string; write it as "
        + "postgresql://USER@HOST:5432/DATABASE (a socket folder as postgresql://USER@/DATABASE?host=/run/postgresql).\n"
    )
  }

  /// A directory given as --db is named as one, with the file it may have meant; SQLite's own
  /// words were "unable to open database file".
  @Test(arguments: [["policies", "list"], ["init", "--admin", "tester"]])
  func aDirectoryIsNotAStore(_ command: [String]) throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try PolicyFlowBinary.run(command + ["--db", directory.path])
    #expect(result.exitCode == 1)
    #expect(
      result.stderr
        == "Error: '\(directory.path)' is a directory, not a store; --db names the store's file (such as "
        + "'\(directory.path)/policyflow.sqlite').\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  /// A store is made in a hidden file and linked into place; an init killed meanwhile leaves
  /// that file, which the next init of the same path removes once its process is gone (a file
  /// of a process still running may be a store being made, and stays).
  /// A store in a folder that is not there is refused by naming the folder, and none is made.
  @Test func initInAFolderThatDoesNotExistNamesTheFolder() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let folder = directory.appendingPathComponent("not-yet").path
    let result = try PolicyFlowBinary.run(["init", "--db", folder + "/store.sqlite", "--admin", "tester"])
    #expect(result.exitCode == 1)
    #expect(
      result.stderr.contains("The folder \(folder) does not exist, so no store can be made at \(folder)/store.sqlite"),
      "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder))
  }

  /// A store shared with operators through its group (the systemd unit's UMask=0007) is theirs
  /// to write: SQLite made it 0644 whatever the umask, so operators could not import, and the
  /// -wal and -shm files an operator's read left (with the store's mode) locked the workers out.
  @Test(arguments: [("0007", 0o660), ("0022", 0o644)])
  func aNewStoreIsAsWritableAsTheUmaskAllows(_ mask: String, _ mode: Int) throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = directory.appendingPathComponent("store.sqlite").path
    let result = try PolicyFlowBinary.run(
      ["-c", "umask \(mask) && exec \"$0\" init --db \"$1\" --admin tester", PolicyFlowBinary.executable.path, store],
      program: URL(fileURLWithPath: "/bin/sh"))
    #expect(result.exitCode == 0, "\(result.stderr)")
    let attributes = try FileManager.default.attributesOfItem(atPath: store)
    #expect((attributes[.posixPermissions] as? Int) == mode)
  }

  /// A store its user may only read (a shared store whose group lacks write access) names the
  /// file and its folder, and says that reading commands need to write too: the message named
  /// neither. Run as `nobody` when the tests run as root, whom permissions do not stop.
  @Test func aReadOnlyStoreNamesItsFileAndFolder() throws {
    // Under /tmp, which every user may enter: `nobody` is refused by the store's permissions, not
    // by a private temporary folder's.
    let directory = URL(fileURLWithPath: "/tmp/policyflow-readonly-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    defer {
      try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
      try? FileManager.default.removeItem(at: directory)
    }
    let store = directory.appendingPathComponent("store.sqlite").path
    let made = try PolicyFlowBinary.run(["init", "--admin", "tester", "--db", store])
    #expect(made.exitCode == 0, "\(made.stderr)")
    for (path, mode) in [(store, 0o444), (directory.path, 0o555)] {
      try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }
    let arguments = ["policies", "list", "--db", store, "--as", "tester"]
    let result =
      getuid() == 0
      ? try PolicyFlowBinary.run(
        ["-c", "exec runuser -u nobody -- \"$@\"", "sh", PolicyFlowBinary.executable.path] + arguments,
        program: URL(fileURLWithPath: "/bin/sh"))
      : try PolicyFlowBinary.run(arguments)
    #expect(result.exitCode == 1, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "The store file \(store), or its folder \(directory.path), is read-only for you; every command, reading ones "
          + "too, needs to write both"), "\(result.stderr)")
  }

  @Test func anEmptyStoreLocationIsAUsageError() throws {
    let result = try PolicyFlowBinary.run(["policies", "list", "--db", ""])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: The store's location is empty; give --db the store's file"))
  }

  @Test func anAbandonedPartialStoreIsRemovedByTheNextInit() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let abandoned = ".store.sqlite.creating-2147483646-1"
    let running = ".store.sqlite.creating-\(getpid())-2"
    for name in [abandoned, abandoned + "-wal", running] {
      try Data("partial".utf8).write(to: directory.appendingPathComponent(name))
    }
    let made = try PolicyFlowBinary.run(["init", "--admin", "tester", "--db", directory.path + "/store.sqlite"])
    #expect(made.exitCode == 0, "\(made.stderr)")
    let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
    #expect(left == [running])
  }

  @Test func aDatabaseOfSomethingElseIsRefused() throws {
    let directory = try PolicyFlowBinary.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("crm.sqlite").path
    try SQLiteConnection(path: path).executeScript("CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT)")
    let result = try PolicyFlowBinary.run(["init", "--admin", "tester", "--db", path])
    #expect(result.exitCode == 1)
    #expect(result.stderr.hasPrefix("Error: '\(path)' is an SQLite database but not a store"))
    #expect(
      try SQLiteConnection(path: path).query("SELECT name FROM sqlite_master") { try $0.string(at: 0) } == ["customer"])
  }

  @Test func aDamagedStoreFailsInOneLineAndShowsTheSQLOnlyWhenVerbose() throws {
    let store = try StoreFixture()
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: store.db))
    try handle.seek(toOffset: 3 * 4096)
    try handle.write(contentsOf: Data(repeating: 0xFF, count: 20 * 4096))
    try handle.close()
    let quiet = try store.run(["policies", "list", "--as", "tester"])
    #expect(quiet.exitCode == 1)
    #expect(quiet.stderr.hasPrefix("Error: "))
    #expect(quiet.stderr.contains("(SQLite error 11). The store file is damaged; restore it from a backup."))
    #expect(quiet.stderr.split(separator: "\n").count == 1)
    let verbose = try store.run(["--verbose", "policies", "list", "--as", "tester"])
    let lines = verbose.stderr.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.first.map(String.init) == quiet.stderr.trimmingCharacters(in: .newlines))
    #expect(lines.last?.hasPrefix("  SQL: ") == true)
  }
}

/// A PostgreSQL database that holds no store is refused by every command but `init`, as a
/// missing SQLite file is: any command made the store there, with no administrator.
struct EmptyPostgresDatabaseTests {
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func aCommandOtherThanInitMakesNoStoreInAnEmptyDatabase() throws {
    let server = try #require(ThrowawayPostgres.shared)
    let uri = try server.newDatabase()
    for command in [["policies", "list"], ["worker", "--drain"]] {
      let result = try PolicyFlowBinary.run(command + ["--db", uri])
      #expect(result.exitCode == 1, "\(command)")
      #expect(
        result.stderr.hasPrefix("Error: There is no store in the database at "), "\(command): \(result.stderr)")
      #expect(result.stderr.contains("create one with 'policyflow init --db "), "\(result.stderr)")
    }
    let tables = try TestStore.connect(uri).queryOne(
      "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", row: { try $0.int(at: 0) })
    #expect(tables == 0)
    let made = try PolicyFlowBinary.run(["init", "--db", uri, "--admin", "tester"])
    #expect(made.exitCode == 0, "\(made.stderr)")
    let listed = try PolicyFlowBinary.run(["policies", "list", "--db", uri, "--as", "tester"])
    #expect(listed.exitCode == 0, "\(listed.stderr)")
  }
}
