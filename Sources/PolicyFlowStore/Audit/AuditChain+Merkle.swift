import PolicyFlowCore

/// The Merkle tree of a seal: over every chain's head, by gid in byte order. Its leaves are
/// hashed as the heads arrive, 32 bytes each, so that a seal of a million policies holds 32 MB of
/// leaves rather than a million heads (`audit seal`'s memory, BENCHMARKS.md "a seal's memory").
extension AuditChain {
  /// The Merkle root (hex) over chain heads, by gid in byte order: each leaf is the SHA-256 of
  /// `GID SEQ LINK`; each parent is the SHA-256 of its two children's 32 bytes; an odd node is
  /// carried up unchanged. No heads: the SHA-256 of nothing.
  static func merkleRoot(_ heads: [(gid: String, seq: Int, link: String)]) -> String {
    merkleTree(heads).root
  }

  /// One step of the path from a leaf to the Merkle root: the sibling's 32 bytes (hex) and
  /// whether it stands on the left (the parent is the SHA-256 of sibling then node) or the right.
  struct MerkleStep: Sendable, Equatable {
    var siblingIsLeft: Bool
    var sibling: String
  }

  /// ``merkleRoot(_:)``, with the path from the leaf of `gid` to the root when `gid` is among the
  /// heads (a level where that node is the odd one carried up adds no step).
  static func merkleTree(_ heads: [(gid: String, seq: Int, link: String)], proofFor gid: String? = nil)
    -> (root: String, proof: [MerkleStep]?)
  {
    var leaves = MerkleLeaves()
    var position: Int?
    for head in heads.sorted(by: { precedesInBytes($0.gid, $1.gid) }) {
      if head.gid == gid { position = leaves.count }
      leaves.append(gid: head.gid, seq: head.seq, link: head.link)
    }
    return leaves.tree(proofAt: position)
  }

  /// Leaves of the tree, appended in gid byte order: 32 bytes each, side by side.
  struct MerkleLeaves {
    private var nodes: [UInt8] = []
    private var leaf = CanonicalBytes()
    private var lastGID: String?
    /// How many leaves were appended.
    private(set) var count = 0
    /// False once a head came out of gid byte order (its leaves then make no seal's tree).
    private(set) var isInOrder = true

    mutating func append(gid: String, seq: Int, link: String) {
      if let lastGID, !AuditChain.precedesInBytes(lastGID, gid) { isInOrder = false }
      lastGID = gid
      leaf.bytes.removeAll(keepingCapacity: true)
      leaf.append(gid)
      leaf.append(UInt8(ascii: " "))
      leaf.append(Int64(seq))
      leaf.append(UInt8(ascii: " "))
      leaf.append(link)
      nodes.append(contentsOf: repeatElement(0, count: 32))
      let offset = count * 32
      leaf.bytes.withUnsafeBytes { bytes in
        nodes.withUnsafeMutableBufferPointer { AuditDigest.digest(bytes, into: $0.baseAddress! + offset) }
      }
      count += 1
    }

    /// The root, and the path from the leaf at `position` to it (nil without a position). Each
    /// level is written over the one below it (node i of the level up is made from nodes 2i and
    /// 2i + 1, already read).
    consuming func tree(proofAt position: Int?) -> (root: String, proof: [MerkleStep]?) {
      guard count > 0 else { return (SHA256.hexDigest([UInt8]()), nil) }
      var position = position
      let hadPosition = position != nil
      var proof: [MerkleStep] = []
      var count = self.count
      nodes.withUnsafeMutableBufferPointer { nodes in
        let base = nodes.baseAddress!
        while count > 1 {
          if let node = position {
            let sibling = node ^ 1
            if sibling < count {
              proof.append(
                MerkleStep(
                  siblingIsLeft: sibling < node,
                  sibling: SHA256.hex(UnsafeRawBufferPointer(start: base + sibling * 32, count: 32))))
            }
            position = node / 2
          }
          for index in 0..<count / 2 {
            AuditDigest.digest(
              UnsafeRawBufferPointer(start: base + 2 * index * 32, count: 64), into: base + index * 32)
          }
          if count % 2 == 1 {
            (base + count / 2 * 32).update(from: base + (count - 1) * 32, count: 32)
          }
          count = (count + 1) / 2
        }
      }
      return (SHA256.hex(Array(nodes[0..<32])), hadPosition ? proof : nil)
    }
  }
}
