import PolicyFlowStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Options of the commands that use the store.
enum StoreOptions {
  static let db = Option.value(
    "--db", "path", "The store, one SQLite file.", default: "$POLICYFLOW_DB, else ./policyflow.sqlite")
  static let actor = Option.value(
    "--as", "user", "Who is acting, for history rows and rights.", default: "$POLICYFLOW_USER, else your login name")

  static func path(_ invocation: Invocation) -> String {
    invocation.value("--db") ?? Terminal.environment("POLICYFLOW_DB") ?? "policyflow.sqlite"
  }

  static func actor(_ invocation: Invocation) -> String {
    if let name = invocation.value("--as") ?? Terminal.environment("POLICYFLOW_USER"), !name.isEmpty { return name }
    if let login = getlogin() { return String(cString: login) }
    return Terminal.environment("USER") ?? "unknown"
  }

  /// Opens the store; failures (a newer schema, an unreadable file) become `Error: …`, exit 1.
  static func open(_ invocation: Invocation, durability: PolicyStore.Durability = .full) throws -> PolicyStore {
    let path = path(invocation)
    do {
      return try PolicyStore(path: path, durability: durability)
    } catch {
      throw CommandFailure(message: "Cannot open the store at \(path): \(error)")
    }
  }
}
