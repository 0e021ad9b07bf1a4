extension StoreSchema {
  static let version13Name = "the queue table vacuumed as often as it churns (PostgreSQL only)"

  /// On SQLite, nothing: a deleted row's space is reused by the next insert.
  static let sqliteVersion13 = ""

  /// Every activity is inserted, updated by its claim and deleted by its commit: two dead row
  /// versions per policy processed. PostgreSQL's default waits for a fifth of the table to be
  /// dead before vacuuming it, which for a queue that is empty at rest means late, with the claim's
  /// index scans stepping over dead entries meanwhile. A fixed threshold of 5,000 dead rows, no
  /// cost delay, and vacuum after inserts too keep the table and its indexes small while a large
  /// queue drains (measured in BENCHMARKS.md).
  static let postgresVersion13 = """
    ALTER TABLE activity SET (
      autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
      autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 20000,
      autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000
    );
    """
}
