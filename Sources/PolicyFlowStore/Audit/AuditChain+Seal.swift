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

  /// The heads of the chains of `gids` as of the link `lastLink`, as ``heads(_:upTo:)`` reads
  /// them but only those chains' links (through the index of `(chain, seq)`): a verify of one
  /// policy reads its chain, not every link up to the seal.
  static func heads(_ db: any DatabaseConnection, of gids: [String], upTo lastLink: Int64) throws -> [SealedHead] {
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    return try db.query(
      """
      SELECT a.chain, p.gid, a.seq, a.link FROM audit_link a
      JOIN (
        SELECT chain, max(seq) AS seq FROM audit_link
        WHERE id <= ?1 AND \(db.dialect.isOneOfIntegers("chain", jsonArray: "?2"))
        GROUP BY chain) h
        ON h.chain = a.chain AND h.seq = a.seq
      JOIN policy p ON p.id = a.chain
      WHERE \(isChainRow)
      """, [.integer(lastLink), .text(try chainRows(db, of: list))], row: SealedHead.init)
  }

  /// The chains (each policy's first row) of the gids in the JSON array `list`, as a JSON array.
  private static func chainRows(_ db: any DatabaseConnection, of list: DatabaseValue) throws -> String {
    let rows = try db.query(
      "SELECT min(id) FROM policy WHERE \(db.dialect.isOneOfStrings("gid", jsonArray: "?")) GROUP BY gid", [list]
    ) { JSON.int(Int(try $0.int64(at: 0))) }
    return JSON.array(rows).serialized()
  }

  /// The heads as of the link `?1`, as ``heads(_:upTo:)`` reads them: chain, gid, seq, link.
  private static let headsSQL = """
    SELECT a.chain, p.gid, a.seq, a.link FROM audit_link a
    JOIN (SELECT chain, max(seq) AS seq FROM audit_link WHERE id <= ?1 GROUP BY chain) h
      ON h.chain = a.chain AND h.seq = a.seq
    JOIN policy p ON p.id = a.chain
    WHERE \(isChainRow)
    """

  /// The Merkle root over `heads`, by the rules of the root over `(gid, seq, link)` triples.
  static func merkleRoot(of heads: [SealedHead]) -> String {
    merkleRoot(heads.map { (gid: $0.gid, seq: $0.seq, link: $0.link) })
  }

  /// The heads recorded by the seals up to the seal `seal` (its id), or by every seal when nil:
  /// per chain, the row of the latest of those seals that recorded one, unless that row says the
  /// chain had no head then. Seals taken before schema 16 recorded nothing.
  static func recordedHeads(_ db: any DatabaseConnection, asOf seal: Int64? = nil) throws -> [SealedHead] {
    try db.query(
      """
      SELECT h.chain, h.gid, h.seq, h.link FROM audit_seal_head h
      WHERE h.link IS NOT NULL AND \(isLastRecorded("h", chain: "h.chain", upTo: "?"))
      """, [.integer(seal ?? Int64.max)], row: SealedHead.init)
  }

  /// Whether the row `alias` of `audit_seal_head` is the last one recorded for `chain` (SQL) by
  /// the seals up to `upTo` (SQL): the head that chain had as of that seal, or, with no link, that
  /// it had none. Found through the index of `(chain, seal)`.
  private static func isLastRecorded(_ alias: String, chain: String, upTo seal: String = "\(Int64.max)") -> String {
    "\(alias).seal = (SELECT max(x.seal) FROM audit_seal_head x WHERE x.chain = \(chain) AND x.seal <= \(seal))"
  }

  /// What a seal of the heads as of the link `lastLink` needs, in one pass over them in gid byte
  /// order (`COLLATE "C"` on PostgreSQL, whose default collation orders text by language): how
  /// many there are, their Merkle root, hashed as they stream in, and what the seal records
  /// after the seals before it: every head that differs from the one last recorded for its chain
  /// (or is its chain's first), and every chain last recorded with a head that has none now, by
  /// chain. Read back up to that seal, the recorded heads are then the heads exactly. Only the
  /// changes are held: a seal taken daily holds that day's, not every head (32 bytes a chain for
  /// the leaves). Each head's record is found through the index of `(chain, seal)`.
  ///
  /// `streamed` is false when the heads did not come in gid byte order and were sorted here
  /// instead (not expected of either database; a test watches for it).
  static func sealScan(_ db: any DatabaseConnection, upTo lastLink: Int64) throws
    -> (chains: Int, root: String, changes: [HeadChange], streamed: Bool)
  {
    var leaves = MerkleLeaves()
    var changes: [HeadChange] = []
    var stillRecorded = 0
    let order = db.dialect == .postgres ? #"c.gid COLLATE "C""# : "c.gid"
    _ = try db.query(
      """
      SELECT c.chain, c.gid, c.seq, c.link, r.gid, r.seq, r.link FROM (\(headsSQL)) c
      LEFT JOIN audit_seal_head r ON r.chain = c.chain AND \(isLastRecorded("r", chain: "c.chain"))
      ORDER BY \(order)
      """, [.integer(lastLink)]
    ) { row in
      let chain = try row.int64(at: 0)
      let gid = try row.string(at: 1)
      let seq = try row.int(at: 2)
      let link = try row.string(at: 3)
      leaves.append(gid: gid, seq: seq, link: link)
      let recordedLink: String? = try row.optionalString(at: 6)
      if recordedLink != nil { stillRecorded += 1 }
      let recordedGID: String? = try row.optionalString(at: 4)
      let recordedSeq: Int? = try row.optionalInt(at: 5)
      if recordedLink != link || recordedGID != gid || recordedSeq != seq {
        changes.append(HeadChange(chain: chain, gid: gid, head: (seq, link)))
      }
    }
    // Chains last recorded with a head that have none now: only looked for when some are missing.
    let latestRecorded = isLastRecorded("h", chain: "h.chain")
    let recorded =
      try db.queryOne(
        "SELECT count(*) FROM audit_seal_head h WHERE h.link IS NOT NULL AND \(latestRecorded)"
      ) { try $0.int(at: 0) } ?? 0
    if recorded > stillRecorded {
      changes += try db.query(
        """
        SELECT h.chain, h.gid FROM audit_seal_head h
        WHERE h.link IS NOT NULL AND \(latestRecorded)
          AND NOT (EXISTS (SELECT 1 FROM audit_link a WHERE a.chain = h.chain AND a.id <= ?)
            AND EXISTS (SELECT 1 FROM policy p WHERE p.id = h.chain AND \(isChainRow)))
        """, [.integer(lastLink)]
      ) { row in HeadChange(chain: try row.int64(at: 0), gid: try row.string(at: 1), head: nil) }
    }
    guard leaves.isInOrder else {
      // Not expected of either database; the heads are then sorted here, as a proof sorts them.
      let heads = try heads(db, upTo: lastLink)
      return (heads.count, merkleRoot(of: heads), changes.sorted { $0.chain < $1.chain }, false)
    }
    return (leaves.count, leaves.tree(proofAt: nil).root, changes.sorted { $0.chain < $1.chain }, true)
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
