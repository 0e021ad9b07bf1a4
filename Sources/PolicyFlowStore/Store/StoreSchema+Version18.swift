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
    DECLARE
      planted text;
    BEGIN
      -- A function of one of these names that the tables' owner does not own was planted (in a
      -- schema everyone may write to, PostgreSQL 14 and older): CREATE OR REPLACE would leave it its
      -- planter's. Schema 15 made policyflow_lock_chains with CREATE OR REPLACE too.
      SELECT f.proname INTO planted FROM pg_catalog.pg_proc f
      WHERE f.proname IN ('policyflow_link_writer', 'policyflow_lock_chains', 'policyflow_version_groups')
        AND f.pronamespace = current_schema()::regnamespace
        AND f.proowner <> (SELECT relowner FROM pg_catalog.pg_class WHERE oid = 'audit_link'::regclass)
      LIMIT 1;
      IF planted IS NOT NULL THEN
        RAISE EXCEPTION 'a function %() that the store''s owner does not own is in schema %: it was not made by '
          'PolicyFlow; drop it, then open the store again', planted, current_schema();
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

    -- A worker's login that holds policyflow_worker through another role is a worker too (schema
    -- 10 asked for a direct grant, and such a worker silently passed over every grouped policy).
    -- And the groups every version of a policy has been in, past the row-level security that hides
    -- the versions in groups the login does not hold: a person acts on a policy only when they hold
    -- them all (a cancellation that could not see the version in force reversed nothing).
    DO $functions$
    BEGIN
      EXECUTE format($may_see$
        CREATE OR REPLACE FUNCTION policyflow_may_see(access_group text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
          SELECT access_group IS NULL
            OR pg_has_role(session_user, to_regrole('policyflow_worker'), 'MEMBER')
            OR EXISTS (
              SELECT 1 FROM app_user u
              WHERE u.name = session_user
                AND (u.is_admin = 1 OR jsonb_exists(CAST(u.groups AS jsonb), access_group)))
        $body$
      $may_see$, current_schema());
      EXECUTE format($groups$
        CREATE OR REPLACE FUNCTION policyflow_version_groups(policy_gid text) RETURNS SETOF text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
          SELECT DISTINCT access_group FROM policy WHERE gid = policy_gid AND access_group IS NOT NULL
        $body$
      $groups$, current_schema());
    END
    $functions$;
    REVOKE ALL ON FUNCTION policyflow_version_groups(text) FROM PUBLIC;
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
          EXECUTE format('GRANT EXECUTE ON FUNCTION policyflow_version_groups(text) TO %I', role);
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
