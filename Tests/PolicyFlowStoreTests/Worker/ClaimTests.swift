import Foundation
import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// Which activities a claim takes: the lowest queued ids, whatever sits before them.
struct ClaimTests {
  static func document(_ index: Int) -> JSON {
    ["code": .string("C-\(index)"), "lineOfBusiness": "health", "brand": "b"]
  }

  static let catalog = CatalogLoader.load(directory: WorkerRetryTests.packageRoot.path).catalog

  /// A store at `path` (migrated as far as `migrations` go) with the administrator "tester" and
  /// the shipped catalog's snapshot.
  static func catalogStore(_ path: String, migrations: [Migration]? = nil) throws -> (PolicyStore, Catalog) {
    let store = try migrations.map { try PolicyStore(path: path, migrations: $0) } ?? PolicyStore(path: path)
    try store.ensureAdministrator("tester")
    let catalog = try #require(Self.catalog)
    try store.snapshot(catalog)
    return (store, catalog)
  }

  /// Runs the cycle of each of `activities` (of `claim`) and commits the outcomes.
  @discardableResult
  static func process(
    _ activities: [ClaimedActivity], of claim: ClaimedBatch, in store: PolicyStore, with catalog: Catalog
  ) throws -> CommitReport {
    let cycle = ProcessingCycle(catalog: catalog)
    let processed = activities.map {
      ProcessedActivity(claimed: $0, outcome: cycle.run($0.policy.policy.data, at: claim.lease.expires.timestamp))
    }
    return try store.commit(processed, lease: claim.lease)
  }

  @Test func claimsTheLowestQueuedActivitiesPastParkedAndLeasedOnes() throws {
    try withTemporaryDatabase { path in
      let store = try PolicyStore(path: path)
      try store.ensureAdministrator("tester")
      _ = try store.createPolicies((0..<60).map(Self.document), source: .integration, actor: "tester", submit: true)
      // The first 30 are parked as failed, the next 10 are held by a live lease.
      let parking = try store.claim(owner: "a", limit: 30, leaseMilliseconds: 60_000)
      for activity in parking.activities { try store.park(activity.activityID, lease: parking.lease, error: "test") }
      let held = try store.claim(owner: "b", limit: 10, leaseMilliseconds: 60_000).activities
      #expect(held.map(\.policy.policy.code) == (30..<40).map { "C-\($0)" })

      let next = try store.claim(owner: "c", limit: 5, leaseMilliseconds: 60_000).activities
      #expect(next.map(\.policy.policy.code) == (40..<45).map { "C-\($0)" })
      let status = try store.queueStatus()
      #expect(status.failed.count == 30)
      #expect(status.leased == 15)
      #expect(status.queued == 15)
    }
  }

  @Test func aStoredDocumentThatNoLongerParsesIsSetAsideFromItsBatch() throws {
    try withTemporaryDatabase { path in
      let store = try PolicyStore(path: path)
      try store.ensureAdministrator("tester")
      _ = try store.createPolicies((0..<3).map(Self.document), source: .integration, actor: "tester", submit: true)
      // Someone edited the store by hand and broke one document.
      let connection = try SQLiteConnection(path: path)
      try connection.execute(
        "UPDATE policy_data SET data = '{\"code\": ' WHERE policy_id = (SELECT id FROM policy WHERE code = 'C-1')")

      let claim = try store.claim(owner: "a", limit: 10, leaseMilliseconds: 60_000)
      #expect(claim.activities.map(\.policy.policy.code) == ["C-0", "C-2"])
      #expect(claim.unreadable.map(\.policy) == ["C-1"])
      #expect(
        claim.unreadable.first?.error.hasPrefix("The stored document of policy C-1 version 1 cannot be read (1:10:")
          == true)
      #expect(try store.queueStatus().leased == 3, "the unreadable one is leased too, for the worker to park")
    }
  }

  @Test func anActivityCommittedTwiceInOneBatchIsAppliedOnce() throws {
    try withTemporaryDatabase { path in
      let (store, catalog) = try Self.catalogStore(path)
      _ = try store.createPolicies([Self.document(1)], source: .integration, actor: "tester", submit: true)
      let claim = try store.claim(owner: "a", limit: 1, leaseMilliseconds: 60_000)
      let (lease, claimed) = (claim.lease, claim.activities)
      let activity = try #require(claimed.first)
      let outcome = ProcessingCycle(catalog: catalog).run(activity.policy.policy.data, at: lease.expires.timestamp)
      let processed = ProcessedActivity(claimed: activity, outcome: outcome)
      let report = try store.commit([processed, processed], lease: lease)
      #expect(report.committed == [activity.activityID])
      #expect(report.lostLease == [activity.activityID])
      let connection = try SQLiteConnection(path: path)
      #expect(try connection.queryOne("SELECT count(*) FROM cycle") { try $0.int(at: 0) } == 1)
    }
  }

  /// A policy's current messages are those of its last cycle (what `show` lists); the messages
  /// of earlier cycles stay in their outcomes, and a policy not processed again keeps its own.
  @Test func onlyTheLatestCycleMessagesAreCurrent() throws {
    try withTemporaryDatabase { path in
      let (store, catalog) = try Self.catalogStore(path)
      _ = try store.createPolicies((1...3).map(Self.document), source: .integration, actor: "tester", submit: true)
      let connection = try SQLiteConnection(path: path)
      func messages(_ code: String, current: Bool) throws -> Int {
        if current { return try store.details(code).messages.count }
        return try connection.queryOne(
          """
          SELECT count(*) FROM cycle JOIN policy ON policy.id = cycle.policy_id, json_each(cycle.outcome, '$.messages')
          WHERE policy.code = ?
          """, [.text(code)]
        ) { try $0.int(at: 0) } ?? -1
      }
      func processAll() throws -> [String] {
        let claim = try store.claim(owner: "a", limit: 10, leaseMilliseconds: 60_000)
        try Self.process(claim.activities, of: claim, in: store, with: catalog)
        return claim.activities.map(\.policy.policy.code)
      }

      #expect(try processAll() == ["C-1", "C-2", "C-3"])
      // The bare documents fail the data-quality rules: fatal messages, back to Edit.
      let perCycle = try messages("C-1", current: true)
      #expect(perCycle > 0)
      #expect(try messages("C-2", current: true) == perCycle)

      _ = try store.submit(["C-1", "C-3"], actor: "tester")
      #expect(try processAll() == ["C-1", "C-3"])
      for code in ["C-1", "C-3"] {
        #expect(try messages(code, current: true) == perCycle, "\(code): only the second cycle's")
        #expect(try messages(code, current: false) == 2 * perCycle, "\(code): both cycles kept")
      }
      #expect(try messages("C-2", current: true) == perCycle, "not processed again: its messages stay current")
    }
  }

  @Test func aStoreFromSchemaVersionOneIsUpgradedAndItsQueueStillClaims() throws {
    try withTemporaryDatabase { path in
      // A store as the first release wrote it, with three policies queued.
      do {
        let connection = try SQLiteConnection(path: path)
        try Migrator(Array(StoreSchema.sqliteMigrations.prefix(1))).migrate(connection)
        for index in 0..<3 {
          try connection.execute(
            """
            INSERT INTO policy (code, version, gid, status, source, data, is_current, data_changed_at, created_at,
              updated_at)
            VALUES (?, 1, ?, 'In Process', 'integration', ?, 1, 'x', 'x', 'x')
            """, [.text("C-\(index)"), .text(UUIDv4.random()), .text(Self.document(index).serialized())])
          try connection.execute(
            """
            INSERT INTO activity (policy_id, state, attempts, available_ms, enqueued_at, enqueued_by)
            VALUES (?, 'queued', 0, 0, 'x', 'tester')
            """, [.integer(connection.lastInsertRowID)])
        }
      }
      let store = try PolicyStore(path: path)
      #expect(try store.schemaVersion == StoreSchema.sqliteMigrations.last?.version)
      let claimed = try store.claim(owner: "a", limit: 10, leaseMilliseconds: 60_000).activities
      #expect(claimed.map(\.policy.policy.code) == ["C-0", "C-1", "C-2"])
      // Schema version 3 moved each document to a table of its own; the claim reads it there.
      #expect(claimed.map(\.policy.policy.data) == (0..<3).map(Self.document))
    }
  }

  /// Log lines name activities by id: an id is never given to a second activity, even once the
  /// queue has emptied (schema version 4).
  @Test func activityIdsAreNotReusedOnceTheQueueEmpties() throws {
    try withTemporaryDatabase { path in
      let (store, catalog) = try Self.catalogStore(path)
      var seen: [Int64] = []
      for round in 0..<3 {
        _ = try store.createPolicies(
          [Self.document(2 * round), Self.document(2 * round + 1)], source: .integration, actor: "tester", submit: true)
        let claim = try store.claim(owner: "a", limit: 10, leaseMilliseconds: 60_000)
        #expect(try Self.process(claim.activities, of: claim, in: store, with: catalog).committed.count == 2)
        #expect(try store.queueStatus().queued == 0)
        seen += claim.activities.map(\.activityID)
      }
      #expect(Set(seen).count == 6, "ids \(seen)")
    }
  }

  /// A claim hands each policy the pend reasons resolved on any of its versions (same gid), and
  /// apart those resolved on this version since its data last changed; open ones are neither.
  @Test func aClaimReadsTheReasonsResolvedOnThePolicyAndSinceItsLastEdit() throws {
    try withTemporaryDatabase { path in
      let (store, _) = try Self.catalogStore(path)
      _ = try store.createPolicies((0..<2).map(Self.document), source: .integration, actor: "tester", submit: true)
      let connection = try SQLiteConnection(path: path)
      let ids = try connection.query("SELECT id, gid FROM policy ORDER BY code") {
        (try $0.int64(at: 0), try $0.string(at: 1))
      }
      let ((first, gid), (second, _)) = (ids[0], ids[1])
      // (policy row, reason, resolved at): before and after C-0's data last changed, open, and
      // one resolved on another row under C-0's gid (as an earlier version would be).
      let rows: [(Int64, String, String?)] = [
        (first, "BEFORE_EDIT", "2000-01-01T00:00:00Z"), (first, "SINCE_EDIT", "2999-01-01T00:00:00Z"),
        (first, "STILL_OPEN", nil), (second, "OTHER_VERSION", "2999-01-01T00:00:00Z"),
      ]
      for (policy, reason, resolvedAt) in rows {
        try connection.execute(
          """
          INSERT INTO pend_history (policy_id, gid, reason, description, rule, step, step_display_name,
            step_sequence, pended_at, is_open, resolved_at)
          VALUES (?, ?, ?, 'd', 'r', 's', 'S', 1, '2000-01-01T00:00:00Z', ?, ?)
          """,
          [.integer(policy), .text(gid), .text(reason), .integer(resolvedAt == nil ? 1 : 0), DatabaseValue(resolvedAt)])
      }
      let claim = try store.claim(owner: "a", limit: 2, leaseMilliseconds: 60_000)
      let byCode = Dictionary(uniqueKeysWithValues: claim.activities.map { ($0.policy.policy.code, $0) })
      #expect(byCode["C-0"]?.resolvedReasons == ["BEFORE_EDIT", "SINCE_EDIT", "OTHER_VERSION"])
      #expect(byCode["C-0"]?.resolvedSinceEdit == ["SINCE_EDIT"])
      #expect(byCode["C-1"]?.resolvedReasons == [])
      #expect(byCode["C-1"]?.resolvedSinceEdit == [])
    }
  }

  /// Schema version 4 rebuilds `policy` and `activity`: everything that refers to them stays,
  /// and the rebuilt tables still refuse what the old ones refused.
  @Test func aStoreFromSchemaVersionThreeKeepsItsHistoryThroughTheRebuild() throws {
    try withTemporaryDatabase { path in
      let catalog = try #require(Self.catalog)
      do {
        // Activities 1 to 4: the first two parked, the last two processed and gone, so the
        // highest id left in the queue (2) is below the highest ever given (4).
        let (store, _) = try Self.catalogStore(path, migrations: Array(StoreSchema.sqliteMigrations.prefix(3)))
        // Today's claim names indexes of schema version 6, and today's writes fill columns of
        // versions 7 and 8: the setup borrows them, and they are gone again before the upgrade.
        let scaffold = try SQLiteConnection(path: path)
        try scaffold.executeScript(
          """
          CREATE INDEX activity_leased ON activity (lease_expires_ms) WHERE state = 'leased';
          CREATE INDEX pend_history_resolved ON pend_history (gid, reason, policy_id, resolved_at)
            WHERE resolved_at IS NOT NULL;
          CREATE TABLE audit_link (
            id INTEGER PRIMARY KEY, gid TEXT, seq INTEGER, at TEXT, entries TEXT, link TEXT, chain INTEGER NOT NULL);
          CREATE UNIQUE INDEX audit_link_chain ON audit_link (chain, seq);
          \(Self.laterColumns.map { "ALTER TABLE \($0.table) ADD COLUMN \($0.column);" }.joined(separator: "\n"))
          """)
        _ = try store.createPolicies((0..<4).map(Self.document), source: .integration, actor: "tester", submit: true)
        let claim = try store.claim(owner: "a", limit: 4, leaseMilliseconds: 60_000)
        #expect(claim.activities.map(\.activityID) == [1, 2, 3, 4])
        for activity in claim.activities.prefix(2) {
          try store.park(activity.activityID, lease: claim.lease, error: "x")
        }
        try Self.process(Array(claim.activities.suffix(2)), of: claim, in: store, with: catalog)
        #expect(try store.schemaVersion == 3)
        try scaffold.executeScript(
          "DROP INDEX activity_leased; DROP INDEX pend_history_resolved; DROP TABLE audit_link;"
            + Self.laterColumns.map { "ALTER TABLE \($0.table) DROP COLUMN \($0.column.prefix { $0 != " " });" }
            .joined())
      }
      let tables = ["policy", "policy_data", "status_history", "cycle", "pend_history", "activity"]
      func counts() throws -> [Int] {
        let connection = try SQLiteConnection(path: path)
        return try tables.map { table in
          try connection.queryOne("SELECT count(*) FROM \(table)") { try $0.int(at: 0) } ?? -1
        }
      }
      let before = try counts()

      let store = try PolicyStore(path: path)
      #expect(try store.schemaVersion == StoreSchema.sqliteMigrations.last?.version)
      #expect(try counts() == before)
      let connection = try SQLiteConnection(path: path)
      #expect(try connection.query("PRAGMA foreign_key_check") { try $0.string(at: 0) }.isEmpty)
      #expect(try connection.query("PRAGMA integrity_check") { try $0.string(at: 0) } == ["ok"])
      // Schema 15 chained the history written before it: one first link per policy.
      #expect(try connection.queryOne("SELECT count(*) FROM audit_link WHERE seq = 1") { try $0.int(at: 0) } == 4)
      #expect(throws: SQLiteError.self) {
        try connection.executeScript("UPDATE policy SET status = 'Lost' WHERE id = 1")
      }
      #expect(throws: SQLiteError.self) { try connection.executeScript("UPDATE activity SET state = 'gone'") }
      #expect(try store.queueStatus().failed.map(\.policy) == ["C-0", "C-1"])

      // A new activity gets an id that no activity had before the upgrade, and the rebuilt
      // queue claims it.
      _ = try store.createPolicies([Self.document(9)], source: .integration, actor: "tester", submit: true)
      let claim = try store.claim(owner: "b", limit: 10, leaseMilliseconds: 60_000)
      #expect(claim.activities.map(\.policy.policy.code) == ["C-9"])
      #expect(claim.activities.map(\.activityID).allSatisfy { $0 > 4 }, "ids \(claim.activities.map(\.activityID))")
      try Self.process(claim.activities, of: claim, in: store, with: catalog)

      // Deleting a policy still takes its history with it: the references point at the new table.
      let historyBefore = try counts()[2]
      try connection.executeScript("DELETE FROM policy WHERE code = 'C-0'")
      #expect(try counts()[2] < historyBefore)
    }
  }

  /// The columns schema versions 7 and 8 add, which a store of an earlier version borrows while
  /// a test writes to it with today's code.
  static let laterColumns: [(table: String, column: String)] = [
    ("status_history", "gid TEXT"), ("status_history", "version INTEGER"), ("status_history", "event TEXT"),
    ("pend_history", "version INTEGER"), ("pend_history", "status_history_id INTEGER"),
    ("pend_history", "resolved_version INTEGER"), ("pend_history", "resolved_data_at TEXT"),
    ("calculation", "gid TEXT"), ("calculation", "version INTEGER"), ("calculation", "in_force INTEGER DEFAULT 0"),
    ("activity", "expired_leases INTEGER NOT NULL DEFAULT 0"), ("activity", "leased_alone INTEGER NOT NULL DEFAULT 0"),
  ]
}
