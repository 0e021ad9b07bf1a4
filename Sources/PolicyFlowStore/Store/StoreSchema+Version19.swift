extension StoreSchema {
  static let version19Name = "the chains of a policy kept from those who may not see it (PostgreSQL only)"

  /// On SQLite, nothing: a file has no logins.
  static let sqliteVersion19 = ""

  /// Row-level security on `audit_link`, as on every other history table: an operator's login
  /// reads, and appends, only links of the chain of a policy whose current version it may see (what
  /// acting on the policy takes), and only links kept under that policy's chain (its first row).
  /// Before, an operator could read every chain (whose policies, when, by whom) and append a
  /// correctly hashed link to another group's policy listing its document with another hash: the
  /// engine then refused every change of that policy as tampered with, and only the store's owner
  /// could remove the link.
  ///
  /// Workers and administrators see every chain (a worker appends to any; `audit verify` must see
  /// links on no policy's chain): the test of a worker's login comes first, so a worker's commit
  /// does not call the function for each link it writes. `policyflow_may_see_chain` runs as its
  /// owner, who is not subject to the policy table's row-level security, and asks
  /// `policyflow_may_see` of the current version itself.
  ///
  /// `policyflow_chain_heads` gives a person's transaction the last link of each chain it appends
  /// to, whatever row-level security hides: a link it may not see (written by a worker's or the
  /// owner's login under a chain it does not belong to) would otherwise put its lookup out of step
  /// with the chain's numbers, and every append would clash with it. Only chains the login may see
  /// are answered.
  static let postgresVersion19 = #"""
    DO $function$
    BEGIN
      -- One the tables' owner does not own was planted (as schema 18 checks for its functions).
      IF EXISTS (
        SELECT 1 FROM pg_catalog.pg_proc f
        WHERE f.proname IN ('policyflow_may_see_chain', 'policyflow_chain_heads')
          AND f.pronamespace = current_schema()::regnamespace
          AND f.proowner <> (SELECT relowner FROM pg_catalog.pg_class WHERE oid = 'audit_link'::regclass)
      ) THEN
        RAISE EXCEPTION 'a function policyflow_may_see_chain() or policyflow_chain_heads() that the store''s owner '
          'does not own is in schema %: it was not made by PolicyFlow; drop it, then open the store again',
          current_schema();
      END IF;
      EXECUTE format($create$
        CREATE OR REPLACE FUNCTION policyflow_may_see_chain(link_chain bigint, link_gid text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
          SELECT EXISTS (SELECT 1 FROM app_user u WHERE u.name = session_user AND u.is_admin = 1)
            OR EXISTS (
              SELECT 1 FROM policy c
              WHERE c.id = link_chain AND c.gid = link_gid
                AND NOT EXISTS (SELECT 1 FROM policy e WHERE e.gid = link_gid AND e.id < c.id)
                AND EXISTS (
                  SELECT 1 FROM policy p
                  WHERE p.gid = link_gid AND p.is_current = 1 AND policyflow_may_see(p.access_group)))
        $body$
      $create$, current_schema());
      EXECUTE format($create$
        CREATE OR REPLACE FUNCTION policyflow_chain_heads(chains jsonb)
        RETURNS TABLE (head_chain bigint, head_seq bigint, head_link text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
          SELECT a.chain, a.seq, a.link FROM audit_link a
          WHERE a.chain IN (SELECT CAST(value AS bigint) FROM jsonb_array_elements_text(chains))
            AND a.seq = (SELECT max(m.seq) FROM audit_link m WHERE m.chain = a.chain)
            AND (
              coalesce(pg_has_role(session_user, to_regrole('policyflow_worker'), 'MEMBER'), false)
              OR policyflow_may_see_chain(a.chain, (SELECT c.gid FROM policy c WHERE c.id = a.chain)))
        $body$
      $create$, current_schema());
    END
    $function$;
    REVOKE ALL ON FUNCTION policyflow_may_see_chain(bigint, text) FROM PUBLIC;
    REVOKE ALL ON FUNCTION policyflow_chain_heads(jsonb) FROM PUBLIC;
    ALTER TABLE audit_link ENABLE ROW LEVEL SECURITY;
    DROP POLICY IF EXISTS audit_link_by_access_group ON audit_link;
    CREATE POLICY audit_link_by_access_group ON audit_link USING (
      coalesce(pg_has_role(session_user, to_regrole('policyflow_worker'), 'MEMBER'), false)
      OR policyflow_may_see_chain(chain, gid));
    \#(postgresVersion19Grants)
    """#

  /// The grants of schema 19's migration, each applied only when its role exists: run by the
  /// migration, and again by `policyflow init` (``StoreSchema/postgresGrants``). A row-level
  /// security policy runs with the rights of the login it filters for.
  static let postgresVersion19Grants = executeGranted(
    on: ["policyflow_may_see_chain(bigint, text)", "policyflow_chain_heads(jsonb)"])

  /// SQL that grants EXECUTE on `functions` (with their argument types) to each of PolicyFlow's
  /// roles that exists. Schemas 18 and before wrote the same loop out (they have shipped).
  static func executeGranted(on functions: [String]) -> String {
    let grants = functions.map { "EXECUTE format('GRANT EXECUTE ON FUNCTION \($0) TO %I', role);" }
    return """
      DO $execute$
      DECLARE
        role text;
      BEGIN
        FOREACH role IN ARRAY ARRAY['policyflow_worker', 'policyflow_operator', 'policyflow_admin'] LOOP
          IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role) THEN
            \(grants.joined(separator: "\n      "))
          END IF;
        END LOOP;
      END
      $execute$;
      """
  }
}
