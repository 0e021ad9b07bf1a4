extension StoreSchema {
  static let version20Name = "the store's owner sees every chain's head (PostgreSQL only)"

  /// On SQLite, nothing: a file has no logins.
  static let sqliteVersion20 = ""

  /// The store's owner is not subject to row-level security, but schema 19's functions asked
  /// of it what they ask of an operator: `policyflow_chain_heads` answered its transaction no
  /// head for the chain of a policy in a data access group, so a worker or a person acting
  /// through the owner's login (which the README allows) appended a chain's first link again,
  /// clashed with the one there, and every batch holding such a policy was parked as failed
  /// (SRE trial). The owner (or a login that is a member of the owning role), and a login that
  /// bypasses row-level security, now see every chain, as they see every row.
  static let postgresVersion20 = #"""
    DO $function$
    BEGIN
      EXECUTE format($create$
        CREATE OR REPLACE FUNCTION policyflow_may_see_chain(link_chain bigint, link_gid text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = %I, pg_temp AS $body$
          SELECT pg_has_role(
              session_user, (SELECT t.relowner FROM pg_catalog.pg_class t WHERE t.oid = 'audit_link'::regclass),
              'MEMBER')
            OR coalesce((SELECT r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false)
            OR EXISTS (SELECT 1 FROM app_user u WHERE u.name = session_user AND u.is_admin = 1)
            OR EXISTS (
              SELECT 1 FROM policy c
              WHERE c.id = link_chain AND c.gid = link_gid
                AND NOT EXISTS (SELECT 1 FROM policy e WHERE e.gid = link_gid AND e.id < c.id)
                AND EXISTS (
                  SELECT 1 FROM policy p
                  WHERE p.gid = link_gid AND p.is_current = 1 AND policyflow_may_see(p.access_group)))
        $body$
      $create$, current_schema());
    END
    $function$;
    """#
}
