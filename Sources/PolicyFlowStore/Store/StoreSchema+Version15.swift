extension StoreSchema {
  static let version15Name = "each link found by its policy's first row, not by gid"

  /// A link was found by `UNIQUE (gid, seq)`. Gids are random, so every link a commit appended went
  /// into a different page of that index: a batch of a thousand policies wrote a thousand pages
  /// more, which cost the worker about a third of its throughput. `chain` is the id of the
  /// policy's first row (version 1, which nothing removes), and rows are numbered as policies
  /// arrive, so the links of a batch go into a few neighbouring pages of `audit_link_chain`.
  /// `chain` is the last column on both engines (PostgreSQL adds it there), so a store copied
  /// between them reads back alike. A link whose `chain` is not a policy's first row is on no
  /// chain; `audit verify` names it. `chain` is required, so a PolicyFlow from before this version
  /// still running against the store fails to append a link, loudly, rather than start a chain no
  /// one reads; a link of a policy that no longer exists is kept under 0, no row's id.
  static let sqliteVersion15 = """
    CREATE TABLE audit_link_by_chain (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL,
      seq INTEGER NOT NULL CHECK (seq >= 1),
      at TEXT NOT NULL,
      entries TEXT NOT NULL,
      link TEXT NOT NULL,
      chain INTEGER NOT NULL
    );
    INSERT INTO audit_link_by_chain (id, gid, seq, at, entries, link, chain)
      SELECT a.id, a.gid, a.seq, a.at, a.entries, a.link, coalesce(f.chain, 0) FROM audit_link a
      LEFT JOIN (SELECT gid, min(id) AS chain FROM policy GROUP BY gid) f ON f.gid = a.gid;
    DROP TABLE audit_link;
    ALTER TABLE audit_link_by_chain RENAME TO audit_link;
    CREATE UNIQUE INDEX audit_link_chain ON audit_link (chain, seq);
    """

  /// On PostgreSQL, `policyflow_lock_chains` finds and locks the rows the chains of some gids are
  /// kept under (``AuditChain/heads(_:gids:)``). It runs as its owner: row-level security may hide
  /// a policy's first version from the person whose change is chained, and a chain's key must not
  /// depend on who looks. It resolves names in the store's schema only.
  static let postgresVersion15 = #"""
    ALTER TABLE audit_link DROP CONSTRAINT audit_link_gid_seq_key;
    ALTER TABLE audit_link ADD COLUMN chain bigint;
    UPDATE audit_link a SET chain = coalesce(
      (SELECT min(id) FROM policy p WHERE p.gid = a.gid), 0);
    ALTER TABLE audit_link ALTER COLUMN chain SET NOT NULL;
    CREATE UNIQUE INDEX audit_link_chain ON audit_link (chain, seq);
    DO $function$
    BEGIN
      EXECUTE format($create$
        CREATE OR REPLACE FUNCTION policyflow_lock_chains(gids jsonb)
        RETURNS TABLE (chain_gid text, chain_id bigint)
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = %I, pg_temp AS $chains$
          SELECT p.gid, p.id FROM policy p
          WHERE p.id IN (
            SELECT min(f.id) FROM policy f WHERE f.gid IN (SELECT jsonb_array_elements_text(gids)) GROUP BY f.gid)
          ORDER BY p.id FOR NO KEY UPDATE OF p
        $chains$
      $create$, current_schema());
    END
    $function$;
    REVOKE ALL ON FUNCTION policyflow_lock_chains(jsonb) FROM PUBLIC;
    \#(postgresVersion15Grants)
    """#

  /// The grants of schema 15's migration to PolicyFlow's roles, each applied only when its role
  /// exists: run by the migration, and again by `policyflow init` (``StoreSchema/postgresGrants``),
  /// so that roles a database administrator creates after the store was made get them too.
  static let postgresVersion15Grants = #"""
    DO $execute$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        GRANT EXECUTE ON FUNCTION policyflow_lock_chains(jsonb) TO policyflow_operator;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_worker') THEN
        GRANT EXECUTE ON FUNCTION policyflow_lock_chains(jsonb) TO policyflow_worker;
      END IF;
    END
    $execute$;
    """#
}
