import PolicyFlowCore

/// Who wrote a link (PostgreSQL): the server records the login of the session that appended it
/// (`audit_link.written_by`, schema 17), which workers and operators cannot set. Whoever can
/// append links can make a forged row look chained; the login tells which forgeries an operator's
/// login cannot pass off: an outcome (only workers write outcomes), and a status change or
/// cancellation that says another person made it (an operator acts under their own name).
extension AuditChain {
  /// What `audit verify` knows of a login that wrote links.
  struct LinkWriter: Sendable {
    /// A superuser or a member of `policyflow_admin`: may write any history (a store copy, say).
    var isTrusted: Bool
    /// A member of `policyflow_worker`: writes outcomes, under its own name for each worker.
    var isWorker: Bool
  }

  /// The server's logins by name (PostgreSQL); none on SQLite, whose links record no login.
  static func linkWriters(_ db: any DatabaseConnection) throws -> [String: LinkWriter] {
    guard db.dialect == .postgres else { return [:] }
    let writers = try db.query(
      """
      SELECT r.rolname, r.rolsuper OR EXISTS (
          SELECT 1 FROM pg_roles g WHERE g.rolname = 'policyflow_admin' AND pg_has_role(r.oid, g.oid, 'MEMBER')),
        EXISTS (
          SELECT 1 FROM pg_roles g WHERE g.rolname = 'policyflow_worker' AND pg_has_role(r.oid, g.oid, 'MEMBER'))
      FROM pg_roles r
      """
    ) { row in (try row.string(at: 0), LinkWriter(isTrusted: try row.bool(at: 1), isWorker: try row.bool(at: 2))) }
    return Dictionary(writers, uniquingKeysWith: { first, _ in first })
  }

  /// The links of `gid`'s chain written by a login that may not have written what they list: an
  /// operator's login (neither a worker's nor an administrator's) that first lists an outcome
  /// (`cycle` row), or a status change or cancellation whose actor is someone else. A link with no
  /// login recorded, or a login the server no longer has, is not checked.
  static func loginProblems(
    gid: String, code: String?, links: [StoredLink], rows: [RawRow], writers: [String: LinkWriter]
  ) -> [PolicyStore.AuditProblem] {
    guard !writers.isEmpty, let cycle = tableIndex("cycle") else { return [] }
    // The actor of each status change and cancellation, which the engine never changes.
    var actors: [Int: [Int64: String]] = [:]
    for (index, table) in tables.enumerated() {
      guard let column = table.columns.firstIndex(of: "t.actor"), table.name != "pend_history" else { continue }
      for row in rows where row.table == index {
        if case .text(let actor) = row.values[column] { actors[index, default: [:]][row.key] = actor }
      }
    }
    var listed: [Int: Set<Int64>] = [:]
    var problems: [PolicyStore.AuditProblem] = []
    for link in links.sorted(by: { $0.seq < $1.seq }) {
      let writer = link.writtenBy.flatMap { writers[$0] }
      for line in link.entries.utf8.split(separator: newline) {
        guard let entry = Entry(line: line), entry.hash != nil,
          listed[entry.table, default: []].insert(entry.key).inserted
        else { continue }
        guard let login = link.writtenBy, let writer, !writer.isTrusted, !writer.isWorker else { continue }
        let row = "\(tables[entry.table].name) row \(entry.key)"
        if entry.table == cycle {
          problems.append(
            PolicyStore.AuditProblem(
              gid: gid, code: code, kind: .login, table: tables[entry.table].name, key: entry.key, seq: link.seq,
              expected: "a worker's login", found: login,
              message:
                "link \(link.seq) lists \(row), an outcome, but was written by the login \(login), which is not a "
                + "worker's: only workers record outcomes"))
        } else if let actor = actors[entry.table]?[entry.key], actor != login {
          problems.append(
            PolicyStore.AuditProblem(
              gid: gid, code: code, kind: .login, table: tables[entry.table].name, key: entry.key, seq: link.seq,
              expected: actor, found: login,
              message:
                "\(row) says \(actor) acted, but link \(link.seq), which first lists it, was written by the login "
                + "\(login): an operator acts under their own name"))
        }
      }
    }
    return problems
  }
}
