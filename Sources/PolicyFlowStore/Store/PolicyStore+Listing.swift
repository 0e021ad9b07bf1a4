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
    public var step: String
    public var pendedAt: String
  }

  /// Current versions, by code.
  public func policySummaries() throws -> [PolicySummary] {
    try db.query(
      """
      SELECT p.code, p.version, p.status,
        coalesce((SELECT flow FROM cycle c WHERE c.policy_id = p.id ORDER BY c.id DESC LIMIT 1), p.process_flow)
      FROM policy p WHERE p.is_current = 1 ORDER BY p.code
      """
    ) {
      PolicySummary(
        code: $0.string(at: 0), version: $0.int(at: 1), status: $0.string(at: 2),
        flow: $0.isNull(at: 3) ? nil : $0.string(at: 3))
    }
  }

  /// Open pend reasons of current versions, oldest first.
  public func openPends() throws -> [OpenPend] {
    try db.query(
      """
      SELECT p.code, p.version, h.reason, h.description, h.step_display_name, h.pended_at
      FROM pend_history h JOIN policy p ON p.id = h.policy_id
      WHERE h.is_open = 1 AND p.is_current = 1 ORDER BY h.pended_at, p.code, h.id
      """
    ) {
      OpenPend(
        policy: $0.string(at: 0), version: $0.int(at: 1), reason: $0.string(at: 2), description: $0.string(at: 3),
        step: $0.string(at: 4), pendedAt: $0.string(at: 5))
    }
  }
}
