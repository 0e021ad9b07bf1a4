extension StoreSchema {
  static let version18Name = "each link records what its login could do when it wrote it (PostgreSQL)"

  /// `audit_link.written_as`: on PostgreSQL the server fills it, as it fills ``version17Name``'s
  /// `written_by`, with what the login that appended the link could do at that moment:
  /// `trusted` (may act for anyone: a superuser, the tables' owner, `policyflow_admin`, or the
  /// login of a PolicyFlow administrator), `worker` (a member of `policyflow_worker`) or
  /// `operator`. `audit verify` judges a link by it, so taking a person's administrator right
  /// away later does not make the acts they took for others (`--as`) look forged. Workers and
  /// operators may not set it (their grants name the other columns); links written before this
  /// version, and every link on SQLite, have none and are judged by the logins as they are now.
  static let sqliteVersion18 = """
    ALTER TABLE audit_link ADD COLUMN written_as TEXT;
    """

  /// `policyflow_link_writer()` runs as its owner (it reads `app_user`, which grants keep from a
  /// worker's login) and asks about `session_user`, the login; it resolves names in the store's
  /// schema only. It runs once per link inserted: about 5 µs of the server's time on the EPYC of
  /// BENCHMARKS.md (a worker's login, 20,000 rows in one statement), against a PostgreSQL worker's
  /// 200 µs or so a policy. `to_regrole` is NULL where the role was never made (no worker then).
  static let postgresVersion18 = #"""
    ALTER TABLE audit_link ADD COLUMN written_as text COLLATE "C";
    DO $function$
    BEGIN
      -- One of that name that the tables' owner does not own was planted (in a schema everyone may
      -- write to, PostgreSQL 14 and older): replacing it would leave it its planter's.
      IF EXISTS (
        SELECT 1 FROM pg_catalog.pg_proc f
        WHERE f.proname = 'policyflow_link_writer' AND f.pronamespace = current_schema()::regnamespace
          AND f.proowner <> (SELECT relowner FROM pg_catalog.pg_class WHERE oid = 'audit_link'::regclass))
      THEN
        RAISE EXCEPTION 'a function policyflow_link_writer() that the store''s owner does not own is in schema %: '
          'it was not made by PolicyFlow; drop it, then open the store again', current_schema();
      END IF;
      EXECUTE format($create$
        CREATE OR REPLACE FUNCTION policyflow_link_writer() RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $writer$
          SELECT CASE
            WHEN has_column_privilege(session_user, 'audit_link'::regclass, 'written_by', 'INSERT')
              OR EXISTS (SELECT 1 FROM app_user u WHERE u.name = session_user AND u.is_admin = 1)
              THEN 'trusted'
            WHEN pg_has_role(session_user, to_regrole('policyflow_worker'), 'MEMBER') THEN 'worker'
            ELSE 'operator'
          END
        $writer$
      $create$, current_schema());
    END
    $function$;
    REVOKE ALL ON FUNCTION policyflow_link_writer() FROM PUBLIC;
    ALTER TABLE audit_link ALTER COLUMN written_as SET DEFAULT policyflow_link_writer();
    \#(postgresVersion18Grants)
    """#

  /// The grants of schema 18's migration to PolicyFlow's roles, each applied only when its role
  /// exists: run by the migration, and again by `policyflow init` (``StoreSchema/postgresGrants``),
  /// so that roles a database administrator creates after the store was made get them too. The
  /// default runs with the inserting login's rights, which must include running the function.
  /// Operators lose the UPDATE and DELETE on `catalog_snapshot` schema 10 gave them: the engine
  /// only adds snapshots, and a changed one would be the rules and limits every decision cites.
  static let postgresVersion18Grants = #"""
    DO $execute$
    DECLARE
      role text;
    BEGIN
      FOREACH role IN ARRAY ARRAY['policyflow_worker', 'policyflow_operator', 'policyflow_admin'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role) THEN
          EXECUTE format('GRANT EXECUTE ON FUNCTION policyflow_link_writer() TO %I', role);
        END IF;
      END LOOP;
      -- The engine never changes nor removes a catalog snapshot: operators only add them.
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        REVOKE UPDATE, DELETE ON catalog_snapshot FROM policyflow_operator;
      END IF;
    END
    $execute$;
    """#
}
