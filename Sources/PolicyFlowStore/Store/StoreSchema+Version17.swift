extension StoreSchema {
  static let version17Name = "each link records the database login that wrote it (PostgreSQL)"

  /// `audit_link.written_by`: on PostgreSQL the server fills it with the login of the session that
  /// appended the link (`session_user`), and only administrators may set it themselves (a store
  /// copy keeps the logins of the links it copies): workers and operators may insert a link's
  /// other columns only (not its id either: an id below a seal's last link is the seal's), so a
  /// link says truly whose session wrote it. `audit verify` then names a
  /// link an operator's login wrote that lists an outcome (only workers write outcomes) or a
  /// status change or cancellation it says someone else made. Links written before this version,
  /// and every link on SQLite (which has no logins), have none.
  static let sqliteVersion17 = """
    ALTER TABLE audit_link ADD COLUMN written_by TEXT;
    """

  static let postgresVersion17 = #"""
    ALTER TABLE audit_link ADD COLUMN written_by text COLLATE "C";
    ALTER TABLE audit_link ALTER COLUMN written_by SET DEFAULT session_user;
    \#(postgresVersion17Grants)
    """#

  /// The grants of schema 17's migration to PolicyFlow's roles, each applied only when its role
  /// exists: run by the migration, and again by `policyflow init` (``StoreSchema/postgresGrants``),
  /// so that roles a database administrator creates after the store was made get them too.
  static let postgresVersion17Grants = #"""
    DO $grants$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_worker') THEN
        REVOKE INSERT ON audit_link FROM policyflow_worker;
        GRANT INSERT (chain, gid, seq, at, entries, link) ON audit_link TO policyflow_worker;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        REVOKE INSERT ON audit_link FROM policyflow_operator;
        GRANT INSERT (chain, gid, seq, at, entries, link) ON audit_link TO policyflow_operator;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_admin') THEN
        GRANT INSERT ON audit_link TO policyflow_admin;
      END IF;
    END
    $grants$;
    """#
}
