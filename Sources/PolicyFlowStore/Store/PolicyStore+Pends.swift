public import PolicyFlowCore

extension PolicyStore {
  /// Which open pend reasons to list.
  public struct PendFilter: Sendable {
    public var reason: String?
    /// A step name or display name.
    public var step: String?
    public var flow: String?
    /// Only pends older than this many milliseconds.
    public var olderThanMilliseconds: Int64?

    public init(reason: String? = nil, step: String? = nil, flow: String? = nil, olderThanMilliseconds: Int64? = nil) {
      self.reason = reason
      self.step = step
      self.flow = flow
      self.olderThanMilliseconds = olderThanMilliseconds
    }
  }

  /// Open pend reasons of current versions the reader may see, oldest first.
  public func openPends(_ filter: PendFilter = PendFilter(), readBy reader: String? = nil) throws -> [OpenPend] {
    let user: User? = try reader.map { try self.readingUser($0) } ?? nil
    var conditions = ["h.is_open = 1", "p.is_current = 1"]
    var arguments: [DatabaseValue] = []
    if let reason = filter.reason {
      conditions.append("h.reason = ?")
      arguments.append(.text(reason))
    }
    if let step = filter.step {
      conditions.append("(h.step = ? OR h.step_display_name = ?)")
      arguments += [.text(step), .text(step)]
    }
    if let flow = filter.flow {
      conditions.append("c.flow = ?")
      arguments.append(.text(flow))
    }
    if let age = filter.olderThanMilliseconds {
      conditions.append("h.pended_at < ?")
      arguments.append(.text(clock().adding(milliseconds: -age).iso8601))
    }
    let rows: [OpenPend?] = try db.query(
      """
      SELECT p.code, p.version, h.reason, h.description, h.step_display_name, h.pended_at, p.access_group, c.flow, h.step,
        p.gid
      FROM pend_history h JOIN policy p ON p.id = h.policy_id LEFT JOIN cycle c ON c.id = h.cycle_id
      WHERE \(conditions.joined(separator: " AND ")) ORDER BY h.pended_at, p.code, h.id
      """, arguments
    ) { row -> OpenPend? in
      guard PolicyStore.mayAccess(user, accessGroup: try row.optionalString(at: 6)) else { return nil }
      return OpenPend(
        policy: try row.string(at: 0), version: try row.int(at: 1), reason: try row.string(at: 2),
        description: try row.string(at: 3),
        step: try row.string(at: 4), pendedAt: try row.string(at: 5), flow: try row.optionalString(at: 7),
        stepName: try row.string(at: 8), gid: try row.string(at: 9))
    }
    return rows.compactMap { $0 }
  }

  /// What a resolution did.
  public struct Resolution: Sendable, Hashable {
    public var resolved: [String]
    /// Reasons still open (the user may not resolve them, or did not ask to).
    public var remaining: [String]
    /// True when no reason remains and the policy was resubmitted.
    public var resubmitted: Bool
  }

  /// Resolves pend reasons of `code` with a note. `reasons` nil means every open reason the
  /// user may resolve. The user needs, for each reason, a role of the step it was attached in,
  /// that role's authority over the policy data, and, under maker-checker, to be none of the
  /// users who created, imported, edited or submitted the version's data. Resolving the last
  /// open reason resubmits it.
  public func resolve(_ code: String, reasons: [String]?, note: String, actor: String, at time: Timestamp? = nil) throws
    -> Resolution
  {
    try writing {
      let user = try knownUser(actor)
      let stored = try currentPolicy(code, for: user)
      let open = try openPendRows(policyID: stored.id)
      guard stored.policy.status == .pended, !open.isEmpty else {
        _ = try decide(stored, .resolve(openPendReasonsRemaining: 0))
        throw StoreError(.refused, "Policy \(code) has no open pend reasons.")
      }
      let openCodes = open.map(\.reason)
      for reason in reasons ?? [] where !openCodes.contains(reason) {
        throw StoreError(
          .invalidInput,
          "Pend reason '\(reason)' is not open on policy \(code).\(Suggestion.didYouMean(reason, among: openCodes)) "
            + "Open: \(openCodes.joined(separator: ", ")).")
      }
      // Authority is weighed against the document: the one chained, not one changed since.
      try requireUnchanged("policy_data", keys: [stored.id])
      var chosen: [Int64] = []
      var refusals: [String] = []
      for pend in open where reasons?.contains(pend.reason) ?? true {
        if let refusal = try refusal(of: user, for: pend, policy: stored, time: time ?? clock().timestamp) {
          refusals.append(refusal)
        } else {
          chosen.append(pend.id)
        }
      }
      if reasons != nil, let refusal = refusals.first { throw StoreError(.notPermitted, refusal) }
      if chosen.isEmpty {
        throw StoreError(.notPermitted, refusals.first ?? "User '\(actor)' may resolve none of the open pend reasons.")
      }
      try requireUnchanged("pend_history", keys: chosen)
      let now = clock()
      // A resolution records the data it was given on (the version and when its data last
      // changed): a reason whose step limits authority fires again once that data changes.
      for id in chosen {
        try db.execute(
          """
          UPDATE pend_history SET is_open = 0, resolved_by = ?, resolved_at = ?, note = ?, resolved_version = ?,
            resolved_data_at = (SELECT data_changed_at FROM policy WHERE id = pend_history.policy_id)
          WHERE id = ?
          """,
          [.text(actor), .text(now.iso8601), .text(note), .integer(Int64(stored.policy.version)), .integer(id)])
      }
      wrote("pend_history", keys: chosen)
      let remaining = open.filter { !chosen.contains($0.id) }.map(\.reason)
      let transition = try decide(stored, .resolve(openPendReasonsRemaining: remaining.count))
      // last_changed_by stays: it names who last edited or submitted the policy, the maker that
      // maker-checker compares resolvers with, not the checker who resolved.
      try carryOut(transition, on: VersionRow(stored), actor: actor, at: now)
      return Resolution(
        resolved: open.filter { chosen.contains($0.id) }.map(\.reason), remaining: remaining,
        resubmitted: transition.enqueuesForWorker)
    }
  }

  /// An open pend reason of a policy version, with the catalog and flow that attached it.
  struct OpenPendRow {
    var id: Int64
    var reason: String
    var step: String
    var hash: String?
    var flow: String?
  }

  /// The open pend reasons of the policy row `policyID`, oldest first.
  func openPendRows(policyID: Int64) throws -> [OpenPendRow] {
    try db.query(
      """
      SELECT h.id, h.reason, h.step, c.catalog_hash, c.flow FROM pend_history h LEFT JOIN cycle c ON c.id = h.cycle_id
      WHERE h.policy_id = ? AND h.is_open = 1 ORDER BY h.id
      """, [.integer(policyID)]
    ) {
      OpenPendRow(
        id: try $0.int64(at: 0), reason: try $0.string(at: 1), step: try $0.string(at: 2),
        hash: try $0.optionalString(at: 3), flow: try $0.optionalString(at: 4))
    }
  }

  /// The users who made the data of the version being decided, whom maker-checker keeps from
  /// deciding it: whoever created or imported, edited or submitted this version, and the last
  /// user to change it (all that a store written before events were recorded knows). A submit of
  /// a policy already In Process is recorded as ``StatusHistoryRow/submitAgain``: it changed
  /// nothing, so it makes no maker.
  ///
  /// A version starts from the data of the one before it, so the makers of earlier versions that
  /// were never approved are this one's too, back to the last version approved: a change
  /// canceled unapproved came back in the next version with its maker free to approve it
  /// (money trial).
  /// Each maker is given with the latest version they made.
  func makers(of policy: StoredPolicy) throws -> [String: Int] {
    var makers: [String: Int] = [:]
    let add = { (names: Set<String>, version: Int) in
      for name in names where makers[name] == nil { makers[name] = version }
    }
    add(try madeBy(version: policy.policy.version, row: policy.id), policy.policy.version)
    if let last = policy.lastChangedBy { add([last], policy.policy.version) }
    let earlier = try db.query(
      """
      SELECT p.id, p.version,
        CASE WHEN EXISTS (SELECT 1 FROM status_history s WHERE s.policy_id = p.id AND s.status = 'Approved')
          THEN 1 ELSE 0 END
      FROM policy p WHERE p.gid = ? AND p.version < ? ORDER BY p.version DESC
      """, [.text(policy.policy.gid), .integer(Int64(policy.policy.version))]
    ) { (id: try $0.int64(at: 0), version: try $0.int(at: 1), approved: try $0.int(at: 2)) }
    // Their makers by their events alone: the last to change an earlier version may have canceled
    // or reverted it, which makes no data (a reviewer who canceled a bad change could not check
    // the next version; review).
    for version in earlier {
      guard version.approved == 0 else { break }
      add(try madeBy(version: version.version, row: version.id), version.version)
    }
    return makers
  }

  /// Who created or imported, edited or submitted version `version`, whose policy row is `row`.
  private func madeBy(version: Int, row: Int64) throws -> Set<String> {
    Set(
      try db.query(
        """
        SELECT DISTINCT actor FROM status_history
        WHERE policy_id = ? AND version = ? AND event IN ('create', 'edit', 'submit')
        """, [.integer(row), .integer(Int64(version))], row: { try $0.string(at: 0) }))
  }

  /// Why `user` may not resolve `pend`, or nil when they may.
  func refusal(of user: User, for pend: OpenPendRow, policy: StoredPolicy, time: Timestamp) throws -> String? {
    guard let hash = pend.hash, let flow = pend.flow, let catalog = try snapshotCatalog(hash),
      let step = catalog.flows[flow]?.steps.first(where: { $0.name == pend.step })
    else {
      return
        "The rights for pend reason '\(pend.reason)' cannot be read: the catalog that attached it is not in the store."
    }
    let resolvers = step.resolvers
    let roles = resolvers.roles.filter(user.roles.contains)
    guard !roles.isEmpty else {
      return
        "User '\(user.name)' may not resolve '\(pend.reason)' on policy \(policy.policy.code): step '\(step.displayName)' "
        + "needs one of the roles \(resolvers.roles.joined(separator: ", ")); the user has "
        + (user.roles.isEmpty ? "none" : user.roles.joined(separator: ", ")) + "."
    }
    if let beyond = beyondAuthority(of: roles, in: resolvers, over: policy.policy.data, at: time) {
      let others = resolvers.roles.filter { !roles.contains($0) }
      return "User '\(user.name)' may not resolve '\(pend.reason)' on policy \(policy.policy.code) in step "
        + "'\(step.displayName)': \(beyond)"
        + (others.isEmpty ? "." : "; a user with the role \(others.joined(separator: " or ")) may.")
    }
    if resolvers.makerChecker, let made = try makers(of: policy)[user.name] {
      let carried =
        made == policy.policy.version
        ? "" : ", never approved, whose changes version \(policy.policy.version) carries"
      return
        "User '\(user.name)' may not resolve '\(pend.reason)' on policy \(policy.policy.code): step '\(step.displayName)' "
        + "requires a second person (maker-checker), and '\(user.name)' created, imported, edited or submitted the "
        + "data of version \(made)\(carried)."
    }
    return nil
  }

  /// Nil when any of `roles` is within its authority over `data`; else why none is, with the
  /// values each limit read.
  private func beyondAuthority(of roles: [String], in resolvers: PendResolvers, over data: JSON, at time: Timestamp)
    -> String?
  {
    var reasons: [String] = []
    for role in roles {
      guard let authority = resolvers.authority(of: role) else { return nil }
      var trace = LogicTrace()
      let allowed = (try? authority.evaluate(data, in: LogicContext(now: time), trace: &trace).isTruthy) ?? false
      if allowed { return nil }
      let values = trace.reads.map { "\($0.path) = \($0.value?.serialized() ?? "(missing)")" }
      reasons.append(
        "as \(role) it is beyond the authority \(authority.source.serialized())"
          + (values.isEmpty ? "" : " (the policy has \(values.joined(separator: ", ")))"))
    }
    return reasons.joined(separator: "; ")
  }

  /// The catalog a snapshot holds, loaded once per store. A snapshot whose files no longer hash
  /// to its name was changed behind the engine's back: its rights, limits and rules are refused
  /// (pends resolved, premiums recalculated or policies processed under it would follow the
  /// forgery), as `audit verify` names it.
  public func snapshotCatalog(_ hash: String) throws -> Catalog? {
    if let cached = catalogCache.withLock({ $0[hash] }) { return cached }
    guard let files = try snapshotFiles(hash) else { return nil }
    guard CatalogLoader.contentHash(files) == hash else {
      throw StoreError(
        .damaged,
        "The catalog snapshot \(hash) was changed behind the engine's back: its files no longer hash to its name, "
          + "so its rules, rights and limits cannot be trusted and nothing was done under it. 'policyflow audit "
          + "verify' names it; restore the snapshot from a backup.")
    }
    guard let catalog = CatalogLoader.load(files: files, isStored: true).catalog else { return nil }
    catalogCache.withLock { $0[hash] = catalog }
    return catalog
  }
}
