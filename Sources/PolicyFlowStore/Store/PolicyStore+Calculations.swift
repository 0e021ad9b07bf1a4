public import PolicyFlowCore

/// A calculation result as the store keeps it: amounts in integer minor units.
public struct StoredCalculation: Sendable, Hashable {
  /// `premium`, `reversal` or `cancellation`.
  public var kind: String
  public var currency: String
  public var total: Int
  /// The result's lines as JSON (`[{"code", "description", "amount"}]`).
  public var lines: JSON
  /// When it was stored; nil before it is.
  public var at: String?

  public init(kind: String, currency: String, total: Int, lines: JSON, at: String? = nil) {
    self.kind = kind
    self.currency = currency
    self.total = total
    self.lines = lines
    self.at = at
  }

  public var json: JSON {
    [
      "kind": .string(kind), "currency": .string(currency), "total": .int(total), "lines": lines,
      "at": at.map(JSON.string) ?? .null,
    ]
  }
}

extension PolicyStore {
  func insertCalculation(_ calculation: StoredCalculation, policyID: Int64, at time: StoreTime) throws {
    try db.execute(
      "INSERT INTO calculation (policy_id, kind, currency, total, at, lines) VALUES (?, ?, ?, ?, ?, ?)",
      [
        .integer(policyID), .text(calculation.kind), .text(calculation.currency), .integer(Int64(calculation.total)),
        .text(time.iso8601), .text(calculation.lines.serialized()),
      ])
  }

  /// The calculation results of one policy version, oldest first.
  public func calculations(policyID: Int64) throws -> [StoredCalculation] {
    try db.query(
      "SELECT kind, currency, total, lines, at FROM calculation WHERE policy_id = ? ORDER BY id", [.integer(policyID)]
    ) {
      StoredCalculation(
        kind: $0.string(at: 0), currency: $0.string(at: 1), total: $0.int(at: 2),
        lines: try JSON(parsing: $0.string(at: 3)),
        at: $0.string(at: 4))
    }
  }

  /// The premium result in force for the policy (any version), or nil when none was computed.
  func latestCalculation(gid: String) throws -> StoredCalculation? {
    try db.queryOne(
      """
      SELECT c.kind, c.currency, c.total, c.lines, c.at FROM calculation c JOIN policy p ON p.id = c.policy_id
      WHERE p.gid = ? AND c.kind = 'premium' ORDER BY c.id DESC LIMIT 1
      """, [.text(gid)]
    ) {
      StoredCalculation(
        kind: $0.string(at: 0), currency: $0.string(at: 1), total: $0.int(at: 2),
        lines: try JSON(parsing: $0.string(at: 3)),
        at: $0.string(at: 4))
    }
  }
}
