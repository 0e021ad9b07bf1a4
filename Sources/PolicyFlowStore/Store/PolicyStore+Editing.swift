public import PolicyFlowCore

extension PolicyStore {
  /// What an edit did to the policy's versions.
  public struct EditResult: Sendable, Hashable {
    public var version: Int
    /// True when the edit made a new version (of an Approved or Canceled policy).
    public var isNewVersion: Bool
    /// Open pend reasons the edit withdrew (kept in pend history).
    public var withdrawnPendReasons: Int
    /// False when the edit gave every field the value it had: nothing was written (no new
    /// version, no status change, no pend withdrawn). `status` is the policy's, then, as it was.
    public var isChanged = true
    public var status = PolicyStatus.edit
  }

  /// Changes a policy's data: `changes` maps dotted paths to values (`--set`), or `replacement`
  /// replaces the whole document (`--data`). Engine fields `code` and `gid` cannot change.
  /// An edit is a person's change, so the policy's source becomes `manual`.
  ///
  /// - Parameters:
  ///   - origin: where `replacement` was read (`FILE:LINE`), which each problem names.
  ///   - fieldOrigin: where a field of `replacement` is written (`FILE:LINE`), named instead of
  ///     `origin` by its problem when known.
  public func edit(
    _ code: String, changes: [(path: String, value: JSON)] = [], replacement: JSON? = nil, origin: String? = nil,
    fieldOrigin: (String) -> String? = { _ in nil }, actor: String
  ) throws -> EditResult {
    try writing {
      let user = try knownUser(actor)
      let stored = try currentPolicy(code, for: user)
      let transition = try decide(stored, .edit)
      // Its document is edited, or copied into the new version: it must be the one chained.
      try requireUnchanged("policy_data", keys: [stored.id])
      var data = replacement ?? stored.policy.data
      // A replacement document may leave the code out: it cannot change anyway.
      if data[path: "code"] == nil { data.set(path: "code", to: .string(code)) }
      for change in changes {
        guard change.path != "code" else {
          throw StoreError(.invalidInput, "The code of a policy cannot be edited; import a new policy instead.")
        }
        if let problem = data.problemSetting(path: change.path) {
          throw StoreError(
            .invalidInput, "Cannot set \(change.path) of policy \(code): \(problem). Nothing was changed.")
        }
        data.set(path: change.path, to: change.value)
      }
      if let newCode = data[path: "code"], newCode != .string(code) {
        throw StoreError(
          .invalidInput,
          "The data's code \(newCode.serialized()) differs from '\(code)'; the code of a policy cannot change.")
      }
      data.set(path: "source", to: .string(PolicySource.manual.rawValue))
      // An edit that changes nothing of an Edit or Approved version would write a version (or send
      // an approved policy back through its flow) for nothing: nothing is done, and the caller
      // says so. Of a Pended or Canceled one it is a transition of its own (back to Edit, its
      // pends withdrawn; a canceled policy re-issued as it was), and is made. Compared as text:
      // `==` on texts is Unicode equivalence, and a composed accent replacing a decomposed one
      // is a change of the document.
      var unchanged = stored.policy.data
      unchanged.set(path: "source", to: .string(PolicySource.manual.rawValue))
      if [.edit, .approved].contains(stored.policy.status), data.serialized() == unchanged.serialized() {
        return EditResult(
          version: stored.policy.version, isNewVersion: false, withdrawnPendReasons: 0, isChanged: false,
          status: stored.policy.status)
      }
      let problems = PolicyImport.fieldProblems(in: data, besides: stored.policy.data)
      if !problems.isEmpty {
        throw StoreError(
          .invalidInput,
          "The edit would leave policy \(code) invalid, so nothing was changed:\n  "
            + problems.map { problem in
              ((fieldOrigin(problem.field) ?? origin).map { "\($0): " } ?? "") + "\(problem.field): \(problem.sentence)"
            }.joined(separator: "\n  "))
      }
      // Moving a policy between groups needs both groups; clearing its group opens it to every
      // user, so only an administrator may. Decided before anything is written: on PostgreSQL the
      // server's row security would refuse the write first, in its own words.
      let newGroup = data[path: "accessGroup"]?.stringValue
      if newGroup != stored.accessGroup, !user.isAdmin {
        guard let newGroup else {
          throw StoreError(
            .notPermitted,
            "User '\(actor)' may not remove policy \(code) from data access group '\(stored.accessGroup ?? "")': that "
              + "makes it visible to everyone, which only administrators may do.")
        }
        guard user.groups.contains(newGroup) else {
          throw StoreError(
            .notPermitted,
            "User '\(actor)' may not move policy \(code) to data access group '\(newGroup)', which the user does not hold."
          )
        }
      }
      let now = clock()
      var policyID = stored.id
      var version = stored.policy.version
      switch transition.versionEffect {
      case .newVersion(let number):
        try db.execute("UPDATE policy SET is_current = 0 WHERE id = ?", [.integer(stored.id)])
        let row: [DatabaseValue] = [
          .text(code), .integer(Int64(number)), .text(stored.policy.gid), .text(transition.status.rawValue),
          DatabaseValue(data[path: "processFlow"]?.stringValue), DatabaseValue(data[path: "accessGroup"]?.stringValue),
          .text(actor), .text(now.iso8601), .text(now.iso8601), .text(now.iso8601),
        ]
        policyID = try db.insert(
          """
          INSERT INTO policy (code, version, gid, status, source, process_flow, access_group, is_current,
            last_changed_by, data_changed_at, created_at, updated_at)
          VALUES (?, ?, ?, ?, 'manual', ?, ?, 1, ?, ?, ?, ?)
          """, row)
        try storeData(policyID: policyID, data.serialized())
        version = number
      default:
        try db.execute(
          """
          UPDATE policy SET source = 'manual', process_flow = ?, access_group = ?, data_changed_at = ?
          WHERE id = ?
          """,
          [
            DatabaseValue(data[path: "processFlow"]?.stringValue),
            DatabaseValue(data[path: "accessGroup"]?.stringValue), .text(now.iso8601), .integer(stored.id),
          ])
        try storeData(policyID: stored.id, data.serialized())
      }
      let carried = try carryOut(
        transition, on: VersionRow(id: policyID, gid: stored.policy.gid, version: version), actor: actor, at: now,
        setsMaker: true)
      return EditResult(
        version: version, isNewVersion: policyID != stored.id, withdrawnPendReasons: carried.withdrawnPendReasons)
    }
  }

  /// Removes the edit version and makes the previous version current again.
  public func revert(_ code: String, actor: String) throws -> StoredPolicy {
    try writing {
      let user = try knownUser(actor)
      let stored = try currentPolicy(code, for: user)
      try requireEveryVersion(user, of: stored, toDo: "revert")
      let previous = try db.queryOne(
        "\(StoredPolicy.select) WHERE gid = ? AND version = ?",
        [.text(stored.policy.gid), .integer(Int64(stored.policy.version - 1))], row: { try StoredPolicy(row: $0) })
      let transition = try decide(stored, previousVersionStatus: previous?.policy.status, .revert)
      guard case .removeEditVersion = transition.versionEffect, let previous else {
        preconditionFailure("revert must remove the edit version and restore the previous one")
      }
      try requireAccess(user, to: previous)
      // The edit version goes, its history stays: every row moves to the restored version,
      // marked with the version it was written for.
      let removed = DatabaseValue.integer(stored.id)
      let restored = DatabaseValue.integer(previous.id)
      let mark = DatabaseValue.text("version \(stored.policy.version), reverted")
      // What the revert moves or removes must be as the chain recorded it (a change behind the
      // engine's back would otherwise be moved or removed with it, unseen).
      let cancellations = try db.query(
        "SELECT id FROM cancellation WHERE policy_id = ?", [removed], row: { try $0.int64(at: 0) })
      for table in ["status_history", "pend_history"] {
        try requireUnchanged(
          table,
          keys: try db.query("SELECT id FROM \(table) WHERE policy_id = ?", [removed], row: { try $0.int64(at: 0) }))
      }
      try requireUnchanged("policy_data", keys: [stored.id])
      try requireUnchanged("cancellation", keys: cancellations)
      for table in ["status_history", "pend_history"] {
        let moved = try db.query(
          "UPDATE \(table) SET policy_id = ?, note = coalesce(note || '; ', '') || ? WHERE policy_id = ? RETURNING id",
          [restored, mark, removed], row: { try $0.int64(at: 0) })
        wrote(table, keys: moved)
      }
      // Neither covers the policy row a row belongs to, only the gid and version it was written
      // for: moving them changes nothing the chain covers.
      for table in ["cycle", "calculation"] {
        try db.execute("UPDATE \(table) SET policy_id = ? WHERE policy_id = ?", [restored, removed])
      }
      // The edit version's document and any cancellation record of it go with it.
      self.removed(from: "policy_data", keys: [stored.id], gid: stored.policy.gid)
      self.removed(from: "cancellation", keys: cancellations, gid: stored.policy.gid)
      try db.execute("DELETE FROM activity WHERE policy_id = ?", [removed])
      try db.execute("DELETE FROM policy WHERE id = ?", [removed])
      let now = clock()
      try db.execute(
        "UPDATE policy SET is_current = 1, last_changed_by = ?, updated_at = ? WHERE id = ?",
        [.text(actor), .text(now.iso8601), .integer(previous.id)])
      try carryOut(
        transition, on: VersionRow(previous), actor: actor, at: now,
        note: transition.statusHistory.note ?? "reverted: version \(stored.policy.version) removed")
      return try currentPolicy(code)!
    }
  }
}
