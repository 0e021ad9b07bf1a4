import Foundation
import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// The upgrade to schema version 7 brings calculation rows written by earlier releases to the
/// model of one result in force per gid, with the rows adding up to it.
struct SchemaSevenUpgradeTests {
  /// Rows as earlier releases wrote them, one policy (gid) per case.
  static let oldRows = """
    INSERT INTO policy (id, code, version, gid, status, source, is_current, data_changed_at, created_at, updated_at)
    VALUES
      (1, 'TWICE', 1, '00000000-0000-4000-8000-000000000001', 'Approved', 'manual', 0, 't', 't', 't'),
      (2, 'TWICE', 2, '00000000-0000-4000-8000-000000000001', 'Approved', 'manual', 1, 't', 't', 't'),
      (3, 'CANCELED', 1, '00000000-0000-4000-8000-000000000002', 'Canceled', 'manual', 1, 't', 't', 't'),
      (4, 'REINSTATED', 1, '00000000-0000-4000-8000-000000000003', 'Canceled', 'manual', 0, 't', 't', 't'),
      (5, 'REINSTATED', 2, '00000000-0000-4000-8000-000000000003', 'Approved', 'manual', 1, 't', 't', 't'),
      (6, 'UNNAMED', 1, '00000000-0000-4000-8000-000000000004', 'Canceled', 'manual', 1, 't', 't', 't');
    INSERT INTO policy_data (policy_id, data) VALUES
      (1, '{"code":"TWICE"}'), (2, '{"code":"TWICE"}'),
      (3, '{"code":"CANCELED","cancellation":{"date":"2026-04-01","reason":"moved abroad"}}'),
      (4, '{"code":"REINSTATED","cancellation":{"date":"2026-02-01","reason":null}}'),
      (5, '{"code":"REINSTATED","cancellation":{"date":"2026-02-01","reason":null}}'),
      (6, '{"code":"UNNAMED"}');
    INSERT INTO status_history (policy_id, status, at, actor, note) VALUES
      (3, 'Canceled', '2026-04-01T10:00:00Z', 'carl', 'cancelled as of 2026-04-01: moved abroad'),
      (1, 'Edit', '2026-03-01T10:00:00Z', 'carl', 'version 2, reverted'),
      (4, 'Canceled', '2026-02-01T10:00:00Z', 'carl', 'cancelled as of 2026-02-01');
    INSERT INTO calculation (id, policy_id, kind, currency, total, at, reverses, lines) VALUES
      (1, 1, 'premium', 'EUR', 100, 't', NULL, '{"kind":"premium","currency":"EUR","lines":[{"code":"A","description":"a","amount":100}],"total":100}'),
      (2, 2, 'premium', 'EUR', 150, 't', NULL, '{"kind":"premium","currency":"EUR","lines":[{"code":"A","description":"a","amount":150}],"total":150}'),
      (3, 3, 'premium', 'EUR', 1000, 't', NULL, '{"kind":"premium","currency":"EUR","lines":[{"code":"A","description":"a","amount":1000}],"total":1000}'),
      (4, 3, 'reversal', 'EUR', -1000, 't', 3, '{"kind":"reversal","currency":"EUR","lines":[{"code":"A","description":"a","amount":-1000}],"total":-1000}'),
      (5, 3, 'cancellation', 'EUR', -750, 't', NULL, '{"kind":"cancellation","currency":"EUR","lines":[{"code":"A","description":"a","amount":200},{"code":"FEE","description":"f","amount":50},{"code":"PREMIUM_PAID","description":"Premium paid","amount":-1000}],"total":-750}'),
      (6, 4, 'premium', 'EUR', 1000, 't', NULL, '{"kind":"premium","currency":"EUR","lines":[{"code":"A","description":"a","amount":1000}],"total":1000}'),
      (7, 4, 'reversal', 'EUR', -1000, 't', 6, '{"kind":"reversal","currency":"EUR","lines":[{"code":"A","description":"a","amount":-1000}],"total":-1000}'),
      (8, 4, 'cancellation', 'EUR', -750, 't', NULL, '{"kind":"cancellation","currency":"EUR","lines":[{"code":"A","description":"a","amount":200},{"code":"FEE","description":"f","amount":50},{"code":"PREMIUM_PAID","description":"Premium paid","amount":-1000}],"total":-750}'),
      (9, 5, 'premium', 'EUR', 1200, 't', NULL, '{"kind":"premium","currency":"EUR","lines":[{"code":"A","description":"a","amount":1200}],"total":1200}'),
      (10, 6, 'premium', 'EUR', 500, 't', NULL, '{"kind":"premium","currency":"EUR","lines":[{"code":"A","description":"a","amount":500}],"total":500}'),
      (11, 6, 'reversal', 'EUR', -500, 't', NULL, '{"kind":"reversal","currency":"EUR","lines":[{"code":"A","description":"a","amount":-500}],"total":-500}');
    """

  @Test func oldRowsAddUpToTheOneResultInForce() throws {
    try withTemporaryDatabase { path in
      do {
        let old = try PolicyStore(path: path, migrations: Array(StoreSchema.sqliteMigrations.prefix(6)))
        try old.db.executeScript(Self.oldRows)
      }
      let store = try PolicyStore(path: path)
      func ledger(_ gid: String) throws -> [Int] {
        try #require(
          try store.db.queryOne(
            """
            SELECT coalesce(sum(total), 0), coalesce(sum(total) FILTER (WHERE in_force = 1), 0),
              count(*) FILTER (WHERE in_force = 1)
            FROM calculation WHERE gid = ?
            """, [.text(gid)]
          ) { [try $0.int(at: 0), try $0.int(at: 1), try $0.int(at: 2)] })
      }
      // Approved twice: version 2's premium is in force, version 1's is taken back.
      #expect(try ledger("00000000-0000-4000-8000-000000000001") == [150, 150, 1])
      // Canceled: the settlement, without its PREMIUM_PAID line, is what was charged.
      #expect(try ledger("00000000-0000-4000-8000-000000000002") == [250, 250, 1])
      let settlement = try #require(try store.calculations(gid: "00000000-0000-4000-8000-000000000002").last)
      #expect(settlement.isInForce && settlement.result.kind == .cancellation)
      #expect(settlement.result.lines.map(\.code) == ["A", "FEE"])
      #expect(settlement.result.total == 250)
      // Reinstated: the new premium is in force; the old settlement no longer counts.
      #expect(try ledger("00000000-0000-4000-8000-000000000003") == [1200, 1200, 1])
      // A reversal that named no row is paired with the premium it canceled out.
      #expect(try ledger("00000000-0000-4000-8000-000000000004") == [0, 0, 0])
      #expect(try store.db.queryOne("SELECT reverses FROM calculation WHERE id = 11") { try $0.int(at: 0) } == 10)

      // The cancellation left the documents for the engine's table, and the notes are spelled as the status.
      let canceled = try store.details("CANCELED")
      #expect(canceled.stored.policy.data[path: "cancellation"] == nil)
      #expect(canceled.cancellation?.effectiveDate == "2026-04-01")
      #expect(canceled.cancellation?.reason == "moved abroad")
      #expect(canceled.cancellation?.actor == "carl")
      #expect(try store.details("REINSTATED").stored.policy.data[path: "cancellation"] == nil)
      #expect(canceled.statusHistory.first?[path: "note"] == "canceled as of 2026-04-01: moved abroad")
      // A row an old revert moved to the restored version keeps the version it was written for.
      #expect(
        try store.db.queryOne("SELECT version FROM status_history WHERE note = 'version 2, reverted'") {
          try $0.int(at: 0)
        } == 2)
    }
  }
}
