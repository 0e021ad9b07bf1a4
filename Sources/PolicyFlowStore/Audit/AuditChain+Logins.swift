import PolicyFlowCore

/// Who wrote a link (PostgreSQL): the server records the login of the session that appended it
/// (`audit_link.written_by`, schema 17), which workers and operators cannot set. Whoever can
/// append links can make a forged row look chained; the login tells which forgeries an operator's
/// login cannot pass off: an outcome (only workers write outcomes), and a status change or
/// cancellation that says another person made it (an operator acts under their own name).
extension AuditChain {
  /// What `audit verify` knows of the logins that wrote links.
  struct LinkWriters: Sendable {
    var logins: [String: LinkWriter] = [:]
    /// The names of PolicyFlow's users: a worker acts under its own name, never a person's.
    var users: Set<String> = []
  }

  /// What `audit verify` knows of a login.
  struct LinkWriter: Sendable {
    /// May act for anyone, as `--as` allows it to: a superuser, the tables' owner, a member of
    /// `policyflow_admin` (those may set the login of a link themselves, a store copy does), or
    /// the login of a PolicyFlow administrator.
    var isTrusted: Bool
    /// A member of `policyflow_worker`: records outcomes, under its own name for each worker.
    var isWorker: Bool

    /// What the server recorded of a link's login when it was written (``StoredLink/writtenAs``);
    /// nil for anything else.
    init?(recorded: String) {
      switch recorded {
      case "trusted": self.init(isTrusted: true, isWorker: false)
      case "worker": self.init(isTrusted: false, isWorker: true)
      case "operator": self.init(isTrusted: false, isWorker: false)
      default: return nil
      }
    }

    init(isTrusted: Bool, isWorker: Bool) {
      self.isTrusted = isTrusted
      self.isWorker = isWorker
    }
  }

  /// The server's logins and PolicyFlow's users (PostgreSQL); none on SQLite, whose links record
  /// no login. Judged as they are now: a link judged by them is one written before the server
  /// recorded what its login could do (schema 18).
  static func linkWriters(_ db: any DatabaseConnection) throws -> LinkWriters {
    guard db.dialect == .postgres else { return LinkWriters() }
    let logins = try db.query(
      """
      SELECT r.rolname,
        has_column_privilege(r.oid, 'audit_link'::regclass, 'written_by', 'INSERT')
          OR EXISTS (SELECT 1 FROM app_user u WHERE u.name = r.rolname AND u.is_admin = 1),
        EXISTS (
          SELECT 1 FROM pg_roles g WHERE g.rolname = 'policyflow_worker' AND pg_has_role(r.oid, g.oid, 'MEMBER'))
      FROM pg_roles r
      """
    ) { row in (try row.string(at: 0), LinkWriter(isTrusted: try row.bool(at: 1), isWorker: try row.bool(at: 2))) }
    return LinkWriters(
      logins: Dictionary(logins, uniquingKeysWith: { first, _ in first }),
      users: Set(try db.query("SELECT name FROM app_user") { try $0.string(at: 0) }))
  }

  /// The links of `gid`'s chain written by a login that may not have written what they list: an
  /// operator's login (neither trusted nor a worker's) that first lists an outcome (`cycle` row),
  /// or a status change or cancellation whose actor is someone else; a worker's login that first
  /// lists a cancellation (workers never cancel) or a status change a person made. A link with no
  /// login recorded, or (before schema 18) a login the server no longer has, is not checked.
  static func loginProblems(
    gid: String, code: String?, links: [StoredLink], rows: [RawRow], writers: LinkWriters
  ) -> [PolicyStore.AuditProblem] {
    guard !writers.logins.isEmpty, let cycle = tableIndex("cycle"), let cancellation = tableIndex("cancellation"),
      let pends = tableIndex("pend_history"),
      let resolvedBy = tables[pends].columns.firstIndex(of: "t.resolved_by")
    else { return [] }
    // Each resolved pend reason: who resolved it, and its hash as the resolution left it (before a
    // revert's mark), which the link that resolved it lists first.
    var resolutions: [Int64: (by: String, hash: String)] = [:]
    for row in rows where row.table == pends {
      guard case .text(let by) = row.values[resolvedBy] else { continue }
      resolutions[row.key] = (by, rowHash(tables[pends], beforeRevertMark(pends, row.values) ?? row.values))
    }
    // The actor of each status change and cancellation, which the engine never changes.
    var actors: [Int: [Int64: String]] = [:]
    for (index, table) in tables.enumerated() {
      guard let column = table.columns.firstIndex(of: "t.actor") else { continue }
      for row in rows where row.table == index {
        if case .text(let actor) = row.values[column] { actors[index, default: [:]][row.key] = actor }
      }
    }
    var listed: [Int: Set<Int64>] = [:]
    var problems: [PolicyStore.AuditProblem] = []
    func problem(_ link: StoredLink, _ entry: Entry, expected: String, found: String, _ message: String) {
      problems.append(
        PolicyStore.AuditProblem(
          gid: gid, code: code, kind: .login, table: tables[entry.table].name, key: entry.key, seq: link.seq,
          expected: expected, found: found, message: message))
    }
    for link in links.sorted(by: { $0.seq < $1.seq }) {
      for line in link.entries.utf8.split(separator: newline) {
        guard let entry = Entry(line: line), let hash = entry.hash else { continue }
        let isFirst = listed[entry.table, default: []].insert(entry.key).inserted
        // What the login could do when it wrote the link, where the server recorded it.
        let writer =
          link.writtenBy == nil
          ? nil : link.writtenAs.flatMap(LinkWriter.init(recorded:)) ?? link.writtenBy.flatMap { writers.logins[$0] }
        // The link that resolved a pend reason: written by whoever the row says resolved it.
        if entry.table == pends, let resolution = resolutions[entry.key], hash == resolution.hash {
          resolutions[entry.key] = nil
          if let login = link.writtenBy, let writer, !writer.isTrusted, writer.isWorker || login != resolution.by {
            problem(
              link, entry, expected: resolution.by, found: login,
              "pend_history row \(entry.key) says \(resolution.by) resolved it, but link \(link.seq), which records "
                + "the resolution, was written by the login \(login): a person resolves under their own name")
          }
        }
        guard isFirst, let login = link.writtenBy, let writer, !writer.isTrusted else { continue }
        let row = "\(tables[entry.table].name) row \(entry.key)"
        let actor = actors[entry.table]?[entry.key]
        if writer.isWorker {
          if entry.table == cancellation {
            problem(
              link, entry, expected: "a person's login", found: login,
              "link \(link.seq) lists \(row), a cancellation, but was written by the worker's login \(login): workers "
                + "never cancel")
          } else if let actor, writers.users.contains(actor) {
            problem(
              link, entry, expected: actor, found: login,
              "\(row) says \(actor) acted, but link \(link.seq), which first lists it, was written by the worker's "
                + "login \(login): a worker acts under its own name")
          }
        } else if entry.table == cycle {
          problem(
            link, entry, expected: "a worker's login", found: login,
            "link \(link.seq) lists \(row), an outcome, but was written by the login \(login), which is not a "
              + "worker's: only workers record outcomes")
        } else if let actor, actor != login {
          problem(
            link, entry, expected: actor, found: login,
            "\(row) says \(actor) acted, but link \(link.seq), which first lists it, was written by the login "
              + "\(login): an operator acts under their own name")
        }
      }
    }
    return problems
  }
}
