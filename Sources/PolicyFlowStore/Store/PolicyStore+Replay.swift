public import PolicyFlowCore

/// `policies replay`: a candidate catalog run on the current versions in the store, read-only.
extension PolicyStore {
  /// Which current versions a replay runs on, beyond the reader's data access groups.
  public struct ReplaySelection: Sendable, Hashable {
    /// Statuses the version has now (`Approved`, `In Process`…); empty for every status but
    /// Canceled (``replayedStatuses``).
    public var statuses: [String]
    /// The flow of the version's last cycle, else the one it names (as `policies list` shows).
    public var flow: String?

    public init(statuses: [String] = [], flow: String? = nil) {
      self.statuses = statuses
      self.flow = flow
    }

    /// The statuses replayed: those asked for, else all but Canceled. A Canceled version is not
    /// processed again unless edited (which makes a new version): replayed by default, a
    /// declined application read as an outcome the candidate would change (auditor trial).
    public var replayedStatuses: [String] {
      statuses.isEmpty ? PolicyStatus.allCases.filter { $0 != .canceled }.map(\.rawValue) : statuses
    }
  }

  /// Replays `replay`'s catalog on every current version `actor` may see among `selection`, and
  /// writes nothing: no cycle, no snapshot, no history.
  ///
  /// The store is streamed, never loaded: versions are read in code order a page of `pageSize`
  /// at a time (keyset pagination, each page one read transaction), and while one page is
  /// replayed on every core (``CatalogReplay/run(_:)``) the next is read. Each version is given
  /// the resolutions its next cycle in the worker would get. `progress` is told how many
  /// versions have been replayed after each page.
  ///
  /// Refused (``StoreError/Code/notPermitted``) when the store does not know `actor`.
  public func replay(
    _ replay: CatalogReplay, selection: ReplaySelection, actor: String, pageSize: Int = 2_000,
    progress: ((Int) -> Void)? = nil
  ) throws -> ReplayReport {
    precondition(pageSize > 0, "a page holds at least one policy")
    let user = try knownUser(actor)
    var report = ReplayReport(keptChanges: replay.keptChanges)
    var computing: BackgroundJob<ReplayReport>?
    var after = ""
    while true {
      let page = try replayPage(after: after, limit: pageSize, selection: selection, user: user)
      if let computing {
        report.merge(computing.wait())
        progress?(report.replayed + report.unreadable.count)
      }
      guard let last = page.last else { break }
      after = last.code
      computing = BackgroundJob { replay.run(page) }
    }
    return report
  }

  /// How many current versions among `selection` a replay by `actor` leaves out, by data access
  /// group the actor does not hold, in group order. On PostgreSQL the server's row-level
  /// security may hide them from the login altogether: those are not counted.
  public func replayLeftOut(selection: ReplaySelection, actor: String) throws -> [(group: String, count: Int)] {
    let user = try knownUser(actor)
    guard !user.isAdmin else { return [] }
    return try db.query(
      """
      SELECT p.access_group, count(*) FROM policy p
      WHERE p.is_current = 1 AND p.access_group IS NOT NULL
        AND NOT \(db.dialect.isOneOfStrings("p.access_group", jsonArray: "?1"))
        AND \(db.dialect.isOneOfStrings("p.status", jsonArray: "?2"))
        AND (CAST(?3 AS text) IS NULL OR \(Self.policyFlow) = ?3)
      GROUP BY p.access_group ORDER BY p.access_group
      """,
      [
        .text(JSON.array(user.groups.map(JSON.string)).serialized()),
        .text(JSON.array(selection.replayedStatuses.map(JSON.string)).serialized()), DatabaseValue(selection.flow),
      ]
    ) { (try $0.string(at: 0), try $0.int(at: 1)) }
  }

  /// How many current Canceled versions of `flow` (any when nil) `actor` may see: a replay that
  /// selects no status leaves them out, and says how many.
  public func canceledVersionCount(flow: String?, actor: String) throws -> Int {
    let user = try knownUser(actor)
    return try db.queryOne(
      """
      SELECT count(*) FROM policy p
      WHERE p.is_current = 1 AND p.status = 'Canceled' AND \(visibleToUser(admin: "?1", groups: "?2"))
        AND (CAST(?3 AS text) IS NULL OR \(Self.policyFlow) = ?3)
      """,
      [Self.visibilityArguments(user).admin, Self.visibilityArguments(user).groups, DatabaseValue(flow)]
    ) { try $0.int(at: 0) } ?? 0
  }

  /// How many current versions the store holds (for a progress line's total).
  public func currentVersionCount() throws -> Int {
    try db.queryOne("SELECT count(*) FROM policy WHERE is_current = 1") { try $0.int(at: 0) } ?? 0
  }

  /// The next page of versions to replay after the code `after`, with their last cycles and
  /// resolutions, read in one transaction.
  ///
  /// One statement walks the current codes in order (the index of current codes) from `after`,
  /// stopping after `limit` rows; a version's last cycle is found by one probe of the cycles
  /// of its row, and read by its id. The page is chosen (selection and flow included) before
  /// anything is joined to it: with the limit applied after the joins, PostgreSQL planned a
  /// person's login under row-level security as a join of every policy after `after` with every
  /// cycle, sorted, for each page (1–2 s a page of 2,000 at 36,000 policies, growing with the
  /// book: a replay of a million would have read the store some 500 times over).
  func replayPage(after: String, limit: Int, selection: ReplaySelection, user: User) throws -> [ReplayInput] {
    try db.transaction(.read) {
      var rows: [(id: Int64, input: ReplayInput)] = []
      rows.reserveCapacity(limit)
      try db.forEachRow(
        """
        SELECT r.id, r.code, r.version, r.status, d.data, c.status, c.outcome
        FROM (
          SELECT p.id, p.code, p.version, p.status,
            (SELECT max(l.id) FROM cycle l WHERE l.policy_id = p.id AND l.version = p.version) AS last_cycle
          FROM policy p INDEXED BY policy_current_code
          WHERE p.is_current = 1 AND p.code > ?1
            AND \(db.dialect.isOneOfStrings("p.status", jsonArray: "?2"))
            AND \(visibleToUser(admin: "?3", groups: "?4"))
            AND (CAST(?5 AS text) IS NULL OR \(Self.policyFlow) = ?5)
          ORDER BY p.code LIMIT ?6
        ) AS r
        JOIN policy_data d ON d.policy_id = r.id
        LEFT JOIN cycle c ON c.id = r.last_cycle
        ORDER BY r.code
        """,
        [
          .text(after), .text(JSON.array(selection.replayedStatuses.map(JSON.string)).serialized()),
          Self.visibilityArguments(user).admin,
          Self.visibilityArguments(user).groups, DatabaseValue(selection.flow),
          .integer(Int64(limit)),
        ]
      ) { row in
        let code = try row.string(at: 1)
        let recordedText = try row.optionalString(at: 5)
        let recorded = try recordedText.map { text in
          guard let outcome = ReplayOutcome(rawValue: text) else {
            throw StoreError(
              .damaged,
              "The last cycle of policy \(code) recorded the status '\(text)', which no cycle reaches; "
                + "the store was changed outside PolicyFlow.")
          }
          return outcome
        }
        rows.append(
          (
            try row.int64(at: 0),
            ReplayInput(
              code: code, version: try row.int(at: 2), status: try row.string(at: 3), dataText: try row.string(at: 4),
              recorded: recorded, recordedOutcomeText: try row.optionalString(at: 6))
          ))
      }
      guard !rows.isEmpty else { return [] }
      let resolutions = try resolutions(
        ofPolicies: .text(JSON.array(rows.map { .int(Int($0.id)) }).serialized()))
      return rows.map { id, input in
        var input = input
        input.resolvedReasons = resolutions.resolved[id] ?? []
        input.resolvedSinceEdit = resolutions.resolvedSinceEdit[id] ?? []
        return input
      }
    }
  }
}
