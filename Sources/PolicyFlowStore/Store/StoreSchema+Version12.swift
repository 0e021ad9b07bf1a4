extension StoreSchema {
  static let version12Name = "workers say they are alive, what they run, and when they last committed"

  /// One row per running worker, written by the worker itself at most once a second and removed
  /// when it stops cleanly: `policyflow queue` shows the live ones (seen lately), and a row left
  /// by a killed worker ages out of that view.
  static let sqliteVersion12 = """
    CREATE TABLE worker_heartbeat (
      owner TEXT PRIMARY KEY,
      catalog_hash TEXT NOT NULL,
      started_at TEXT NOT NULL,
      seen_ms INTEGER NOT NULL,
      last_commit_at TEXT,
      processed INTEGER NOT NULL DEFAULT 0
    );
    """

  static let postgresVersion12 = #"""
    CREATE TABLE worker_heartbeat (
      owner text COLLATE "C" PRIMARY KEY,
      catalog_hash text COLLATE "C" NOT NULL,
      started_at text COLLATE "C" NOT NULL,
      seen_ms bigint NOT NULL,
      last_commit_at text COLLATE "C",
      processed bigint NOT NULL DEFAULT 0
    );
    \#(postgresVersion12Grants)
    """#

  /// The grants of schema 12's migration to PolicyFlow's roles, each applied only when its role
  /// exists: run by the migration, and again by `policyflow init` (``StoreSchema/postgresGrants``),
  /// so that roles a database administrator creates after the store was made get them too.
  static let postgresVersion12Grants = #"""
    DO $grants$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_worker') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON worker_heartbeat TO policyflow_worker;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        GRANT SELECT, INSERT, UPDATE, DELETE ON worker_heartbeat TO policyflow_operator;
      END IF;
    END
    $grants$;
    """#
}
