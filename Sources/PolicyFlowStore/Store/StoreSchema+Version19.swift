extension StoreSchema {
  static let version19Name = "the chains of a policy kept from those who may not see it (PostgreSQL only)"

  /// On SQLite, nothing: a file has no logins.
  static let sqliteVersion19 = ""

  /// Row-level security on `audit_link`, as on every other history table: an operator's login
  /// reads, and appends to, only the chains of policies it may see (a version of the gid in one of
  /// its groups, or in none). Before, an operator could read every chain (whose policies, when,
  /// by whom) and append a correctly hashed link to a chain of another group's policy, listing its
  /// document with another hash: the engine then refused every change of that policy as tampered
  /// with, and only the store's owner could remove the link.
  ///
  /// Workers and administrators see every chain (a worker appends to any; `audit verify` must see
  /// links on no policy's chain): the test of a worker's login comes first, so a worker's commit
  /// does not call the function for each link it writes. `policyflow_may_see_chain` runs as its
  /// owner, who is not subject to the policy table's row-level security, and asks
  /// `policyflow_may_see` of each version itself.
  static let postgresVersion19 = #"""
    DO $function$
    BEGIN
      -- One the tables' owner does not own was planted (as schema 18 checks for its functions).
      IF EXISTS (
        SELECT 1 FROM pg_catalog.pg_proc f
        WHERE f.proname = 'policyflow_may_see_chain' AND f.pronamespace = current_schema()::regnamespace
          AND f.proowner <> (SELECT relowner FROM pg_catalog.pg_class WHERE oid = 'audit_link'::regclass)
      ) THEN
        RAISE EXCEPTION 'a function policyflow_may_see_chain() that the store''s owner does not own is in schema %: '
          'it was not made by PolicyFlow; drop it, then open the store again', current_schema();
      END IF;
      EXECUTE format($create$
        CREATE OR REPLACE FUNCTION policyflow_may_see_chain(chain_gid text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
          SELECT EXISTS (SELECT 1 FROM app_user u WHERE u.name = session_user AND u.is_admin = 1)
            OR EXISTS (SELECT 1 FROM policy p WHERE p.gid = chain_gid AND policyflow_may_see(p.access_group))
        $body$
      $create$, current_schema());
    END
    $function$;
    REVOKE ALL ON FUNCTION policyflow_may_see_chain(text) FROM PUBLIC;
    ALTER TABLE audit_link ENABLE ROW LEVEL SECURITY;
    DROP POLICY IF EXISTS audit_link_by_access_group ON audit_link;
    CREATE POLICY audit_link_by_access_group ON audit_link USING (
      coalesce(pg_has_role(session_user, to_regrole('policyflow_worker'), 'MEMBER'), false)
      OR policyflow_may_see_chain(gid));
    \#(postgresVersion19Grants)
    """#

  /// The grants of schema 19's migration, each applied only when its role exists: run by the
  /// migration, and again by `policyflow init` (``StoreSchema/postgresGrants``). A row-level
  /// security policy runs with the rights of the login it filters for.
  static let postgresVersion19Grants = #"""
    DO $execute$
    DECLARE
      role text;
    BEGIN
      FOREACH role IN ARRAY ARRAY['policyflow_worker', 'policyflow_operator', 'policyflow_admin'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role) THEN
          EXECUTE format('GRANT EXECUTE ON FUNCTION policyflow_may_see_chain(text) TO %I', role);
        END IF;
      END LOOP;
    END
    $execute$;
    """#
}
