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

  /// Current versions, by code.
  public func policySummaries() throws -> [PolicySummary] {
    try db.query(
      """
      SELECT p.code, p.version, p.status,
        coalesce((SELECT flow FROM cycle c WHERE c.policy_id = p.id AND c.version = p.version ORDER BY c.id DESC LIMIT 1), p.process_flow)
      FROM policy p WHERE p.is_current = 1 ORDER BY p.code
      """
    ) {
      PolicySummary(
        code: $0.string(at: 0), version: $0.int(at: 1), status: $0.string(at: 2),
        flow: $0.isNull(at: 3) ? nil : $0.string(at: 3))
    }
  }

}
