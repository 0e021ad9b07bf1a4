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

  /// The start of a query for policy versions, which ``init(row:)`` reads: each version's row
  /// with its document (a `WHERE` on `policy`'s columns follows).
  static let select = """
    SELECT id, code, version, gid, status, source, process_flow, data, is_current, access_group, last_changed_by
    FROM policy JOIN policy_data ON policy_data.policy_id = policy.id
    """

  init(row: any DatabaseRow) throws {
    self = try StoredPolicy.Unparsed(row: row).parsed()
  }

  /// A policy row read by ``select`` with its document still text: read inside a
  /// transaction, parsed after it, so that a write lock is not held while JSON is parsed.
  struct Unparsed {
    var id: Int64
    var code: String
    var version: Int
    var gid: String
    var status: String
    var source: String
    var processFlow: String?
    var dataText: String
    var isCurrent: Bool
    var accessGroup: String?
    var lastChangedBy: String?

    init(row: any DatabaseRow) throws {
      id = try row.int64(at: 0)
      code = try row.string(at: 1)
      version = try row.int(at: 2)
      gid = try row.string(at: 3)
      status = try row.string(at: 4)
      source = try row.string(at: 5)
      processFlow = try row.optionalString(at: 6)
      dataText = try row.string(at: 7)
      isCurrent = try row.int(at: 8) != 0
      accessGroup = try row.optionalString(at: 9)
      lastChangedBy = try row.optionalString(at: 10)
    }

    func parsed() throws -> StoredPolicy {
      guard let status = PolicyStatus(rawValue: status), let source = PolicySource(rawValue: source) else {
        throw StoreError(
          .damaged,
          "The store holds policy \(code) version \(version) with an unknown status '\(status)' or source "
            + "'\(source)'; it was changed outside PolicyFlow.")
      }
      let data: JSON
      // Deferred: the objects of the document no rule reads are checked, never built.
      do { data = try JSON(parsingDeferred: dataText) } catch {
        throw StoreError(
          .damaged,
          "The stored document of policy \(code) version \(version) cannot be read (\(error)); the store was "
            + "changed outside PolicyFlow. Restore the policy from a backup of the store.")
      }
      return StoredPolicy(
        id: id,
        policy: PolicyVersion(
          code: code, version: version, gid: gid, status: status, source: source, processFlow: processFlow,
          data: data),
        isCurrent: isCurrent, accessGroup: accessGroup, lastChangedBy: lastChangedBy)
    }
  }
}
