@testable import PolicyFlowStore

extension StoreFixture {
  /// Writes a store as schema version 3 left it at `db`: the administrator `alice` and the
  /// policies OLD-1 and OLD-2 in `status`, each with its document and one status-history row,
  /// queued for a worker when `queued`. Written as that release wrote them: today's code writes
  /// columns it did not have.
  static func writeSchemaThreeStore(at db: String, status: String, queued: Bool) throws {
    let old = try PolicyStore(path: db, migrations: Array(StoreSchema.sqliteMigrations.prefix(3)))
    try old.ensureAdministrator("alice")
    let connection = try SQLiteConnection(path: db)
    for number in 1...2 {
      try connection.executeScript(
        """
        INSERT INTO policy (id, code, version, gid, status, source, is_current, last_changed_by, data_changed_at,
          created_at, updated_at)
        VALUES (\(number), 'OLD-\(number)', 1, 'gid-\(number)', '\(status)', 'integration', 1, 'alice',
          '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
        INSERT INTO policy_data (policy_id, data)
        VALUES (\(number), '{"code":"OLD-\(number)","lineOfBusiness":"health","brand":"b","source":"integration"}');
        INSERT INTO status_history (policy_id, status, at, actor) VALUES (\(number), '\(status)', '2026-01-01T00:00:00Z', 'alice');
        """)
      if queued {
        try connection.executeScript(
          """
          INSERT INTO activity (policy_id, state, attempts, available_ms, enqueued_at, enqueued_by)
          VALUES (\(number), 'queued', 0, 0, '2026-01-01T00:00:00Z', 'alice');
          """)
      }
    }
  }
}
