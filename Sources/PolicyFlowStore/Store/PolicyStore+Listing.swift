import PolicyFlowCore

extension PolicyStore {
  /// One line of a policy listing.
  public struct PolicySummary: Sendable, Hashable {
    public var code: String
    public var version: Int
    public var status: String
    public var flow: String?
  }

  /// An open pend reason.
  public struct OpenPend: Sendable, Hashable {
    public var policy: String
    public var version: Int
    public var reason: String
    public var description: String
    /// The step's display name.
    public var step: String
    public var pendedAt: String
    public var flow: String? = nil
    public var stepName: String? = nil
  }

  /// Whether any current policy is in a data access group: what a reader the store does not
  /// know cannot see.
  public func hasPoliciesInAccessGroups() throws -> Bool {
    try db.queryOne(
      "SELECT EXISTS (SELECT 1 FROM policy WHERE is_current = 1 AND access_group IS NOT NULL)", row: { $0.int(at: 0) })
      == 1
  }

  /// Current versions the reader may see, optionally of one status or flow, in code order: a
  /// page of at most `limit` (all when nil) whose codes come after `after`. The next page starts
  /// after the last code of this one, so pages stay consistent while policies are added, and
  /// each costs its own rows, not the rows before it.
  public func policySummaries(
    status: String? = nil, flow: String? = nil, after: String? = nil, limit: Int? = nil, readBy reader: String? = nil
  ) throws -> [PolicySummary] {
    precondition(limit.map { $0 > 0 } ?? true, "a page holds at least one policy")
    let user: User? = try reader.map { try self.user($0) } ?? nil
    // One statement for the page, walking the current codes in order from `after`: a policy's
    // flow is that of the last cycle of its version (SQLite gives the bare columns of a group
    // the values of the row where max() is found), else its own processFlow; the alias is not
    // `flow`, which HAVING would read as the cycle's column. Data access is checked here, not on
    // the rows read, so a page is never cut short by policies left out.
    return try db.query(
      """
      SELECT p.code, p.version, p.status, coalesce(c.flow, p.process_flow) AS listed_flow, max(c.id)
      FROM policy p LEFT JOIN cycle c ON c.policy_id = p.id AND c.version = p.version
      WHERE p.is_current = 1 AND p.code > ?1 AND (?2 IS NULL OR p.status = ?2)
        AND (p.access_group IS NULL OR ?4 OR p.access_group IN (SELECT value FROM json_each(?5)))
      GROUP BY p.code
      HAVING ?3 IS NULL OR listed_flow = ?3
      ORDER BY p.code LIMIT ?6
      """,
      [
        .text(after ?? ""), DatabaseValue(status), DatabaseValue(flow), .integer(user?.isAdmin == true ? 1 : 0),
        .text(JSON.array((user?.groups ?? []).map(JSON.string)).serialized()), .integer(Int64(limit ?? -1)),
      ]
    ) { row in
      PolicySummary(
        code: row.string(at: 0), version: row.int(at: 1), status: row.string(at: 2),
        flow: row.isNull(at: 3) ? nil : row.string(at: 3))
    }
  }
}
