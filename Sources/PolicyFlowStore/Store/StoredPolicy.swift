public import PolicyFlowCore

/// A policy version as the store holds it.
public struct StoredPolicy: Sendable, Hashable {
  /// The row id, stable for this version.
  public var id: Int64
  public var policy: PolicyVersion
  /// Whether this is the version users see and change (the latest that was not reverted).
  public var isCurrent: Bool
  /// The data access group that may see and change it; nil: everyone with the right role.
  public var accessGroup: String?
  /// Who last edited or submitted it (maker-checker compares resolvers against this).
  public var lastChangedBy: String?

  init(id: Int64, policy: PolicyVersion, isCurrent: Bool, accessGroup: String?, lastChangedBy: String?) {
    self.id = id
    self.policy = policy
    self.isCurrent = isCurrent
    self.accessGroup = accessGroup
    self.lastChangedBy = lastChangedBy
  }

  static let columns =
    "id, code, version, gid, status, source, process_flow, data, is_current, access_group, last_changed_by"

  /// The tables ``columns`` are read from: a policy's row and its document.
  static let tables = "policy JOIN policy_data ON policy_data.policy_id = policy.id"

  init(row: SQLiteRow) throws {
    id = row.int64(at: 0)
    let statusText = row.string(at: 4)
    let sourceText = row.string(at: 5)
    guard let status = PolicyStatus(rawValue: statusText), let source = PolicySource(rawValue: sourceText) else {
      throw StoreError(.invalidInput, "The store holds an unknown status '\(statusText)' or source '\(sourceText)'.")
    }
    policy = PolicyVersion(
      code: row.string(at: 1), version: row.int(at: 2), gid: row.string(at: 3), status: status, source: source,
      processFlow: row.isNull(at: 6) ? nil : row.string(at: 6), data: try JSON(parsing: row.string(at: 7)))
    isCurrent = row.int(at: 8) != 0
    accessGroup = row.isNull(at: 9) ? nil : row.string(at: 9)
    lastChangedBy = row.isNull(at: 10) ? nil : row.string(at: 10)
  }
}
