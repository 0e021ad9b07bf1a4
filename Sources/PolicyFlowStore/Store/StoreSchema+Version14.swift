extension StoreSchema {
  static let version14Name = "a tamper-evident chain of every policy's history, and seals over all chains"

  /// `audit_link` holds each policy's chain (see ``AuditChain``): one row per write transaction
  /// that wrote history of the policy, never changed or deleted. `audit_seal` records the digests
  /// `audit seal` printed. The history tables get indexes by policy where they lacked one, for
  /// `audit verify`.
  static let sqliteVersion14 = """
    CREATE TABLE audit_link (
      id INTEGER PRIMARY KEY,
      gid TEXT NOT NULL,
      seq INTEGER NOT NULL CHECK (seq >= 1),
      at TEXT NOT NULL,
      entries TEXT NOT NULL,
      link TEXT NOT NULL,
      UNIQUE (gid, seq)
    );
    CREATE TABLE audit_seal (
      id INTEGER PRIMARY KEY,
      digest TEXT NOT NULL UNIQUE,
      at TEXT NOT NULL,
      last_link INTEGER NOT NULL,
      chains INTEGER NOT NULL,
      root TEXT NOT NULL,
      sealed_by TEXT NOT NULL
    );
    """

  static let postgresVersion14 = #"""
    CREATE TABLE audit_link (
      id bigserial PRIMARY KEY,
      gid text COLLATE "C" NOT NULL,
      seq bigint NOT NULL CHECK (seq >= 1),
      at text COLLATE "C" NOT NULL,
      entries text COLLATE "C" NOT NULL,
      link text COLLATE "C" NOT NULL,
      UNIQUE (gid, seq)
    );
    CREATE TABLE audit_seal (
      id bigserial PRIMARY KEY,
      digest text COLLATE "C" NOT NULL UNIQUE,
      at text COLLATE "C" NOT NULL,
      last_link bigint NOT NULL,
      chains bigint NOT NULL,
      root text COLLATE "C" NOT NULL,
      sealed_by text COLLATE "C" NOT NULL
    );
    DO $grants$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_worker') THEN
        GRANT SELECT, INSERT ON audit_link TO policyflow_worker;
        GRANT USAGE ON SEQUENCE audit_link_id_seq TO policyflow_worker;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'policyflow_operator') THEN
        GRANT SELECT, INSERT ON audit_link, audit_seal TO policyflow_operator;
        GRANT USAGE ON SEQUENCE audit_link_id_seq, audit_seal_id_seq TO policyflow_operator;
      END IF;
    END
    $grants$;
    """#
}
