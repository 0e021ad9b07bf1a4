/// The store's numbered migrations. Append new ones; never edit one that has shipped.
enum StoreSchema {
  /// The migrations of a store on `dialect`. PostgreSQL stores begin at version 9, the schema
  /// SQLite stores had reached when PostgreSQL came; each later version is a migration in both
  /// lists, with the same number.
  static func migrations(for dialect: SQLDialect) -> [Migration] {
    switch dialect {
    case .sqlite: sqliteMigrations
    case .postgres: postgresMigrations
    }
  }

  static let postgresMigrations: [Migration] = [
    Migration(version: 9, name: "the store's schema as of version 9", sql: PostgresSchema.version9),
    Migration(version: 10, name: version10Name, sql: postgresVersion10),
    Migration(version: 11, name: version11Name, sql: postgresVersion11),
    Migration(version: 12, name: version12Name, sql: postgresVersion12),
    Migration(version: 13, name: version13Name, sql: postgresVersion13),
    Migration(version: 14, name: version14Name, sql: postgresVersion14),
    Migration(version: 15, name: version15Name) { connection in
      try connection.executeScript(postgresVersion15)
      try AuditChain.chainExistingHistory(connection)
    },
    Migration(version: 16, name: version16Name, sql: postgresVersion16),
    Migration(version: 17, name: version17Name, sql: postgresVersion17),
    Migration(version: 18, name: version18Name, sql: postgresVersion18),
    Migration(version: 19, name: version19Name, sql: postgresVersion19),
    Migration(version: 20, name: version20Name, sql: postgresVersion20),
  ]

  static let version10Name = "roles and row-level security for data access groups (PostgreSQL only)"

  static let sqliteMigrations: [Migration] = [
    Migration(version: 1, name: "policies, history, queue, users and catalog snapshots", sql: version1),
    Migration(version: 2, name: "an index of queued activities in id order, for claims", sql: version2),
    Migration(version: 3, name: "policy documents in a table of their own", sql: version3),
    Migration(
      version: 4, name: "status checks without temporary tables, activity ids never reused, calculations by policy",
      rebuildsReferencedTables: true, sql: version4),
    Migration(version: 5, name: "messages kept once, in the outcome of their cycle", sql: version5),
    Migration(version: 6, name: "indexes for what a claim reads and writes", sql: version6),
    Migration(
      version: 7, name: "results in force per gid, cancellations as engine data, history by gid and version",
      sql: version7),
    Migration(version: 8, name: "what a claim needs to set apart work that stops its worker", sql: version8),
    Migration(version: 9, name: "claims on pended policies for operators working the queue", sql: version9),
    Migration(version: 10, name: version10Name, sql: sqliteVersion10),
    Migration(version: 11, name: version11Name, sql: sqliteVersion11),
    Migration(version: 12, name: version12Name, sql: sqliteVersion12),
    Migration(version: 13, name: version13Name, sql: sqliteVersion13),
    Migration(version: 14, name: version14Name, sql: sqliteVersion14),
    Migration(version: 15, name: version15Name) { connection in
      try connection.executeScript(sqliteVersion15)
      try AuditChain.chainExistingHistory(connection)
    },
    Migration(version: 16, name: version16Name, sql: sqliteVersion16),
    Migration(version: 17, name: version17Name, sql: sqliteVersion17),
    Migration(version: 18, name: version18Name, sql: sqliteVersion18),
    Migration(version: 19, name: version19Name, sql: sqliteVersion19),
    Migration(version: 20, name: version20Name, sql: sqliteVersion20),
  ]

  /// Times written for people (`*_at` text columns) are ISO 8601 UTC; queue times the worker
  /// compares (`*_ms`) are Unix milliseconds.
  private static let version1 = """
    CREATE TABLE catalog_snapshot (
      hash TEXT PRIMARY KEY,
      files TEXT NOT NULL,
      stored_at TEXT NOT NULL
    );

    CREATE TABLE policy (
      id INTEGER PRIMARY KEY,
      code TEXT NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      gid TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('Edit', 'In Process', 'Pended', 'Approved', 'Canceled')),
      source TEXT NOT NULL CHECK (source IN ('integration', 'manual')),
      process_flow TEXT,
      access_group TEXT,
      data TEXT NOT NULL,
      is_current INTEGER NOT NULL DEFAULT 1,
      last_changed_by TEXT,
      data_changed_at TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (code, version),
      UNIQUE (gid, version)
    );
    CREATE UNIQUE INDEX policy_current_code ON policy (code) WHERE is_current = 1;
    CREATE INDEX policy_current_status ON policy (status) WHERE is_current = 1;

    CREATE TABLE status_history (
      id INTEGER PRIMARY KEY,
      policy_id INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
      status TEXT NOT NULL,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      note TEXT
    );
    CREATE INDEX status_history_policy ON status_history (policy_id);

    CREATE TABLE cycle (
      id INTEGER PRIMARY KEY,
      policy_id INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
      -- The version processed; a reverted version's cycles move to the restored one.
      version INTEGER NOT NULL,
      catalog_hash TEXT NOT NULL REFERENCES catalog_snapshot (hash),
      at TEXT NOT NULL,
      status TEXT NOT NULL,
      flow TEXT,
      worker TEXT NOT NULL,
      outcome TEXT NOT NULL
    );
    CREATE INDEX cycle_policy ON cycle (policy_id);

    CREATE TABLE message (
      id INTEGER PRIMARY KEY,
      policy_id INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
      cycle_id INTEGER NOT NULL REFERENCES cycle (id) ON DELETE CASCADE,
      code TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('fatal', 'informative')),
      text TEXT NOT NULL,
      rule TEXT NOT NULL,
      step TEXT,
      step_sequence INTEGER,
      is_current INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX message_policy ON message (policy_id, is_current);

    CREATE TABLE pend_history (
      id INTEGER PRIMARY KEY,
      policy_id INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
      gid TEXT NOT NULL,
      cycle_id INTEGER REFERENCES cycle (id) ON DELETE SET NULL,
      reason TEXT NOT NULL,
      description TEXT NOT NULL,
      rule TEXT NOT NULL,
      step TEXT NOT NULL,
      step_display_name TEXT NOT NULL,
      step_sequence INTEGER NOT NULL,
      pended_at TEXT NOT NULL,
      is_open INTEGER NOT NULL DEFAULT 1,
      resolved_by TEXT,
      resolved_at TEXT,
      note TEXT,
      withdrawn_at TEXT
    );
    CREATE INDEX pend_history_policy ON pend_history (policy_id, is_open);
    CREATE INDEX pend_history_gid ON pend_history (gid, reason);
    CREATE INDEX pend_history_open ON pend_history (reason) WHERE is_open = 1;

    CREATE TABLE calculation (
      id INTEGER PRIMARY KEY,
      policy_id INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      currency TEXT NOT NULL,
      total INTEGER NOT NULL,
      at TEXT NOT NULL,
      reverses INTEGER REFERENCES calculation (id),
      lines TEXT NOT NULL
    );

    CREATE TABLE app_user (
      name TEXT PRIMARY KEY,
      roles TEXT NOT NULL DEFAULT '[]',
      groups TEXT NOT NULL DEFAULT '[]',
      is_admin INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL
    );

    CREATE TABLE activity (
      id INTEGER PRIMARY KEY,
      policy_id INTEGER NOT NULL UNIQUE REFERENCES policy (id) ON DELETE CASCADE,
      state TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      available_ms INTEGER NOT NULL,
      lease_owner TEXT,
      lease_token TEXT,
      lease_expires_ms INTEGER,
      last_error TEXT,
      enqueued_at TEXT NOT NULL,
      enqueued_by TEXT NOT NULL
    );
    CREATE INDEX activity_ready ON activity (state, available_ms);
    """

  /// Claims take the lowest ids among queued activities. Read in id order over the whole table,
  /// every claim stepped over parked (failed) activities and the ones in flight; this index
  /// holds only the queued ones.
  private static let version2 = """
    CREATE INDEX activity_queued ON activity (id) WHERE state = 'queued';
    """

  /// A policy's row changes at every step (status, times, who changed it) and its document
  /// rarely. Side by side in one row, a status change rewrote the document of a few KB with it,
  /// and a batch of a thousand cycles dirtied a thousand pages; on their own, status rows pack
  /// dozens to a page.
  private static let version3 = """
    CREATE TABLE policy_data (
      policy_id INTEGER PRIMARY KEY REFERENCES policy (id) ON DELETE CASCADE,
      data TEXT NOT NULL
    );
    INSERT INTO policy_data (policy_id, data) SELECT id, data FROM policy;
    ALTER TABLE policy DROP COLUMN data;
    """

  /// Three changes, two of which rebuild a table (SQLite cannot alter a constraint in place):
  ///
  /// - A `CHECK (status IN (five names))` is evaluated through a temporary b-tree built on every
  ///   update of the column: an eighth of what a worker spent per policy. The same check as a
  ///   chain of `=` costs a few comparisons. `policy` is rebuilt with it; `activity` too.
  /// - Activity ids were plain rowids, so once the queue emptied the next ids started again
  ///   from 1 and the ids in older log lines named two activities. `AUTOINCREMENT` never gives
  ///   an id twice; its counter starts above every id the store can have given before.
  /// - Calculations are read by policy (show, cancellation) and had no index for it.
  private static let version4 = """
    CREATE TABLE policy_v4 (
      id INTEGER PRIMARY KEY,
      code TEXT NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      gid TEXT NOT NULL,
      status TEXT NOT NULL CHECK (
        status = 'Edit' OR status = 'In Process' OR status = 'Pended' OR status = 'Approved' OR status = 'Canceled'),
      source TEXT NOT NULL CHECK (source = 'integration' OR source = 'manual'),
      process_flow TEXT,
      access_group TEXT,
      is_current INTEGER NOT NULL DEFAULT 1,
      last_changed_by TEXT,
      data_changed_at TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (code, version),
      UNIQUE (gid, version)
    );
    INSERT INTO policy_v4 (id, code, version, gid, status, source, process_flow, access_group, is_current,
      last_changed_by, data_changed_at, created_at, updated_at)
    SELECT id, code, version, gid, status, source, process_flow, access_group, is_current,
      last_changed_by, data_changed_at, created_at, updated_at
    FROM policy;
    DROP TABLE policy;
    ALTER TABLE policy_v4 RENAME TO policy;
    CREATE UNIQUE INDEX policy_current_code ON policy (code) WHERE is_current = 1;
    CREATE INDEX policy_current_status ON policy (status) WHERE is_current = 1;

    CREATE TABLE activity_v4 (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      policy_id INTEGER NOT NULL UNIQUE REFERENCES policy (id) ON DELETE CASCADE,
      state TEXT NOT NULL CHECK (state = 'queued' OR state = 'leased' OR state = 'failed'),
      attempts INTEGER NOT NULL DEFAULT 0,
      available_ms INTEGER NOT NULL,
      lease_owner TEXT,
      lease_token TEXT,
      lease_expires_ms INTEGER,
      last_error TEXT,
      enqueued_at TEXT NOT NULL,
      enqueued_by TEXT NOT NULL
    );
    INSERT INTO activity_v4 (id, policy_id, state, attempts, available_ms, lease_owner, lease_token,
      lease_expires_ms, last_error, enqueued_at, enqueued_by)
    SELECT id, policy_id, state, attempts, available_ms, lease_owner, lease_token,
      lease_expires_ms, last_error, enqueued_at, enqueued_by
    FROM activity;
    DROP TABLE activity;
    ALTER TABLE activity_v4 RENAME TO activity;
    CREATE INDEX activity_ready ON activity (state, available_ms);
    CREATE INDEX activity_queued ON activity (id) WHERE state = 'queued';
    -- AUTOINCREMENT counts from the highest id in the table, but ids above it may have been
    -- given before and their activities since acknowledged. Every activity was queued with a
    -- status-history row 'In Process' (history rows are never deleted, a revert moves them),
    -- and a plain rowid grows by at most one per insert, so their count is at least the
    -- highest id ever given.
    DELETE FROM sqlite_sequence WHERE name = 'activity';
    INSERT INTO sqlite_sequence (name, seq) VALUES ('activity', max(
      (SELECT count(*) FROM status_history WHERE status = 'In Process'),
      (SELECT coalesce(max(id), 0) FROM activity)));

    CREATE INDEX calculation_policy ON calculation (policy_id);
    """

  /// Every message was stored twice: as a row of `message` and inside the outcome of the cycle
  /// that attached it, where `explain` reads it. The rows cost a worker a sixth of what it wrote
  /// per policy. A policy's current messages are those of its version's last cycle (what the
  /// rows' `is_current` said), and every earlier cycle keeps its own, so the outcome alone holds
  /// all of it; every outcome ever stored has had each message's code, severity, text, rule and
  /// step.
  private static let version5 = """
    DROP TABLE message;
    """

  /// A claim reads the pend reasons resolved on each claimed policy, and moves each activity
  /// from queued to leased. Both were dearer than they need be:
  ///
  /// - The reasons were two reads per batch through `pend_history_gid`, each row then looked
  ///   up in the table for its resolution: a fifth of a claim. Resolved rows are few and never
  ///   change again; an index of them alone, with every column the claim reads, answers both
  ///   in one read from the index.
  /// - `activity_ready (state, available_ms)` changed twice per policy (a claim moves the entry
  ///   from queued to leased, the commit removes it), and nothing reads `available_ms` through
  ///   it: claims of queued work go by `activity_queued`. Expired leases are found by their
  ///   expiry in an index of leased activities only, and failed ones (listed and retried by
  ///   people) in an index of their own.
  private static let version6 = """
    CREATE INDEX pend_history_resolved ON pend_history (gid, reason, policy_id, resolved_at)
      WHERE resolved_at IS NOT NULL;
    DROP INDEX activity_ready;
    CREATE INDEX activity_leased ON activity (lease_expires_ms) WHERE state = 'leased';
    CREATE INDEX activity_failed ON activity (id) WHERE state = 'failed';
    """
}
