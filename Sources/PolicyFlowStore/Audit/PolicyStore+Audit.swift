import PolicyFlowCore

/// `audit seal`, `audit verify` and `audit export`: proving that no decision was changed after the
/// fact (see ``AuditChain`` for what is hashed).
extension PolicyStore {
  /// One thing `audit verify` found wrong, naming the policy, the row or link, and what was
  /// expected and found.
  public struct AuditProblem: Sendable, Hashable {
    public enum Kind: String, Sendable {
      /// A row differs from what its last link recorded.
      case changed
      /// A row a link recorded is gone.
      case removed
      /// A row no link recorded (or one a link removed) exists.
      case inserted
      /// A link does not follow from the one before it and its entries.
      case brokenLink = "broken-link"
      /// A link of the chain is missing.
      case missingLink = "missing-link"
      /// A catalog snapshot's files do not hash to its name.
      case catalog
      /// The chains as of a seal do not give the seal's digest.
      case seal
      /// A policy version's status is not where its status history ends.
      case status
      /// A link's database login (PostgreSQL) may not have written what it lists.
      case login
      /// A policy row disagrees with the chained history: its code is not its document's, or the
      /// version shown as current is not the latest.
      case policy
    }

    public var gid: String
    public var code: String?
    public var kind: Kind
    public var table: String?
    public var key: Int64?
    public var seq: Int?
    /// What the chain or seal says should be there (a hash, mostly); nil when nothing should be
    /// (a row no link listed) or when the problem is not one of two values.
    public var expected: String?
    /// What is there; nil when nothing is (a row or chain removed).
    public var found: String?
    /// A sentence saying what is wrong.
    public var message: String
  }

  /// What `audit verify` checked and found.
  public struct AuditReport: Sendable {
    public var policies = 0
    public var links = 0
    public var rows = 0
    public var catalogs = 0
    public var problems: [AuditProblem] = []
    /// The seal the chains were checked against: the one `--since-seal` names, else the latest
    /// (whose recorded heads a plain verify compares the chains with); nil when there is none.
    public var seal: AuditSeal?
  }

  /// A recorded `audit seal`: a digest over every policy's chain head.
  public struct AuditSeal: Sendable, Hashable {
    /// The seal's row: seals are numbered in the order they were taken.
    public var id: Int64
    /// What to publish outside the store: SHA-256 (hex) of the format, the time, the last link, the
    /// number of chains and the root.
    public var digest: String
    public var at: String
    /// The id of the last link the seal covers.
    public var lastLink: Int64
    public var chains: Int
    /// The Merkle root over the chain heads.
    public var root: String
    public var sealedBy: String
    /// How many rows the seal added to the chain heads recorded with the seals (those of the chains
    /// whose head changed since the seal before), from which `--since-seal` names a changed chain;
    /// nil for a seal taken before schema 16, which recorded none.
    public var recordedHeads: Int?
    /// True when `audit seal` found this seal, recorded by another while it read the heads,
    /// covering every link it read, and gave it instead of recording one of its own.
    public var wasRecordedMeanwhile = false
  }

  /// How far a verification has come.
  public struct AuditProgress: Sendable {
    public var policies: Int
    public var total: Int
  }

  func requireAdministrator(_ actor: String, to action: String) throws {
    let user = try knownUser(actor)
    guard user.isAdmin else {
      throw StoreError(.notPermitted, "User '\(actor)' may not \(action): only administrators may.")
    }
  }
}
