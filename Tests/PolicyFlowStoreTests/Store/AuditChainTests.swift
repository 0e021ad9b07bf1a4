import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// The bytes the tamper-evident history hashes, against values computed by hand (with Python's
/// hashlib, independently of this package's SHA-256): a program that follows the README's rules
/// must get the same row hashes, links, Merkle roots and seal digests as the engine.
struct AuditChainTests {
  /// A made-up history table that has every kind of value: NULL, a negative integer, a non-ASCII
  /// text, a digested text and an empty text.
  static let table = AuditChain.Table(name: "cycle", key: "id", columns: ["a", "b", "c", "d", "e"], digested: [3])

  @Test func aRowHashesItsTableNameThenEachValueInItsCanonicalForm() {
    let document = #"{"a":1}"#
    let values: [DatabaseValue] = [.null, .integer(-42), .text("Müller ✓"), .text(document), .text("")]
    // "cycle\n" "n\n" "i-42\n" "t11:Müller ✓\n" (11 UTF-8 bytes) "h" + SHA-256 of the document "\n" "t0:\n"
    var bytes = Array("cycle\nn\ni-42\nt11:Müller ✓\n".utf8)
    bytes += Array("h\(SHA256.hexDigest(document))\nt0:\n".utf8)
    #expect(SHA256.hexDigest(document) == "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862")
    #expect(SHA256.hexDigest(bytes) == "e7aa173ee3f07dc320e085ca5114b5604cf38e7a4620b6719765bf0b3b500050")
    #expect(
      AuditChain.rowHash(Self.table, values) == "e7aa173ee3f07dc320e085ca5114b5604cf38e7a4620b6719765bf0b3b500050")
  }

  @Test func valuesThatPrintAlikeHashApart() {
    let table = AuditChain.Table(name: "status_history", key: "id", columns: ["a"])
    let hashes = [DatabaseValue.null, .text(""), .text("n"), .integer(1), .text("1"), .text("i1")].map {
      AuditChain.rowHash(table, [$0])
    }
    #expect(Set(hashes).count == hashes.count, "NULL, integers and texts never share a canonical form")
    // The length prefix keeps a newline inside a text from forging a second field.
    let twoFields = AuditChain.Table(name: "status_history", key: "id", columns: ["a", "b"])
    #expect(
      AuditChain.rowHash(twoFields, [.text("x\nt1:y"), .null])
        != AuditChain.rowHash(twoFields, [.text("x"), .text("y")]))
  }

  /// The column order of the real tables is part of the format: an external verifier hashes the
  /// fields in this order.
  @Test func theHistoryTablesCoverTheirColumnsInTheDocumentedOrder() throws {
    let gid = "0f3bccb2-b0c0-4416-83f0-c4495ed7fb8b"
    let statusHistory = try #require(AuditChain.tableIndex("status_history").map { AuditChain.tables[$0] })
    #expect(
      AuditChain.rowHash(
        statusHistory,
        [
          .text(gid), .integer(1), .text("cancel"), .text("Canceled"), .text("2026-04-01T09:30:00.000Z"),
          .text("tester"), .text("canceled as of 2026-04-01: Kündigung — Kunde"),
        ]) == "6ddd76cadae86b21dd9114b6f599a958aaa5112d97e2635140f612b4318223b1")
    let policyData = try #require(AuditChain.tableIndex("policy_data").map { AuditChain.tables[$0] })
    #expect(
      AuditChain.rowHash(
        policyData, [.text(gid), .integer(2), .text(#"{"code":"HP-2026-000101","sumAssured":"250000.00"}"#)])
        == "c901b8c53ea8fc1c356f38620b24e39e481e1aaf5a57ce5c8772f4c822795e76")
    #expect(
      AuditChain.tables.map(\.name) == [
        "policy_data", "status_history", "cycle", "pend_history", "calculation", "cancellation",
      ])
  }

  @Test func aLinkHashesThePreviousLinkTheGidTheSequenceTheTimeAndTheEntries() {
    let entries = "status_history 7 " + String(repeating: "a", count: 64) + "\n"
    #expect(
      AuditChain.link(
        previous: AuditChain.genesis, gid: "gid-1", seq: 1, at: "2026-01-01T00:00:00.000Z", entries: entries)
        == "b1da1fe07c9bd22ab310f26c5b64a55207e9d808627cd6c006f8334d0711d328")
    #expect(AuditChain.genesis == String(repeating: "0", count: 64))
  }

  @Test func entriesAreListedByTableThenKeyOneLineEach() throws {
    let hash = String(repeating: "b", count: 64)
    let text = AuditChain.entriesText([
      AuditChain.Entry(table: 4, key: 2, hash: hash), AuditChain.Entry(table: 1, key: 10, hash: hash),
      AuditChain.Entry(table: 1, key: 9, hash: nil), AuditChain.Entry(table: 0, key: 3, hash: hash),
    ])
    #expect(
      text == "policy_data 3 \(hash)\nstatus_history 9 removed\nstatus_history 10 \(hash)\ncalculation 2 \(hash)\n")
    for line in text.split(separator: "\n") {
      let entry = try #require(AuditChain.Entry(line: line.utf8))
      #expect(AuditChain.entriesText([entry]) == line + "\n", "a listed line reads back as itself")
    }
    func entry(_ line: String) -> AuditChain.Entry? { AuditChain.Entry(line: Substring(line).utf8) }
    #expect(entry("status_history 9 \(hash.dropLast())") == nil, "a hash has 64 digits")
    #expect(entry("status_history 9 \(hash.uppercased())") == nil, "in lowercase")
    #expect(entry("policy 9 \(hash)") == nil, "policy is not a history table")
    #expect(entry("cycle -9 \(hash)") == nil && entry("cycle 9x \(hash)") == nil, "a key is a row id")
    #expect(entry("cycle  9 \(hash)") == nil && entry("cycle 9 removed ") == nil, "one space between fields")
  }

  @Test func theMerkleRootPairsLeavesInGidByteOrderAndCarriesAnOddOneUp() {
    let (l1, l2, l3, l4) = (
      String(repeating: "1", count: 64), String(repeating: "2", count: 64), String(repeating: "3", count: 64),
      String(repeating: "4", count: 64)
    )
    #expect(AuditChain.merkleRoot([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    // One head: its leaf, the SHA-256 of "GID SEQ LINK".
    #expect(AuditChain.merkleRoot([("a", 1, l1)]) == SHA256.hexDigest("a 1 \(l1)"))
    #expect(AuditChain.merkleRoot([("a", 1, l1)]) == "652dce37bce0ff43899ad5bf62c1b4d12fc41c431d4fabaed4ae88cce98f8480")
    // Byte order: "B" (0x42) before "a" (0x61) before "z" before "é" (0xC3 0xA9); pairs
    // hash their two 32-byte children; the third of three is carried up unchanged.
    #expect(
      AuditChain.merkleRoot([("z", 4, l4), ("a", 1, l1), ("B", 2, l2)])
        == "7f8e5fddd7ada14a2d0e8331e02f75037edf900fac42c88b7cfe16ff217ace66")
    #expect(
      AuditChain.merkleRoot([("é", 3, l3), ("z", 4, l4), ("a", 1, l1), ("B", 2, l2)])
        == "3dfef303a0034ad58ff04662c187853c62f8a753bf959df27206da563dd45316")
    // The same computation spelled out with this package's SHA-256.
    func leaf(_ text: String) -> [UInt8] {
      var hasher = SHA256()
      hasher.update(text)
      return hasher.finalize()
    }
    func parent(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
      var hasher = SHA256()
      hasher.update(left + right)
      return hasher.finalize()
    }
    let root = parent(
      parent(leaf("B 2 \(l2)"), leaf("a 1 \(l1)")), parent(leaf("z 4 \(l4)"), leaf("é 3 \(l3)")))
    #expect(SHA256.hex(root) == "3dfef303a0034ad58ff04662c187853c62f8a753bf959df27206da563dd45316")
    // Odd nodes carried up at every level, against the rule spelled out level by level.
    for count in [5, 6, 7, 9, 13, 100] {
      let heads = (0..<count).map { (gid: "g\($0)", seq: $0 + 1, link: String(repeating: "\($0 % 10)", count: 64)) }
      var level = heads.sorted { $0.gid.utf8.lexicographicallyPrecedes($1.gid.utf8) }.map {
        leaf("\($0.gid) \($0.seq) \($0.link)")
      }
      while level.count > 1 {
        level = stride(from: 0, to: level.count, by: 2).map {
          $0 + 1 < level.count ? parent(level[$0], level[$0 + 1]) : level[$0]
        }
      }
      #expect(AuditChain.merkleRoot(heads) == SHA256.hex(level[0]), "\(count) heads")
    }
  }

  /// The path from every leaf of trees of 1 to 20 heads leads to the root, by the README's rule.
  @Test func everyLeafsPathLeadsToTheRoot() {
    for count in 1...20 {
      let heads = (0..<count).map { (gid: "g\($0)", seq: $0 + 1, link: String(repeating: "\($0 % 10)", count: 64)) }
      for head in heads {
        let tree = AuditChain.merkleTree(heads, proofFor: head.gid)
        var node = SHA256.hexDigest("\(head.gid) \(head.seq) \(head.link)")
        for step in tree.proof ?? [] {
          let (sibling, own) = (hexBytes(step.sibling), hexBytes(node))
          node = SHA256.hexDigest(step.siblingIsLeft ? sibling + own : own + sibling)
        }
        #expect(tree.proof != nil && node == tree.root, "\(count) heads, \(head.gid)")
      }
      #expect(AuditChain.merkleTree(heads, proofFor: "absent").proof == nil)
    }
    func hexBytes(_ hex: String) -> [UInt8] {
      let digits = Array(hex.utf8)
      return stride(from: 0, to: digits.count, by: 2).map {
        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
      }
    }
  }

  @Test func gidsAreOrderedByTheirUTF8Bytes() {
    let gids = [
      "b", "", "a", "ab", "é", "z", "B", "e\u{301}", "a long gid beyond fifteen bytes", "a long gid", "\u{0}",
    ]
    let expected = gids.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    // As bytes: String's == holds "é" and "e\u{301}" equal.
    #expect(gids.sorted(by: AuditChain.precedesInBytes).map { Array($0.utf8) } == expected)
    #expect(expected.first == [] && expected.last == Array("é".utf8), "shorter first; 0xC3 after every ASCII byte")
  }

  @Test func aSealDigestHashesTheFormatTimeLastLinkChainsAndRoot() {
    #expect(
      AuditChain.sealDigest(
        at: "2026-01-01T00:00:00.000Z", lastLink: 42, chains: 3, root: String(repeating: "f", count: 64))
        == "5674451790819dacead802cdc1b7418d5efd8bd9ce65141f390c4f306ec73fea")
    #expect(AuditChain.format == "policyflow-audit-1")
  }
}
