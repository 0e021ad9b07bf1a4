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

  /// Current versions the reader may see, optionally of one status or flow, by code.
  public func policySummaries(status: String? = nil, flow: String? = nil, readBy reader: String? = nil) throws
    -> [PolicySummary]
  {
    let user: User? = try reader.map { try self.user($0) } ?? nil
    let rows: [PolicySummary?] = try db.query(
      """
      SELECT code, version, status, flow, access_group FROM (
        SELECT p.code, p.version, p.status, p.access_group,
          coalesce((SELECT flow FROM cycle c WHERE c.policy_id = p.id AND c.version = p.version ORDER BY c.id DESC LIMIT 1), p.process_flow) AS flow
        FROM policy p WHERE p.is_current = 1)
      WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR flow = ?2)
      ORDER BY code
      """, [SQLiteValue(status), SQLiteValue(flow)]
    ) { row in
      guard PolicyStore.mayAccess(user, accessGroup: row.isNull(at: 4) ? nil : row.string(at: 4)) else { return nil }
      return PolicySummary(
        code: row.string(at: 0), version: row.int(at: 1), status: row.string(at: 2),
        flow: row.isNull(at: 3) ? nil : row.string(at: 3))
    }
    return rows.compactMap { $0 }
  }
}
