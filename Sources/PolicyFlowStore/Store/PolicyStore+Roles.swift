extension StoreSchema {
  /// Every grant the migrations give PolicyFlow's roles on PostgreSQL, in the order they give
  /// them (later ones narrow earlier ones), each applied only when its role exists: the state of
  /// the latest schema, applied again at will.
  static let postgresGrants = [
    postgresVersion10TableGrants, postgresVersion10FunctionGrants, postgresVersion11Grants, postgresVersion12Grants,
    postgresVersion14Grants, postgresVersion15Grants, postgresVersion16Grants, postgresVersion17Grants,
    postgresVersion18Grants, postgresVersion19Grants, postgresSequencesNarrowed,
  ].joined(separator: "\n")

  /// Schemas 10 and 14 gave workers and operators the sequences of every table there was then;
  /// replayed today those grants also cover the tables made since, whose rows only an
  /// administrator inserts (the seals' heads, schema 16): taken back, as the migrations left it.
  private static let postgresSequencesNarrowed = #"""
    DO $narrowed$
    DECLARE
      heads text := pg_get_serial_sequence('audit_seal_head', 'id');
    BEGIN
      IF heads IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_worker') THEN
        EXECUTE 'REVOKE USAGE ON SEQUENCE ' || heads || ' FROM policyflow_worker';
      END IF;
      IF heads IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        EXECUTE 'REVOKE USAGE ON SEQUENCE ' || heads || ' FROM policyflow_operator';
      END IF;
    END
    $narrowed$;
    """#
}

extension PolicyStore {
  /// The roles PolicyFlow grants on PostgreSQL, granted in turn to logins.
  public static let postgresRoles = ["policyflow_worker", "policyflow_operator", "policyflow_admin"]

  /// On PostgreSQL: creates those of ``postgresRoles`` that are missing when this login may,
  /// grants each that exists what the schema gives it (again; granting twice changes nothing)
  /// when this login owns the tables and so may grant, and returns the roles that do not exist. A login without the right to create roles makes a
  /// store without them (the migration only says so in a notice); once a database administrator
  /// has created them, `policyflow init` run again gives them their rights here. Nothing on SQLite.
  public func grantRoles() throws -> [String] {
    guard db.dialect == .postgres else { return [] }
    func existingRoles() throws -> Set<String> {
      Set(
        try db.query(
          "SELECT rolname FROM pg_roles WHERE rolname IN ('policyflow_worker', 'policyflow_operator', 'policyflow_admin')"
        ) { try $0.string(at: 0) })
    }
    var existing = try existingRoles()
    if existing.count < Self.postgresRoles.count {
      // A login that may create roles now (given the right since the store was made) makes them;
      // one that may not is told so by a notice no one reads, and the caller says which are missing.
      try db.transaction(.write) { try db.executeScript(StoreSchema.postgresVersion10Roles) }
      existing = try existingRoles()
    }
    if loginOwnsStore, !existing.isEmpty {
      try db.transaction(.write) {
        // One at a time, as migrations are: two grants of one table at once fail in the server
        // ("tuple concurrently updated"), as several `init`s of one new store would.
        try db.execute("SELECT pg_advisory_xact_lock(?)", [.integer(Migrator.advisoryLock)])
        try db.executeScript(StoreSchema.postgresGrants)
      }
    }
    return Self.postgresRoles.filter { !existing.contains($0) }
  }
}

extension PolicyStore {
  /// On PostgreSQL, what the database still lacks for the user `name` to act: nil when a login of
  /// that exact name exists and holds `policyflow_operator` (and `policyflow_admin` for an
  /// administrator), else the SQL a database administrator runs (the name quoted where PostgreSQL
  /// would fold it to lower case). Nil on SQLite.
  public func missingLoginSQL(for name: String, isAdmin: Bool) throws -> String? {
    guard db.dialect == .postgres else { return nil }
    // The tables' owner acts for anyone already; a worker's login granted a person's role would
    // record that person's acts as a worker's: neither is given SQL to run.
    let special = try db.queryOne(
      """
      SELECT pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'audit_link'::regclass), 'MEMBER')
        OR coalesce(pg_has_role(r.oid, to_regrole('policyflow_worker'), 'MEMBER'), false)
      FROM pg_roles r WHERE r.rolname = ?
      """, [.text(name)]
    ) { try $0.bool(at: 0) }
    if special == true { return nil }
    let roles = ["policyflow_operator"] + (isAdmin ? ["policyflow_admin"] : [])
    let quoted = try db.queryOne("SELECT quote_ident(?)", [.text(name)]) { try $0.string(at: 0) } ?? name
    let login = try db.queryOne("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?", [.text(name)]) {
      try $0.bool(at: 0)
    }
    var missing: [String] = []
    for role in roles {
      let held =
        try login != nil
        && db.queryOne(
          "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?2) AND pg_has_role(?1, ?2, 'MEMBER')",
          [.text(name), .text(role)]
        ) { try $0.bool(at: 0) } == true
      if !held { missing.append(role) }
    }
    var sql: [String] = []
    switch login {
    case nil: sql.append("CREATE ROLE \(quoted) LOGIN;")
    case false?: sql.append("ALTER ROLE \(quoted) LOGIN;")
    case true?: break
    }
    if !missing.isEmpty { sql.append("GRANT \(missing.joined(separator: ", ")) TO \(quoted);") }
    return sql.isEmpty ? nil : sql.joined(separator: " ")
  }

  /// The SQL that takes the administrators' role from the login `name`, when it was granted it
  /// and the user `name` is no administrator any more; nil otherwise, and on SQLite. The store's
  /// right alone is taken by `users update --no-admin`: with the role the login may still change
  /// the users, and so make itself an administrator again.
  public func excessLoginSQL(for name: String) throws -> String? {
    guard db.dialect == .postgres else { return nil }
    // Granted directly, which is what REVOKE takes (a superuser is a member of every role).
    func granted(_ role: String) throws -> Bool {
      try db.queryOne(
        """
        SELECT EXISTS (
          SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
          WHERE r.rolname = ? AND u.rolname = ?)
        """, [.text(role), .text(name)]
      ) { try $0.bool(at: 0) } == true
    }
    guard try granted("policyflow_admin") else { return nil }
    let quoted = try db.queryOne("SELECT quote_ident(?)", [.text(name)]) { try $0.string(at: 0) } ?? name
    // The administrators' role holds the operators': a login granted it alone needs that one.
    return "REVOKE policyflow_admin FROM \(quoted);"
      + (try granted("policyflow_operator") ? "" : " GRANT policyflow_operator TO \(quoted);")
  }
}

extension PolicyStore {
  /// Whether the login `login` sees every policy's rows (row-level security filters none of them):
  /// the tables' owner, a superuser, a worker's login, an administrator's. Always on SQLite.
  public func seesEveryPolicy(_ login: String) throws -> Bool {
    guard db.dialect == .postgres, !loginOwnsStore else { return true }
    let unfiltered = try db.queryOne(
      """
      SELECT coalesce(pg_has_role(session_user, to_regrole('policyflow_worker'), 'MEMBER'), false)
        OR (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = session_user)
      """
    ) { try $0.bool(at: 0) }
    // A worker's login may not read the users: asked only of the others.
    return try unfiltered == true || user(login)?.isAdmin == true
  }
}

extension PolicyStore {
  /// On PostgreSQL, the login an unquoted `CREATE ROLE Bob` made for the user `Bob` (`bob`), when
  /// no login is named exactly `name` and that one exists; nil otherwise.
  public func foldedLogin(of name: String) throws -> String? {
    guard db.dialect == .postgres, name != name.lowercased() else { return nil }
    let exists = { (role: String) in
      try self.db.queryOne("SELECT 1 FROM pg_roles WHERE rolname = ?", [.text(role)], row: { _ in true }) == true
    }
    return try !exists(name) && exists(name.lowercased()) ? name.lowercased() : nil
  }
}
