import Foundation
import Testing

@testable import PolicyFlowStore

/// What a seal records of the chain heads, and how the heads recorded with a seal are compared
/// with the chains as of that seal, without a store.
struct SealedHeadsTests {
  static func head(_ chain: Int64, _ gid: String, _ seq: Int, _ link: String) -> AuditChain.SealedHead {
    AuditChain.SealedHead(chain: chain, gid: gid, seq: seq, link: String(repeating: link, count: 64))
  }

  /// The tables a seal reads its heads from, with only the columns it reads: `links` as
  /// (chain, seq, hash letter), the policies' first rows as (id, gid), and heads recorded by
  /// the seal 1 as (chain, gid, seq, hash letter).
  static func store(
    links: [(Int64, Int, String)], policies: [(Int64, String)], recorded: [(Int64, String, Int, String)]
  ) throws -> SQLiteConnection {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("heads-\(UUID().uuidString).sqlite").path
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    let db = try SQLiteConnection(path: path)
    try db.executeScript(
      """
      CREATE TABLE policy (id INTEGER PRIMARY KEY, gid TEXT);
      CREATE TABLE audit_link (id INTEGER PRIMARY KEY, chain INTEGER, seq INTEGER, link TEXT);
      CREATE TABLE audit_seal_head (seal INTEGER, chain INTEGER, gid TEXT, seq INTEGER, link TEXT);
      """)
    let hash = { (letter: String) in DatabaseValue.text(String(repeating: letter, count: 64)) }
    for (chain, seq, link) in links {
      try db.execute(
        "INSERT INTO audit_link (chain, seq, link) VALUES (?, ?, ?)",
        [.integer(chain), .integer(Int64(seq)), hash(link)])
    }
    for (id, gid) in policies { try db.execute("INSERT INTO policy VALUES (?, ?)", [.integer(id), .text(gid)]) }
    for (chain, gid, seq, link) in recorded {
      try db.execute(
        "INSERT INTO audit_seal_head VALUES (1, ?, ?, ?, ?)",
        [.integer(chain), .text(gid), .integer(Int64(seq)), hash(link)])
    }
    return db
  }

  @Test func aSealRecordsTheHeadsThatMovedTheNewChainsAndTheChainsThatAreGone() throws {
    let recorded: [(Int64, String, Int, String)] = [(1, "g1", 2, "a"), (2, "g2", 1, "b"), (3, "g3", 5, "c")]
    // Now: chain 1 where it was, chain 2 moved on, chain 3 gone (no links), chain 4 new.
    let links: [(Int64, Int, String)] = [(1, 1, "x"), (1, 2, "a"), (2, 1, "b"), (2, 2, "d"), (4, 1, "e")]
    let policies: [(Int64, String)] = [(1, "g1"), (2, "g2"), (3, "g3"), (4, "g4")]
    let db = try Self.store(links: links, policies: policies, recorded: recorded)
    let changes = try AuditChain.sealScan(db, upTo: Int64.max).changes
    #expect(changes.map(\.chain) == [2, 3, 4], "by chain; the unmoved chain 1 is not recorded again")
    #expect(changes.map(\.gid) == ["g2", "g3", "g4"])
    #expect(changes[0].head?.seq == 2 && changes[0].head?.link == String(repeating: "d", count: 64))
    #expect(changes[1].head == nil, "chain 3 has no head now")
    #expect(changes[2].head?.seq == 1)
    #expect(try AuditChain.sealScan(db, upTo: 3).changes.map(\.chain) == [3], "as of link 3 chain 2 had not moved")
    let first = try Self.store(links: links, policies: policies, recorded: [])
    #expect(try AuditChain.sealScan(first, upTo: Int64.max).changes.count == 3, "the first seal records every head")
    // A head that kept its number and hash but not its gid is recorded again: the root covers gids.
    let moved = try Self.store(links: links, policies: [(1, "moved"), (2, "g2"), (4, "g4")], recorded: recorded)
    #expect(try AuditChain.sealScan(moved, upTo: Int64.max).changes.map(\.gid) == ["moved", "g2", "g3", "g4"])
    // Recorded again, nothing differs.
    let again = try Self.store(
      links: links, policies: policies, recorded: [(1, "g1", 2, "a"), (2, "g2", 2, "d"), (4, "g4", 1, "e")])
    #expect(try AuditChain.sealScan(again, upTo: Int64.max).changes.isEmpty)
  }

  /// The root hashed as the heads stream in is the root of the heads sorted in memory (the one a
  /// verification and an export's proof compute), whatever order the rows were written in.
  @Test func theRootOfStreamedHeadsIsTheRootOfTheHeadsSorted() throws {
    let gids = ["b-2", "a-1", "é-3", "B-0", "a-10", "z"]
    let links = gids.indices.map { (Int64($0 + 1), 1, String("0123456789abcdef".randomElement()!)) }
    let db = try Self.store(
      links: links, policies: gids.enumerated().map { (Int64($0.offset + 1), $0.element) }, recorded: [])
    let streamed = try AuditChain.sealScan(db, upTo: Int64.max)
    #expect(streamed.streamed, "the database gave the heads in gid byte order, so nothing was sorted in memory")
    #expect(streamed.chains == gids.count)
    #expect(streamed.root == AuditChain.merkleRoot(of: try AuditChain.heads(db, upTo: Int64.max)))
    let none = try AuditChain.sealScan(db, upTo: 0)
    #expect(none.chains == 0 && none.root == AuditChain.merkleRoot([]) && none.changes.isEmpty)
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
