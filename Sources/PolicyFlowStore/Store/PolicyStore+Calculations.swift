public import PolicyFlowCore

/// A calculation result as stored, with when it was stored.
public struct StoredCalculation: Sendable, Hashable {
  public var result: CalculationResult
  public var at: String

  /// `{"kind", "currency", "total", "lines": [{"code", "description", "amount"}], "at"}`.
  public var json: JSON {
    var object = result.json
    object.set(path: "at", to: .string(at))
    return object
  }
}

extension PolicyStore {
  /// Stores a result; a reversal names the premium row it reverses.
  func insertCalculation(_ result: CalculationResult, policyID: Int64, at time: StoreTime, reverses: Int64? = nil)
    throws
  {
    try db.execute(
      "INSERT INTO calculation (policy_id, kind, currency, total, at, reverses, lines) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [
        .integer(policyID), .text(result.kind.rawValue), .text(result.currency), .integer(Int64(result.total)),
        .text(time.iso8601), SQLiteValue(reverses), .text(result.json.serialized()),
      ])
  }

  private static func calculation(_ row: SQLiteRow) throws -> StoredCalculation {
    guard let result = CalculationResult(json: try JSON(parsing: row.string(at: 0))) else {
      throw StoreError(.invalidInput, "The store holds a calculation result it cannot read.")
    }
    return StoredCalculation(result: result, at: row.string(at: 1))
  }

  /// The calculation results of one policy version, oldest first.
  public func calculations(policyID: Int64) throws -> [StoredCalculation] {
    try db.query(
      "SELECT lines, at FROM calculation WHERE policy_id = ? ORDER BY id", [.integer(policyID)],
      row: PolicyStore.calculation)
  }

  /// Reverses the premium in force and, when the flow that computed it says
  /// `calculateOnCancellation`, stores the settlement up to `effectiveDate`. The flow comes from
  /// the catalog snapshot of the cycle that approved the premium: the terms in force, not
  /// today's files.
  func recalculateOnCancellation(gid: String, cancelledPolicyID: Int64, effectiveDate: String, at now: StoreTime) throws
  {
    guard
      let premium = try db.queryOne(
        """
        SELECT c.lines, c.at, c.policy_id, d.data, c.id
        FROM calculation c JOIN policy p ON p.id = c.policy_id JOIN policy_data d ON d.policy_id = p.id
        WHERE p.gid = ? AND c.kind = 'premium'
          AND NOT EXISTS (SELECT 1 FROM calculation r WHERE r.reverses = c.id)
        ORDER BY c.id DESC LIMIT 1
        """, [.text(gid)],
        row: {
          (try PolicyStore.calculation($0), $0.int64(at: 2), try JSON(parsing: $0.string(at: 3)), $0.int64(at: 4))
        })
    else { return }
    // Only a premium not reversed yet is reversed: cancelling again (after an edit) must not
    // refund the same premium twice.
    let (earlier, premiumPolicyID, data, premiumID) = premium
    guard
      let cycle = try db.queryOne(
        "SELECT catalog_hash, flow FROM cycle WHERE policy_id = ? AND status = 'Approved' ORDER BY id DESC LIMIT 1",
        [.integer(premiumPolicyID)], row: { ($0.string(at: 0), $0.isNull(at: 1) ? nil : $0.string(at: 1)) }),
      let flowCode = cycle.1, let flow = try snapshotCatalog(cycle.0)?.flows[flowCode]
    else {
      throw StoreError(.refused, "The premium cannot be reversed: the catalog that computed it is not in the store.")
    }
    do {
      let settlement = try PremiumCalculator.cancellation(
        of: data, flow: flow, earlier: earlier.result, effectiveDate: effectiveDate, at: now.timestamp)
      try insertCalculation(settlement.reversal, policyID: cancelledPolicyID, at: now, reverses: premiumID)
      if let recalculated = settlement.recalculated {
        try insertCalculation(recalculated, policyID: cancelledPolicyID, at: now)
      }
    } catch let error as LogicError {
      throw StoreError(.invalidInput, "The cancellation as of \(effectiveDate) cannot be calculated: \(error.message)")
    }
  }
}
