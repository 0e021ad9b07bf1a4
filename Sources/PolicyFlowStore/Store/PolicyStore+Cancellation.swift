public import PolicyFlowCore

/// How a policy was closed: a cancellation as of a date, or a declined application. Engine data,
/// never part of the policy's document.
public struct CancellationRecord: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    case cancel, decline
  }

  public var kind: Kind
  public var version: Int
  /// The first day no longer covered (`YYYY-MM-DD`); nil for a declined application.
  public var effectiveDate: String?
  public var reason: String?
  public var actor: String
  public var at: String
  /// Whether a settlement was computed; nil when nothing was in force to settle.
  public var calculated: Bool?
  /// Who decided ``calculated``: `policy` (its `calculateOnCancellation`) or `flow` (the default).
  public var calculationSetBy: String?
  /// No day of cover was used: the date is on or before the start.
  public var fromInception: Bool

  /// `show --json`'s `cancellation`.
  public var json: JSON {
    [
      "kind": .string(kind.rawValue), "version": .int(version), "date": effectiveDate.map(JSON.string) ?? .null,
      "reason": reason.map(JSON.string) ?? .null, "actor": .string(actor), "at": .string(at),
      "calculateOnCancellation": calculated.map(JSON.bool) ?? .null,
      "calculateOnCancellationSetBy": calculationSetBy.map(JSON.string) ?? .null,
      "fromInception": .bool(fromInception),
    ]
  }
}

/// What a cancellation did to the money: the results reversed and the settlement now in force.
public struct CancellationOutcome: Sendable {
  public var policy: StoredPolicy
  public var record: CancellationRecord
  public var currency: String?
  /// The total of the results that were in force, now reversed.
  public var reversedTotal: Int
  /// The settlement now in force, when calculation on cancellation applied.
  public var settlement: CalculationResult?
  /// The version whose terms (document and flow) were settled: the one the results in force
  /// belong to, which is not the canceled version when that is an edit never approved. Nil when
  /// nothing was in force.
  public var termsVersion: Int? = nil

  /// What the policyholder gets back (negative) or owes (positive): the settlement less what
  /// was in force.
  public var balance: Int { (settlement?.total ?? 0) - reversedTotal }
}

extension PolicyStore {
  /// Cancels the policy as of `effectiveDate` (YYYY-MM-DD) in one transaction: open pend
  /// reasons are withdrawn, the results in force are reversed and, when calculation on
  /// cancellation applies (the in-force version's `calculateOnCancellation`, else its flow's),
  /// the flow's lines are computed again for the cover up to that date and stored as the
  /// settlement in force. A date after the cover's end is refused.
  /// The reason is required, as it is to decline: the history records who canceled and why.
  public func cancel(_ code: String, effectiveDate: String, reason: String, actor: String) throws
    -> CancellationOutcome
  {
    try Self.requireReason(reason, for: "cancellation", example: "customer moved abroad")
    return try writing {
      let user = try knownUser(actor)
      let stored = try currentPolicy(code, for: user)
      try requireEveryVersion(user, of: stored, toDo: "cancel")
      let transition = try decide(stored, previousVersionStatus: try previousVersionStatus(of: stored), .cancel)
      let now = clock()
      // The settlement is computed from a document: the one chained, not one changed since.
      try requireUnchanged("policy_data", keys: [stored.id])
      let owner = ResultOwner(policyID: stored.id, gid: stored.policy.gid, version: stored.policy.version)
      let terms = try termsInForce(gid: stored.policy.gid) ?? (data: stored.policy.data, flow: nil, version: nil)
      let period: CancellationPeriod?
      do {
        period =
          terms.data[path: "endDate"] == nil && terms.flow == nil
          ? nil : try CancellationPeriod(policy: terms.data, effectiveDate: effectiveDate)
      } catch let error as LogicError {
        throw StoreError(.invalidInput, "Policy \(code) cannot be canceled as of \(effectiveDate): \(error.message).")
      }
      var reversed: [StoredCalculation] = []
      var decision: (applies: Bool, setBy: String)?
      var settlement: CalculationResult?
      // What was in force is reversed; what was earned up to the date is settled when
      // calculation on cancellation applies.
      let reverse = {
        reversed = try self.reverseResultsInForce(of: owner, at: now)
        let paid = reversed.reduce(0) { $0 + $1.result.total }
        decision = reversed.isEmpty ? nil : PremiumCalculator.calculatesOnCancellation(terms.data, flow: terms.flow)
        guard let decision, decision.applies, let flow = terms.flow, let period else { return }
        do {
          settlement = try PremiumCalculator.settlement(
            of: terms.data, flow: flow, premiumPaid: paid, period: period, at: now.timestamp)
        } catch let error as LogicError {
          throw StoreError(
            .invalidInput, "The cancellation as of \(effectiveDate) cannot be calculated: \(error.message)")
        }
        if let settlement { try self.insertCalculation(settlement, for: owner, at: now, inForce: true) }
      }
      try carryOut(
        transition, on: VersionRow(stored), actor: actor, at: now, setsMaker: true,
        note: "canceled as of \(effectiveDate): \(reason)", reversing: reverse)
      let reversedTotal = reversed.reduce(0) { $0 + $1.result.total }
      let record = CancellationRecord(
        kind: .cancel, version: stored.policy.version, effectiveDate: effectiveDate, reason: reason, actor: actor,
        at: now.iso8601, calculated: decision.map { $0.applies && settlement != nil },
        calculationSetBy: decision?.setBy, fromInception: period?.isFromInception ?? false)
      try insertCancellation(record, policyID: stored.id, gid: stored.policy.gid)
      return CancellationOutcome(
        policy: try currentPolicy(code)!, record: record,
        currency: settlement?.currency ?? reversed.first?.result.currency,
        reversedTotal: reversedTotal, settlement: settlement, termsVersion: terms.version)
    }
  }

  /// Closes an application (version 1 in Edit or Pended) as Canceled: a risk declined or an
  /// application withdrawn. Open pend reasons are withdrawn and kept in history; nothing was in
  /// force, so nothing is reversed. The user needs the rights to resolve every open pend reason
  /// (role, authority and maker-checker of its step), or, when none is open, access to the policy.
  public func decline(_ code: String, reason: String, actor: String) throws -> CancellationRecord {
    try Self.requireReason(reason, for: "decline", example: "risk declined by underwriting")
    return try writing {
      let user = try knownUser(actor)
      let stored = try currentPolicy(code, for: user)
      try requireEveryVersion(user, of: stored, toDo: "decline")
      let transition = try decide(stored, previousVersionStatus: try previousVersionStatus(of: stored), .decline)
      let now = clock()
      try requireUnchanged("policy_data", keys: [stored.id])
      for pend in try openPendRows(policyID: stored.id) {
        if let refusal = try refusal(of: user, for: pend, policy: stored, time: now.timestamp) {
          throw StoreError(
            .notPermitted,
            "User '\(actor)' may not decline policy \(code): declining takes the rights to resolve its open pend "
              + "reasons. \(refusal)")
        }
      }
      try carryOut(transition, on: VersionRow(stored), actor: actor, at: now, note: "declined: \(reason)")
      let record = CancellationRecord(
        kind: .decline, version: stored.policy.version, effectiveDate: nil, reason: reason, actor: actor,
        at: now.iso8601, calculated: nil, calculationSetBy: nil, fromInception: false)
      try insertCancellation(record, policyID: stored.id, gid: stored.policy.gid)
      return record
    }
  }

  /// The cancellation of a policy version, if it was canceled or declined.
  public func cancellation(policyID: Int64) throws -> CancellationRecord? {
    try db.queryOne(
      """
      SELECT kind, version, effective_date, reason, actor, at, calculated, calculation_set_by, from_inception
      FROM cancellation WHERE policy_id = ? ORDER BY id DESC LIMIT 1
      """, [.integer(policyID)]
    ) { row in
      CancellationRecord(
        kind: CancellationRecord.Kind(rawValue: try row.string(at: 0)) ?? .cancel, version: try row.int(at: 1),
        effectiveDate: try row.optionalString(at: 2), reason: try row.optionalString(at: 3),
        actor: try row.string(at: 4), at: try row.string(at: 5), calculated: try row.optionalInt(at: 6).map { $0 != 0 },
        calculationSetBy: try row.optionalString(at: 7), fromInception: try row.int(at: 8) != 0)
    }
  }

  private func insertCancellation(_ record: CancellationRecord, policyID: Int64, gid: String) throws {
    let id = try db.insert(
      """
      INSERT INTO cancellation (policy_id, gid, version, kind, effective_date, reason, actor, at, calculated,
        calculation_set_by, from_inception)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        .integer(policyID), .text(gid), .integer(Int64(record.version)), .text(record.kind.rawValue),
        DatabaseValue(record.effectiveDate), DatabaseValue(record.reason), .text(record.actor), .text(record.at),
        record.calculated.map { .integer($0 ? 1 : 0) } ?? .null, DatabaseValue(record.calculationSetBy),
        .integer(record.fromInception ? 1 : 0),
      ])
    wrote("cancellation", keys: [id])
  }

  /// The status of the version before `stored`, when it has one.
  func previousVersionStatus(of stored: StoredPolicy) throws -> PolicyStatus? {
    guard stored.policy.version > 1 else { return nil }
    return try db.queryOne(
      "SELECT status FROM policy WHERE gid = ? AND version = ?",
      [.text(stored.policy.gid), .integer(Int64(stored.policy.version - 1))],
      row: { PolicyStatus(rawValue: try $0.string(at: 0)) }) ?? nil
  }

  /// The terms of the results in force: the document of the version they belong to and its flow,
  /// from the catalog snapshot of the cycle that approved it (the terms in force, not today's
  /// files). Nil when nothing is in force.
  private func termsInForce(gid: String) throws -> (data: JSON, flow: ProcessFlow?, version: Int?)? {
    guard let last = try resultsInForce(gid: gid).last else { return nil }
    let policyID = last.policyID
    guard
      let data = try db.queryOne(
        "SELECT data FROM policy_data WHERE policy_id = ?", [.integer(policyID)],
        row: { try JSON(parsing: try $0.string(at: 0)) }),
      let cycle = try db.queryOne(
        "SELECT catalog_hash, flow FROM cycle WHERE policy_id = ? AND status = 'Approved' ORDER BY id DESC LIMIT 1",
        [.integer(policyID)], row: { (try $0.string(at: 0), try $0.optionalString(at: 1)) }),
      let flowCode = cycle.1, let flow = try snapshotCatalog(cycle.0)?.flows[flowCode]
    else {
      throw StoreError(
        .refused, "The results in force cannot be settled: the catalog that computed them is not in the store.")
    }
    return (data, flow, last.stored.version)
  }
}

extension PolicyStore {
  /// Refuses a blank reason: a cancellation or decline records who acted and why.
  static func requireReason(_ reason: String, for what: String, example: String) throws {
    guard reason.contains(where: { !$0.isWhitespace }) else {
      throw StoreError(.invalidInput, "A \(what) needs a reason; give one, e.g. --reason '\(example)'.")
    }
  }
}
