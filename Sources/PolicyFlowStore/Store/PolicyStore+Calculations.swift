public import PolicyFlowCore

/// A calculation result as stored: which version it belongs to, when it was stored, whether it
/// is in force, and the row it reverses.
public struct StoredCalculation: Sendable, Hashable {
  public var id: Int64
  public var result: CalculationResult
  public var version: Int
  public var at: String
  /// Part of the one set of results in force for the policy (gid).
  public var isInForce: Bool
  /// The id of the result this one reverses.
  public var reverses: Int64?

  /// `{"id", "kind", "currency", "total", "lines": [{"code", "description", "amount"}], "version",
  /// "inForce", "reverses", "at"}`.
  public var json: JSON {
    var object = result.json
    object.set(path: "id", to: .int(Int(id)))
    object.set(path: "version", to: .int(version))
    object.set(path: "inForce", to: .bool(isInForce))
    object.set(path: "reverses", to: reverses.map { .int(Int($0)) } ?? .null)
    object.set(path: "at", to: .string(at))
    return object
  }
}

extension PolicyStore {
  /// Where a new result belongs: the policy row, and its gid and version.
  struct ResultOwner {
    var policyID: Int64
    var gid: String
    var version: Int
  }

  /// Stores a result; a reversal names the row it reverses.
  func insertCalculation(
    _ result: CalculationResult, for owner: ResultOwner, at time: StoreTime, reverses: Int64? = nil,
    inForce: Bool = false
  ) throws {
    try insertRows(
      [Self.calculationRow(result, for: owner, at: time, reverses: reverses, inForce: inForce)], into: "calculation",
      columns: Self.calculationInsertColumns)
  }

  /// The columns of a calculation row as ``calculationRow(_:for:at:reverses:inForce:lines:)`` gives them.
  static let calculationInsertColumns = [
    "policy_id", "gid", "version", "kind", "currency", "total", "at", "reverses", "in_force", "lines",
  ]

  /// The calculation row a result inserts (in ``calculationInsertColumns``): one statement of it for
  /// every writer, and for a worker's hashing of an approval's beforehand. `lines` are the result's
  /// lines serialized beforehand, when they were.
  static func calculationRow(
    _ result: CalculationResult, for owner: ResultOwner, at time: StoreTime, reverses: Int64? = nil,
    inForce: Bool = false, lines: String? = nil
  ) -> [DatabaseValue] {
    [
      .integer(owner.policyID), .text(owner.gid), .integer(Int64(owner.version)), .text(result.kind.rawValue),
      .text(result.currency), .integer(Int64(result.total)), .text(time.iso8601), DatabaseValue(reverses),
      .integer(inForce ? 1 : 0), .text(lines ?? result.json.serialized()),
    ]
  }

  private static let calculationColumns = "id, lines, version, at, in_force, reverses, total, currency"

  /// A stored result, read from its lines; refused, naming the row, when they do not add up to
  /// the total they give or to the row's `total` and `currency` columns (the engine writes all
  /// three from one result: a difference was made behind its back, and `show` printed the lines'
  /// total while the column said another).
  private static func calculation(_ row: any DatabaseRow) throws -> StoredCalculation {
    let id = try row.int64(at: 0)
    guard let result = CalculationResult(json: try JSON(parsing: try row.string(at: 1))),
      result.total == (try row.int(at: 6)), result.currency == (try row.string(at: 7))
    else {
      throw StoreError(
        .damaged,
        "Calculation row \(id) of this policy is not as the engine writes one (its lines, its total and its currency "
          + "disagree): it was changed behind the engine's back, and nothing is done with it; 'policyflow audit "
          + "verify' names the change.")
    }
    return StoredCalculation(
      id: id, result: result, version: row.isNull(at: 2) ? 0 : try row.int(at: 2),
      at: try row.string(at: 3),
      isInForce: try row.int(at: 4) != 0, reverses: try row.optionalInt64(at: 5))
  }

  /// Every calculation row of a policy (all versions), oldest first: the ledger whose sum is the
  /// settlement of what is in force.
  public func calculations(gid: String) throws -> [StoredCalculation] {
    try db.query(
      """
      SELECT \(Self.calculationColumns) FROM calculation
      WHERE policy_id IN (SELECT id FROM policy WHERE gid = ?) ORDER BY id
      """, [.text(gid)],
      row: PolicyStore.calculation)
  }

  /// The results in force for `gid`, with the policy row each belongs to.
  func resultsInForce(gid: String) throws -> [(stored: StoredCalculation, policyID: Int64)] {
    try db.query(
      """
      SELECT \(Self.calculationColumns), policy_id FROM calculation INDEXED BY calculation_in_force
      WHERE gid = ? AND in_force = 1 ORDER BY id
      """, [.text(gid)], row: { (try PolicyStore.calculation($0), try $0.int64(at: 8)) })
  }

  /// Reverses every result in force for the owner's gid, each once, on the owner's row; returns
  /// what was reversed.
  ///
  /// `checked`: the caller has checked the results are as their chains recorded them
  /// (``requireUnchanged(_:keys:)``).
  @discardableResult
  func reverseResultsInForce(of owner: ResultOwner, at time: StoreTime, checked: Bool = false) throws
    -> [StoredCalculation]
  {
    let inForce = try resultsInForce(gid: owner.gid).map(\.stored)
    if !checked { try requireUnchanged("calculation", keys: inForce.map(\.id)) }
    for stored in inForce {
      try db.execute("UPDATE calculation SET in_force = 0 WHERE id = ?", [.integer(stored.id)])
      wrote("calculation", keys: [stored.id])
      try insertCalculation(stored.result.reversed, for: owner, at: time, reverses: stored.id)
    }
    return inForce
  }

  /// An approved version's results take over: what was in force for its gid is reversed and
  /// its own premium, when its flow computed one, is in force. A version 1 has nothing before it.
  func approveResults(_ premium: CalculationResult?, of owner: ResultOwner, at time: StoreTime) throws {
    try approveResults([(premium, nil, owner)], at: time)
  }

  /// Approves the results of several versions (of different policies) like
  /// ``approveResults(_:of:at:)``: the reversals each needs, then every premium in one statement
  /// (its lines as serialized beforehand, when they were).
  func approveResults(
    _ approvals: [(premium: CalculationResult?, lines: String?, owner: ResultOwner)], at time: StoreTime
  ) throws {
    // Only a worker's commit approves; its reader checked the results in force against their
    // chains before the batch ran (``ChainReader``), and a refusal here would stop the worker.
    for approval in approvals where approval.owner.version > 1 {
      try reverseResultsInForce(of: approval.owner, at: time, checked: true)
    }
    let premiums = approvals.compactMap { approval in approval.premium.map { ($0, approval.lines, approval.owner) } }
    try insertRows(
      premiums.map { result, lines, owner in
        Self.calculationRow(result, for: owner, at: time, inForce: true, lines: lines)
      },
      into: "calculation", columns: Self.calculationInsertColumns)
  }
}
