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
    /// The flow of the cycle that attached the reason (nil for a pend from before cycles were
    /// recorded).
    public var flow: String? = nil
    /// The step's name (its code in the flow).
    public var stepName: String? = nil
    /// The policy's lasting identity across versions.
    public var gid: String? = nil
  }

  /// Whether any current policy is in a data access group: what a reader the store does not
  /// know cannot see.
  public func hasPoliciesInAccessGroups() throws -> Bool {
    try db.queryOne(
      "SELECT EXISTS (SELECT 1 FROM policy WHERE is_current = 1 AND access_group IS NOT NULL)",
      row: { try $0.int(at: 0) })
      == 1
  }

  /// Current versions the reader may see, optionally of some statuses (any of them) or one flow,
  /// in code order: a
  /// page of at most `limit` (all when nil) whose codes come after `after`. The next page starts
  /// after the last code of this one, so pages stay consistent while policies are added, and
  /// each costs its own rows, not the rows before it.
  public func policySummaries(
    statuses: [String] = [], flow: String? = nil, after: String? = nil, limit: Int? = nil,
    readBy reader: String? = nil
  ) throws -> [PolicySummary] {
    precondition(limit.map { $0 > 0 } ?? true, "a page holds at least one policy")
    let user: User? = try reader.map { try self.readingUser($0) } ?? nil
    // One statement for the page, walking the current codes in order from `after`: a policy's
    // flow is that of the last cycle of its version (one index probe per policy listed), else its
    // own processFlow. Data access is checked here, not on the rows read, so a page is never cut
    // short by policies left out.
    let visibility = Self.visibilityArguments(user)
    return try db.query(
      """
      SELECT code, version, status, listed_flow FROM (
        SELECT p.code, p.version, p.status, \(Self.policyFlow) AS listed_flow
        FROM policy p
        WHERE p.is_current = 1 AND p.code > ?1 AND (?2 = 0 OR \(db.dialect.isOneOfStrings("p.status", jsonArray: "?7")))
          AND \(visibleToUser(admin: "?4", groups: "?5"))
      ) AS listed
      WHERE CAST(?3 AS text) IS NULL OR listed_flow = ?3
      ORDER BY code LIMIT ?6
      """,
      [
        .text(after ?? ""), .integer(statuses.isEmpty ? 0 : 1), DatabaseValue(flow), visibility.admin,
        visibility.groups, .integer(Int64(limit ?? Int.max)), .text(JSON.array(statuses.map(JSON.string)).serialized()),
      ]
    ) { row in
      PolicySummary(
        code: try row.string(at: 0), version: try row.int(at: 1), status: try row.string(at: 2),
        flow: try row.optionalString(at: 3))
    }
  }
}
