import Testing

@testable import PolicyFlowStore

/// What a seal records of the chain heads, without a store.
struct SealedHeadsTests {
  static func head(_ chain: Int64, _ gid: String, _ seq: Int, _ link: String) -> AuditChain.SealedHead {
    AuditChain.SealedHead(chain: chain, gid: gid, seq: seq, link: String(repeating: link, count: 64))
  }

  @Test func aSealRecordsTheHeadsThatMovedTheNewChainsAndTheChainsThatAreGone() {
    let previous = [Self.head(1, "g1", 2, "a"), Self.head(2, "g2", 1, "b"), Self.head(3, "g3", 5, "c")]
    let now = [Self.head(4, "g4", 1, "e"), Self.head(2, "g2", 2, "d"), Self.head(1, "g1", 2, "a")]
    let changes = AuditChain.headChanges(from: previous, to: now)
    #expect(changes.map(\.chain) == [2, 3, 4], "by chain; the unmoved chain 1 is not recorded again")
    #expect(changes.map(\.gid) == ["g2", "g3", "g4"])
    #expect(changes[0].head?.seq == 2 && changes[0].head?.link == String(repeating: "d", count: 64))
    #expect(changes[1].head == nil, "chain 3 has no head now")
    #expect(changes[2].head?.seq == 1)
    #expect(AuditChain.headChanges(from: [], to: now).count == 3, "the first seal records every head")
    #expect(AuditChain.headChanges(from: now, to: now).isEmpty)
    // A head that kept its number and hash but not its gid is recorded again: the root covers gids.
    #expect(
      AuditChain.headChanges(from: previous, to: [Self.head(1, "moved", 2, "a")]).map(\.gid) == ["moved", "g2", "g3"])
  }
}
