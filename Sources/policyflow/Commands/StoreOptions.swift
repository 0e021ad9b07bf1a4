import PolicyFlowStore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Options of the commands that use the store.
enum StoreOptions {
  static let db = Option.value(
    "--db", "path|uri", "The store: an SQLite file, or a PostgreSQL database (postgresql://…).",
    default: "$POLICYFLOW_DB, else ./policyflow.sqlite")
  static let actor = Option.value(
    "--as", "user", "Who is acting, for history rows and rights.", default: "$POLICYFLOW_USER, else your login name")

  static func path(_ invocation: Invocation) -> String {
    invocation.value("--db") ?? Terminal.environment("POLICYFLOW_DB") ?? "policyflow.sqlite"
  }

  /// On a PostgreSQL store, the database login connected, who acts unless --as says otherwise.
  static let connectedLogin = Mutex<String?>(nil)

  static func actor(_ invocation: Invocation) -> String {
    if let name = invocation.value("--as") ?? Terminal.environment("POLICYFLOW_USER"), !name.isEmpty { return name }
    if let login = connectedLogin.withLock({ $0 }) { return login }
    if let login = getlogin() { return String(cString: login) }
    if let user = Terminal.environment("USER"), !user.isEmpty { return user }
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid\(geteuid())"
  }

  /// The acting user's name for a command that lists policies. A name the store does not know
  /// (the login name, when neither --as nor POLICYFLOW_USER is set) sees only policies outside
  /// data access groups: said on stderr when the store has any in a group, since a list that
  /// silently leaves policies out reads as complete.
  ///
  /// On PostgreSQL a login acting as itself cannot tell (row-level security hides the policies
  /// in groups from it), so a login that is no user is always told, and told how to become one:
  /// it cannot act as someone else.
  static func reader(_ invocation: Invocation, of store: PolicyStore) throws -> String {
    let name = actor(invocation)
    guard try store.user(name) == nil else { return name }
    if store.dialect == .postgres, store.databaseLogin == name, !store.isOwnersLogin {
      Terminal.error(
        "Note: '\(name)' is not a user of this store, so only policies outside data access groups are shown; "
          + "an administrator adds you with 'policyflow users add \(name) --groups …'.")
    } else if try store.hasPoliciesInAccessGroups() {
      Terminal.error(
        "Note: '\(name)' is not a user of this store, so only policies outside data access groups are shown; "
          + "act as a user with --as NAME or POLICYFLOW_USER ('policyflow users list' names them).")
    }
    return name
  }

  /// Opens the store; failures (a newer schema, an unreadable file) become `Error: …`, exit 1.
  /// Opens the store; only `init` creates one (`create`), so a mistyped --db is an error, not a
  /// new empty store.
  ///
  /// A person's command waits for the store's write lock as long as ``lockWait()`` says, and
  /// says on stderr that it is waiting; a worker (`forPerson: false`) keeps the short busy
  /// timeout, since it retries on its own and logs in its own form.
  static func open(_ invocation: Invocation, create: Bool = false, forPerson: Bool = true) throws -> PolicyStore {
    try open(location: path(invocation), create: create, forPerson: forPerson)
  }

  /// Opens the store at `path` (a file or a PostgreSQL URI), as ``open(_:create:forPerson:)`` does.
  static func open(location path: String, create: Bool, forPerson: Bool = true) throws -> PolicyStore {
    guard !path.isEmpty else {
      throw CommandFailure(
        message: "The store's location is empty; give --db the store's file (such as policyflow.sqlite) or a "
          + "PostgreSQL URI (postgresql://…).",
        exitCode: Runner.usageExitCode)
    }
    if let refusal = refusal(path, creating: create) { throw CommandFailure(message: refusal) }
    // PostgreSQL writers wait only for the rows they share: the setting is SQLite's alone.
    let lockWait = try forPerson && !PostgresURI.isPostgres(path) ? self.lockWait() : nil
    do {
      // Set before the store is opened, so that an upgrade the opening runs waits too.
      let wait = lockWait.map { limit in
        PolicyStore.LockWait(limit: .seconds(limit), noticeAfter: .seconds(2)) {
          Terminal.error(
            "Waiting for the store: another process holds its write lock (a large import holds it until it ends); "
              + "waiting up to \(limit) s (POLICYFLOW_LOCK_WAIT); Ctrl-C stops without changing anything.")
        }
      }
      let store = try PolicyStore(path: path, create: create, lockWait: wait, upgradeProgress: { Terminal.error($0) })
      if let login = store.databaseLogin { connectedLogin.withLock { $0 = login } }
      return store
    } catch let error as StoreError {
      throw CommandFailure(message: error.message)
    } catch let error as SQLiteError where [8, 14].contains(error.primaryCode) {
      throw CommandFailure(message: DatabaseFailureMessage.opening(error, path: path))
    } catch let error as any DatabaseFailure {
      throw error
    } catch {
      throw CommandFailure(message: "Cannot open the store at \(PostgresURI.redacted(path)): \(error)")
    }
  }

  /// How many seconds a person's command waits for an SQLite store's write lock:
  /// `POLICYFLOW_LOCK_WAIT`, else two minutes.
  static func lockWait() throws -> Int {
    guard let text = Terminal.environment("POLICYFLOW_LOCK_WAIT"), !text.isEmpty else { return 120 }
    guard let seconds = Int(text), (1...86_400).contains(seconds) else {
      throw CommandFailure(
        message: "POLICYFLOW_LOCK_WAIT is '\(text)'; give a whole number of seconds from 1 to 86400 (default 120).",
        exitCode: Runner.usageExitCode)
    }
    return seconds
  }

  /// Why an existing file at `path` is not a store, checked before SQLite opens it: opening
  /// would make an empty file, or a database of something else, into a store without a word.
  /// An empty file is never a store being made by another process (a new store appears whole,
  /// see `PolicyStore.createWhole`), so it is refused at once, except by `init` (`creating`),
  /// which makes the store in it: `mktemp` makes such a file.
  static func refusal(_ path: String, creating: Bool = false) -> String? {
    if PostgresURI.isPostgres(path) { return nil }
    if PostgresURI.isKeywordConnectionString(path) {
      // Not quoted: it may hold a password.
      return "--db takes a PostgreSQL URI, not a key=value connection string; write it as "
        + "postgresql://USER@HOST:5432/DATABASE (a socket folder as postgresql://USER@/DATABASE?host=/run/postgresql)."
    }
    let remedy = "point --db at a store, or create one at a new path with 'policyflow init --db PATH'."
    var status = stat()
    if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
      let inside = path.hasSuffix("/") ? path + "policyflow.sqlite" : path + "/policyflow.sqlite"
      return "'\(path)' is a directory, not a store; --db names the store's file (such as '\(inside)')."
    }
    switch SQLiteFile.inspect(path) {
    case .empty? where !creating:
      return "'\(path)' is an empty file, not a store; point --db at a store, or make one in this file with "
        + "'policyflow init --db \(path)'."
    case .notSQLite?: return "'\(path)' is not a store (it is not an SQLite database); \(remedy)"
    case .database(let tables)? where !tables.isEmpty && !tables.contains("schema_migrations"):
      return "'\(path)' is an SQLite database but not a store (it has none of the store's tables); \(remedy)"
    default: return nil
    }
  }
}
