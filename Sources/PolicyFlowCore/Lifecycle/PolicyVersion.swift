/// One version of a policy: the engine-managed fields and the free-form business data.
///
/// `(code, version)` and `(gid, version)` are unique. Every version of a policy shares its `code`
/// and `gid`; an edit of an Approved or Canceled version makes version + 1 (see ``PolicyLifecycle``).
public struct PolicyVersion: Sendable, Hashable {
  /// The human identifier, e.g. `P-1`.
  public var code: String
  /// 1 for the version created or imported; + 1 for each edit of an Approved or Canceled version.
  public var version: Int
  /// A lowercase UUID issued when the policy is created and shared by all its versions.
  public var gid: String
  public var status: PolicyStatus
  public var source: PolicySource
  /// The process flow named explicitly for this policy; nil lets the engine choose the default of
  /// its line of business, else the catalog default.
  public var processFlow: String?
  /// The business fields (policyholder, enrollments, premium…).
  public var data: JSON

  /// - Precondition: `version >= 1` and `gid` is a lowercase UUID. The engine issues both, so a
  ///   violation is a programming error, not bad user input.
  public init(
    code: String, version: Int, gid: String, status: PolicyStatus, source: PolicySource,
    processFlow: String? = nil, data: JSON
  ) {
    precondition(version >= 1, "policy versions start at 1, got \(version)")
    precondition(PolicyVersion.isWellFormedGID(gid), "gid must be a lowercase UUID, got '\(gid)'")
    self.code = code
    self.version = version
    self.gid = gid
    self.status = status
    self.source = source
    self.processFlow = processFlow
    self.data = data
  }

  /// Whether `gid` is a UUID in its canonical lowercase text form
  /// (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits `0-9a-f`).
  public static func isWellFormedGID(_ gid: String) -> Bool {
    let utf8 = Array(gid.utf8)
    guard utf8.count == 36 else { return false }
    for (index, byte) in utf8.enumerated() {
      switch index {
      case 8, 13, 18, 23:
        guard byte == UInt8(ascii: "-") else { return false }
      default:
        let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        let isLowerHex = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")
        guard isDigit || isLowerHex else { return false }
      }
    }
    return true
  }

  /// The lifecycle state of this version, to ask what an event would do.
  ///
  /// - Parameters:
  ///   - isLatest: whether no higher version of this policy exists.
  ///   - previousVersionStatus: the status of version - 1, needed only to revert.
  public func lifecycle(isLatest: Bool, previousVersionStatus: PolicyStatus? = nil) -> PolicyLifecycle {
    PolicyLifecycle(
      code: code, version: version, status: status, isLatest: isLatest,
      previousVersionStatus: previousVersionStatus)
  }
}
