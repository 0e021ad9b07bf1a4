import PolicyFlowCore

/// What a seal covers: the head of every policy's chain as of the seal's last link. Each seal
/// records the heads that changed since the seal before it (`audit_seal_head`), so the heads as of
/// any seal can be read back, checked against its root, and compared with the chains as they are
/// now: a chain rewritten after the seal is named, not only noticed.
extension AuditChain {
  /// The last link of a policy's chain as of a seal.
  struct SealedHead: Sendable, Hashable {
    /// The policy row the chain is kept under (its first version's): how seals tell chains apart.
    var chain: Int64
    var gid: String
    var seq: Int
    var link: String

    init(chain: Int64, gid: String, seq: Int, link: String) {
      (self.chain, self.gid, self.seq, self.link) = (chain, gid, seq, link)
    }

    /// A row that selects the chain, gid, seq and link, in this order.
    init(_ row: any DatabaseRow) throws {
      self.init(
        chain: try row.int64(at: 0), gid: try row.string(at: 1), seq: try row.int(at: 2), link: try row.string(at: 3))
    }
  }

  /// The chain heads as of the link `lastLink` (every link with a greater id left out): of the
  /// chains kept under a policy's first row now (a row put before it takes the chain away).
  static func heads(_ db: any DatabaseConnection, upTo lastLink: Int64) throws -> [SealedHead] {
    try db.query(headsSQL, [.integer(lastLink)], row: SealedHead.init)
  }

  /// The heads as of the link `?1`, as ``heads(_:upTo:)`` reads them: chain, gid, seq, link.
  private static let headsSQL = """
    SELECT a.chain, p.gid, a.seq, a.link FROM audit_link a
    JOIN (SELECT chain, max(seq) AS seq FROM audit_link WHERE id <= ?1 GROUP BY chain) h
      ON h.chain = a.chain AND h.seq = a.seq
    JOIN policy p ON p.id = a.chain
    WHERE \(isChainRow)
    """

  /// The number of chain heads as of the link `lastLink` and their Merkle root, hashed as the
  /// heads are read in gid byte order (`COLLATE "C"` on PostgreSQL, whose default collation
  /// orders text by language), without holding them.
  static func headsRoot(_ db: any DatabaseConnection, upTo lastLink: Int64) throws -> (chains: Int, root: String) {
    var leaves = MerkleLeaves()
    let order = db.dialect == .postgres ? #"p.gid COLLATE "C""# : "p.gid"
    _ = try db.query(headsSQL + " ORDER BY \(order)", [.integer(lastLink)]) { row in
      leaves.append(gid: try row.string(at: 1), seq: try row.int(at: 2), link: try row.string(at: 3))
    }
    guard leaves.isInOrder else {
      // Not expected of either database; the heads are then sorted here, as a proof sorts them.
      let heads = try heads(db, upTo: lastLink)
      return (heads.count, merkleRoot(of: heads))
    }
    return (leaves.count, leaves.tree(proofAt: nil).root)
  }

  /// The Merkle root over `heads`, by the rules of the root over `(gid, seq, link)` triples.
  static func merkleRoot(of heads: [SealedHead]) -> String {
    merkleRoot(heads.map { (gid: $0.gid, seq: $0.seq, link: $0.link) })
  }

  /// The heads recorded by the seals up to the seal `seal` (its id), or by every seal when nil:
  /// per chain, the row of the latest of those seals that recorded one, unless that row says the
  /// chain had no head then. Seals taken before schema 16 recorded nothing.
  static func recordedHeads(_ db: any DatabaseConnection, asOf seal: Int64? = nil) throws -> [SealedHead] {
    try db.query(recordedHeadsSQL, [.integer(seal ?? Int64.max)], row: SealedHead.init)
  }

  /// The heads recorded up to the seal `?1`, as ``recordedHeads(_:asOf:)`` reads them.
  private static let recordedHeadsSQL = """
    SELECT h.chain, h.gid, h.seq, h.link FROM audit_seal_head h
    JOIN (SELECT chain, max(seal) AS seal FROM audit_seal_head WHERE seal <= ?1 GROUP BY chain) r
      ON r.chain = h.chain AND r.seal = h.seal
    WHERE h.link IS NOT NULL
    """

  /// What a seal of the heads as of the link `lastLink` records after the seals before it: every
  /// head that differs from the one last recorded for its chain (or is the chain's first), and
  /// every chain recorded with a head that has none now, by chain. Read back up to that seal,
  /// the recorded heads are then the heads exactly. Worked out by the database, so that only the
  /// changes are held (a seal taken daily holds that day's, not a million heads twice).
  static func headChanges(_ db: any DatabaseConnection, upTo lastLink: Int64) throws -> [HeadChange] {
    // ?1 in the heads, ?2 in the recorded heads.
    let heads = "(\(headsSQL)) c"
    let recorded = "(\(recordedHeadsSQL.replacingOccurrences(of: "?1", with: "?2"))) r"
    let arguments: [DatabaseValue] = [.integer(lastLink), .integer(Int64.max)]
    let changed = try db.query(
      """
      SELECT c.chain, c.gid, c.seq, c.link FROM \(heads) LEFT JOIN \(recorded) ON r.chain = c.chain
      WHERE r.chain IS NULL OR r.gid <> c.gid OR r.seq <> c.seq OR r.link <> c.link
      """, arguments
    ) { row in
      HeadChange(
        chain: try row.int64(at: 0), gid: try row.string(at: 1), head: (try row.int(at: 2), try row.string(at: 3)))
    }
    let gone = try db.query(
      "SELECT r.chain, r.gid FROM \(recorded) LEFT JOIN \(heads) ON c.chain = r.chain WHERE c.chain IS NULL", arguments
    ) { row in HeadChange(chain: try row.int64(at: 0), gid: try row.string(at: 1), head: nil) }
    return (changed + gone).sorted { $0.chain < $1.chain }
  }

  /// A row a seal adds to `audit_seal_head`: a chain's head as of the seal, or (nil) that the
  /// chain, on the seal before, has no head now.
  struct HeadChange: Sendable {
    var chain: Int64
    var gid: String
    var head: (seq: Int, link: String)?
  }

  /// Records `changes` as the seal `seal`'s rows of `audit_seal_head`.
  static func recordHeads(_ db: any DatabaseConnection, _ changes: [HeadChange], seal: Int64) throws {
    try db.insertRows(
      changes.map { change in
        [
          .integer(seal), .integer(change.chain), .text(change.gid),
          change.head.map { .integer(Int64($0.seq)) } ?? .null, change.head.map { .text($0.link) } ?? .null,
        ]
      }, into: "audit_seal_head", columns: ["seal", "chain", "gid", "seq", "link"])
  }
}
