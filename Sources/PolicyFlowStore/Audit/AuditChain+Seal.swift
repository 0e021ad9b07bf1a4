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
    try db.query(
      """
      SELECT a.chain, p.gid, a.seq, a.link FROM audit_link a
      JOIN (SELECT chain, max(seq) AS seq FROM audit_link WHERE id <= ? GROUP BY chain) h
        ON h.chain = a.chain AND h.seq = a.seq
      JOIN policy p ON p.id = a.chain
      WHERE \(isChainRow)
      """, [.integer(lastLink)], row: SealedHead.init)
  }

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
      JOIN (SELECT chain, max(seal) AS seal FROM audit_seal_head WHERE seal <= ? GROUP BY chain) r
        ON r.chain = h.chain AND r.seal = h.seal
      WHERE h.link IS NOT NULL
      """, [.integer(seal ?? Int64.max)], row: SealedHead.init)
  }

  /// A row a seal adds to `audit_seal_head`: a chain's head as of the seal, or (nil) that the
  /// chain, on the seal before, has no head now.
  struct HeadChange: Sendable {
    var chain: Int64
    var gid: String
    var head: (seq: Int, link: String)?
  }

  /// What a seal of `heads` records after the seals that recorded `previous`: every head that
  /// differs from the previous one of its chain, and every chain of `previous` that has no head
  /// now, by chain. Read back up to that seal, the recorded heads are then `heads` exactly.
  static func headChanges(from previous: [SealedHead], to heads: [SealedHead]) -> [HeadChange] {
    let before = Dictionary(previous.map { ($0.chain, $0) }, uniquingKeysWith: { first, _ in first })
    let now = Set(heads.map(\.chain))
    let changed = heads.filter { before[$0.chain] != $0 }.map {
      HeadChange(chain: $0.chain, gid: $0.gid, head: ($0.seq, $0.link))
    }
    let gone = previous.filter { !now.contains($0.chain) }.map { HeadChange(chain: $0.chain, gid: $0.gid, head: nil) }
    return (changed + gone).sorted { $0.chain < $1.chain }
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
