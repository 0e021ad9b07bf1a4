import Testing

@testable import PolicyFlowStore

/// What a seal records of the chain heads, and how the heads recorded with a seal are compared
/// with the chains as of that seal, without a store.
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

  /// A head renumbered but with its hash kept: the two differ by their numbers, which the problem
  /// gives where two equal hashes would say nothing.
  @Test func aHeadRenumberedWithItsHashKeptIsNamedByItsNumbers() {
    let problems = AuditChain.sealedHeadProblems(
      AuditChain.HeadComparison(recorded: [Self.head(1, "g1", 5, "a")], found: [Self.head(1, "g1", 9, "a")]),
      sealedAt: "T"
    ) { _ in ["g1": "P-1"] }
    #expect(problems.map(\.expected) == ["link 5"])
    #expect(problems.map(\.found) == ["link 9"])
  }

  @Test func eachPolicyWhoseChainNoLongerEndsWhereItWasSealedIsNamedOnce() throws {
    let recorded = [
      Self.head(1, "g1", 1, "a"), Self.head(2, "g2", 3, "b"), Self.head(3, "g3", 2, "c"), Self.head(6, "g6", 4, "f"),
    ]
    let found = [Self.head(1, "g1", 1, "a"), Self.head(2, "g2", 3, "z"), Self.head(4, "g4", 1, "y")]
    var asked: [Set<String>] = []
    let problems = AuditChain.sealedHeadProblems(
      AuditChain.HeadComparison(recorded: recorded, found: found), sealedAt: "T"
    ) { gids in
      asked.append(gids)
      return ["g2": "P-2", "g3": "P-3", "g4": "P-4"]
    }
    #expect(asked == [["g2", "g3", "g4", "g6"]], "codes are read once, for the chains that differ")
    #expect(problems.map(\.gid) == ["g2", "g3", "g4", "g6"])
    #expect(problems.allSatisfy { $0.kind == .seal })
    #expect(problems.map(\.code) == ["P-2", "P-3", "P-4", nil])
    #expect(problems.map(\.seq) == [3, 2, 1, 4])
    let link = { (digit: String) in String(repeating: digit, count: 64) }
    let (b, c, f, y, z) = (link("b"), link("c"), link("f"), link("y"), link("z"))
    #expect(problems.map(\.expected) == [b, c, nil, f], "nil: the seal had no such chain")
    #expect(problems.map(\.found) == [z, nil, y, nil], "nil: the chain is gone")
    #expect(
      problems[0].message
        == "the chain of P-2 as sealed at T ended at link 3 with hash bbbbbbbbbbbb…; its links up to that seal now "
        + "end at link 3 with hash zzzzzzzzzzzz…: it was rewritten after the seal")
    #expect(
      problems[1].message.hasSuffix(
        "it has no link up to that seal now: its links were removed, or moved off "
          + "the policy's first row, after the seal"))
    #expect(problems[2].message.hasPrefix("P-4 has a chain up to the seal of T, ending at link 1"))
    #expect(
      problems[3].message
        == "the chain of the policy with gid g6 as sealed at T ended at link 4 with hash ffffffffffff…; no policy has "
        + "that gid now: the policy was removed, with its chain, after the seal")

    // Limited to some policies, only those are named (and looked up).
    asked = []
    let one = AuditChain.sealedHeadProblems(
      AuditChain.HeadComparison(recorded: recorded, found: found), sealedAt: "T", gids: ["g1", "g3"]
    ) {
      asked.append($0)
      return ["g3": "P-3"]
    }
    #expect(one.map(\.gid) == ["g3"])
    #expect(asked == [["g3"]])
    // Nothing differs: nothing is looked up.
    let none = AuditChain.sealedHeadProblems(
      AuditChain.HeadComparison(recorded: recorded, found: recorded), sealedAt: "T"
    ) { _ in
      Issue.record("no code is needed when every chain ends where it was sealed")
      return [:]
    }
    #expect(none.isEmpty)
  }
}
