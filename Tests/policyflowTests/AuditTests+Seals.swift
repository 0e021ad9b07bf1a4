import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Synchronization
import Testing

@testable import PolicyFlowStore

/// Seals end to end: a chain rewritten consistently after a seal (so that it checks out on its
/// own) is caught by `--since-seal`, which names the policy from the chain heads the seal recorded.
extension AuditTests {
  /// Someone who can write the store changes the actor of `code`'s status-history row `row` and
  /// rewrites the policy's chain from the first link that lists the row, by the README's rules:
  /// every chain checks out on its own, and only a seal taken before the change can tell, as a
  /// plain verify does from the head the store's latest seal recorded (it said every chain was
  /// intact, while an export of the policy said it did not verify).
  ///
  /// `sealsChanged`: the seals' records were changed before, which a plain verify names.
  func rewriteChain(
    _ store: StoreFixture, _ code: String, row: Int, sealsChanged: Bool = false,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws {
    let gid = try store.gid(code)
    try store.tamper("UPDATE status_history SET actor = 'mallory' WHERE id = \(row)")
    #expect(try store.verify().exitCode == 1, "before the chain is rewritten", sourceLocation: sourceLocation)
    let export = try store.exportAsStored(code)
    let exported = try #require(
      export[path: "rows"]?.arrayValue?.first {
        $0[path: "table"] == "status_history" && $0[path: "key"] == .int(row)
      }, sourceLocation: sourceLocation)
    #expect(
      exported[path: "fields"]?.arrayValue?.contains(.string("mallory")) == true, sourceLocation: sourceLocation)
    let forged = try rowHash(exported)
    let listed = try recorded(store, gid, "status_history", row)
    var previous = String(repeating: "0", count: 64)
    for link in try store.links(gid) {
      guard link.seq >= listed.seq else {
        previous = link.link
        continue
      }
      let entries =
        link.seq == listed.seq
        ? link.entries.replacingOccurrences(
          of: "status_history \(row) \(listed.hash)\n", with: "status_history \(row) \(forged)\n")
        : link.entries
      let hash = SHA256.hexDigest("\(previous)\n\(gid)\n\(link.seq)\n\(link.at)\n\(entries)")
      #expect(hash != link.link, sourceLocation: sourceLocation)
      try store.tamper(
        "UPDATE audit_link SET entries = '\(entries)', link = '\(hash)' WHERE gid = '\(gid)' AND seq = \(link.seq)")
      previous = hash
    }
    // Every chain checks out on its own; the head the latest seal recorded for it does not.
    let caught = try store.verify()
    #expect(caught.exitCode == 1, "\(caught.stdout)", sourceLocation: sourceLocation)
    if sealsChanged {
      #expect(
        caught.stdout.contains("suspect: "), "named from the seal: \(caught.stdout)", sourceLocation: sourceLocation)
    } else {
      #expect(
        caught.stdout.hasPrefix("BROKEN policy \(code) (gid \(gid)): the chain of \(code) as sealed at "),
        "\(caught.stdout)", sourceLocation: sourceLocation)
      #expect(caught.stdout.contains("it was rewritten after the seal"), sourceLocation: sourceLocation)
      #expect(caught.stdout.hasSuffix("1 problem found.\n"), "\(caught.stdout)", sourceLocation: sourceLocation)
      // Verified by its code alone too: the export of it said it did not verify, and pointed here.
      let alone = try store.verify([code])
      #expect(alone.exitCode == 1, "\(alone.stdout)", sourceLocation: sourceLocation)
      #expect(alone.stdout.contains("it was rewritten after the seal"), sourceLocation: sourceLocation)
      let other = [Self.canceled, Self.resolved].first { $0 != code }!
      #expect(try store.verify([other]).exitCode == 0, "another policy's chain is not its business")
    }
  }

  /// `audit seal --json`, as the administrator.
  func seal(_ store: StoreFixture) throws -> (digest: String, at: String, json: JSON) {
    let json = try JSON(parsing: try store.succeed(["audit", "seal", "--json", "--as", "tester"]).stdout)
    return (try #require(json[path: "digest"]?.stringValue), try #require(json[path: "at"]?.stringValue), json)
  }

  /// Seals of one store taken at once all succeed (one of six gave up after five tries): a seal
  /// recorded meanwhile that covers what another read is that one's answer, said on stderr.
  @Test(arguments: TestStore.all) func sealsTakenAtOnceAllSucceed(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.importCopies((1...3).map { (code: "S-\($0)", group: nil) }, submit: true)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    let results = Mutex<[PolicyFlowBinary.Result]>([])
    let db = store.db
    DispatchQueue.concurrentPerform(iterations: 6) { _ in
      let result = try? PolicyFlowBinary.run(["audit", "seal", "--as", "tester", "--json", "--db", db])
      if let result { results.withLock { $0.append(result) } }
    }
    let all = results.withLock { $0 }
    #expect(all.count == 6)
    for result in all {
      #expect(result.exitCode == 0, "\(result.stderr)")
      #expect(try JSON(parsing: result.stdout)[path: "digest"]?.stringValue != nil)
    }
    let digests = Set(try all.map { try JSON(parsing: $0.stdout)[path: "digest"]?.stringValue ?? "" })
    #expect(try store.count("SELECT count(*) FROM audit_seal") == digests.count, "each digest given is recorded")
    for digest in digests { #expect(try store.verify(["--since-seal", digest]).exitCode == 0) }
  }

  @Test(arguments: TestStore.all) func aSealNamesAChainRewrittenConsistently(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (digest, at, seal) = try self.seal(store)
    #expect(digest.count == 64)
    #expect(seal[path: "chains"] == 2)
    #expect(seal[path: "lastLink"] == .int(try store.count("SELECT max(id) FROM audit_link")))
    #expect(seal[path: "sealedBy"] == "tester")
    #expect(seal[path: "recordedHeads"] == 2, "the first seal records every chain's head")
    #expect(try store.count("SELECT count(*) FROM audit_seal WHERE digest = '\(digest)'") == 1, "the seal is recorded")

    let fresh = try store.verify(["--since-seal", digest])
    #expect(fresh.exitCode == 0, "\(fresh.stdout)\(fresh.stderr)")
    #expect(fresh.stdout.contains("and the seal of \(at)"), "\(fresh.stdout)")
    #expect(fresh.stdout.hasSuffix("every chain is intact.\n"))
    // Work after the seal leaves it valid.
    try store.succeed([
      "policies", "edit", Self.resolved, "--set", #"policyholder.email="c@example.de""#, "--as", "tester",
    ])
    let later = try store.verify(["--since-seal", digest])
    #expect(later.exitCode == 0, "\(later.stdout)\(later.stderr)")

    let gid = try store.gid(Self.canceled)
    let sealedHead = try #require(try store.links(gid).last)
    try rewriteChain(store, Self.canceled, row: try store.statusRow(Self.canceled, event: "cancel"))
    let forgedHead = try #require(try store.links(gid).last)
    #expect(forgedHead.seq == 4 && sealedHead.seq == 4, "the cancel's link, the last, was rewritten")

    let caught = try store.verify(["--since-seal", digest])
    #expect(caught.exitCode == 1, "\(caught.stdout)\(caught.stderr)")
    #expect(caught.stderr.isEmpty, "a finding, not an error: \(caught.stderr)")
    #expect(
      caught.stdout.hasPrefix(
        "BROKEN policy \(Self.canceled) (gid \(gid)): the chain of \(Self.canceled) as sealed at \(at) ended at "
          + "link 4 with hash \(sealedHead.link.prefix(12))…; its links up to that seal now end at link 4 with hash "
          + "\(forgedHead.link.prefix(12))…: it was rewritten after the seal; expected \(sealedHead.link), found "
          + "\(forgedHead.link)\n"),
      "\(caught.stdout)")
    #expect(caught.stdout.hasSuffix("1 problem found.\n"), "\(caught.stdout)")
    #expect(!caught.stdout.contains(Self.resolved), "the untouched policy is not named")
    let (found, exitCode) = try problems(store, ["--since-seal", digest])
    #expect(exitCode == 1)
    #expect(found.count == 1, "\(found)")
    let named = try #require(problem(found, "seal"))
    #expect(named[path: "code"] == .string(Self.canceled))
    #expect(named[path: "gid"] == .string(gid))
    #expect(named[path: "seq"] == 4)
    #expect(named[path: "expected"] == .string(sealedHead.link))
    #expect(named[path: "found"] == .string(forgedHead.link))
    // Verifying another policy against the seal does not name the rewritten chain, but does not
    // say the seal holds either.
    let other = try store.verify([Self.resolved, "--since-seal", digest])
    #expect(other.exitCode == 1, "\(other.stdout)")
    #expect(!other.stdout.contains(Self.canceled), "\(other.stdout)")
    #expect(
      other.stdout.contains(
        "the seal of \(at) no longer holds: the chains of 1 other policy changed since it; 'policyflow audit verify "
          + "--since-seal \(digest)' without codes names them"),
      "\(other.stdout)")
    #expect(try store.verify([Self.canceled, "--since-seal", digest]).exitCode == 1)
  }

  @Test(arguments: TestStore.all) func aPolicyRemovedWithItsWholeChainIsCaughtByTheSeal(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (digest, at, _) = try seal(store)
    let gid = try store.gid(Self.resolved)
    let head = try #require(try store.links(gid).last)
    // The history rows go with the policy (ON DELETE CASCADE), the chain by hand.
    try store.tamper(
      (kind == .sqlite ? "PRAGMA foreign_keys = ON; " : "")
        + "DELETE FROM audit_link WHERE gid = '\(gid)'; DELETE FROM policy WHERE gid = '\(gid)';")
    #expect(try store.count("SELECT count(*) FROM status_history WHERE gid = '\(gid)'") == 0)
    // Nothing is left of it to check but the heads the seal recorded: a plain verify names it by
    // them, and the seal to compare with.
    let plain = try store.verify()
    #expect(plain.exitCode == 1, "\(plain.stdout)")
    #expect(
      plain.stdout.contains(
        "BROKEN gid \(gid): the policy with gid \(gid) was in the store when it was sealed at \(at) (its chain ended "
          + "at link \(head.seq)), and no policy has that gid now: it was removed, with its history and chain, behind "
          + "the engine's back ('policyflow audit verify --since-seal \(digest)' checks every chain against "
          + "that seal); expected \(head.link), found nothing\n"),
      "\(plain.stdout)")
    #expect(plain.stdout.hasSuffix("1 problem found.\n"), "\(plain.stdout)")
    let caught = try store.verify(["--since-seal", digest])
    #expect(caught.exitCode == 1, "\(caught.stdout)")
    #expect(
      caught.stdout.contains(
        "BROKEN gid \(gid): the chain of the policy with gid \(gid) as sealed at \(at) ended at link \(head.seq) "
          + "with hash \(head.link.prefix(12))…; no policy has that gid now: the policy was removed, with its chain, "
          + "after the seal; expected \(head.link), found nothing\n"),
      "\(caught.stdout)")
    // A seal taken since records that the chain is gone, and holds; the first still names it.
    let (since, _, json) = try seal(store)
    #expect(json[path: "recordedHeads"] == 1, "the chain that is gone")
    #expect(json[path: "chains"] == 1)
    // That seal holds; the removal before it is still named, by the seal that last had the policy.
    let (holds, holdsExit) = try problems(store, ["--since-seal", since])
    #expect(holdsExit == 1)
    #expect(holds.count == 1, "\(holds)")
    #expect(problem(holds, "removed")?[path: "gid"] == .string(gid), "\(holds)")
    #expect(problem(holds, "seal") == nil, "\(holds)")
    #expect(try store.verify(["--since-seal", digest]).exitCode == 1)

    // Removing the seal itself does not help: the digest published outside no longer verifies.
    try store.tamper("DELETE FROM audit_seal")
    // The whole digest: every chain is checked all the same, and the report names the seal as gone.
    let unknown = try store.verify(["--since-seal", digest])
    #expect(unknown.exitCode == 1)
    #expect(
      unknown.stdout.contains(
        "BROKEN store: no seal of this store has the digest \(digest) (compare it with the one published: a mistyped "
          + "digit gives this too): if `audit seal` printed it for this store, the "
          + "seal's record was removed or changed behind the engine's back, or the whole store was put back to a copy "
          + "older than the seal; the chains were checked without it; expected \(digest), found nothing"),
      "\(unknown.stdout)")
    let (gone, goneExit) = try problems(store, ["--since-seal", digest])
    #expect(goneExit == 1)
    #expect(problem(gone, "seal")?[path: "found"] == .null, "\(gone)")
    // Only the whole digest: a forged seal can be made to start with a shorter part of it (an audit
    // trial matched 24 bits in 2.5 million tries of its time), and `audit seal` suggested 12 digits.
    let prefix = try store.verify(["--since-seal", String(digest.prefix(12))])
    #expect(prefix.exitCode == 65)
    #expect(
      prefix.stderr.contains("Give the seal's whole digest, the 64 hexadecimal digits `audit seal` printed"),
      "\(prefix.stderr)")
    let mistyped = try store.verify(["--since-seal", "not-a-digest"])
    #expect(mistyped.exitCode == 65, "\(mistyped.stderr)")
    #expect(mistyped.stderr.contains("'not-a-digest' is not a seal's digest"), "\(mistyped.stderr)")
  }

  /// A policy removed with its history but not its chain: named once, by its gid, with the links
  /// left behind (each link was named as forged before, and the seal's check said the chain went
  /// with it).
  @Test(arguments: TestStore.all) func aPolicyRemovedWithoutItsChainIsNamedOnce(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    _ = try seal(store)
    let gid = try store.gid(Self.resolved)
    let links = try store.query("SELECT id FROM audit_link WHERE gid = '\(gid)' ORDER BY id") { try $0.int(at: 0) }
    #expect(links.count > 1)
    try store.tamper((kind == .sqlite ? "PRAGMA foreign_keys = ON; " : "") + "DELETE FROM policy WHERE gid = '\(gid)';")
    let (found, exitCode) = try problems(store)
    #expect(exitCode == 1)
    #expect(found.count == 1, "\(found)")
    #expect(found.first?[path: "kind"] == "removed")
    #expect(found.first?[path: "gid"] == .string(gid))
    #expect(
      found.first?[path: "message"]
        == .string(
          "no policy has the gid \(gid), yet \(links.count) links of its chain are in the store (audit_link rows "
            + "\(links.map(String.init).joined(separator: ", "))): the policy was removed behind the engine's back, "
            + "or the links were written so"), "\(found)")
  }

  /// SQL for a hex digest `column` with its first byte changed, whatever that byte was.
  static func firstByteChanged(_ column: String) -> String {
    "CASE WHEN substr(\(column), 1, 2) = '00' THEN 'ff' ELSE '00' END || substr(\(column), 3)"
  }

  /// A plain verify checks the seals' own records too: removing a policy with the heads its seal
  /// recorded, changing a seal's root, or changing a recorded head, each passed as intact before.
  @Test(arguments: TestStore.all) func aPlainVerifyChecksTheSealsRecords(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (_, at, _) = try seal(store)
    #expect(try store.verify().exitCode == 0)
    let gid = try store.gid(Self.resolved)
    try store.tamper(
      (kind == .sqlite ? "PRAGMA foreign_keys = ON; " : "")
        + "DELETE FROM audit_link WHERE gid = '\(gid)'; DELETE FROM policy WHERE gid = '\(gid)'; "
        + "DELETE FROM audit_seal_head WHERE gid = '\(gid)';")
    let removed = try store.verify()
    #expect(removed.exitCode == 1, "\(removed.stdout)")
    #expect(
      removed.stdout.contains(
        "BROKEN store: the chain heads recorded with the seal of \(at) (1 of 2) no longer give its root: they were "
          + "changed behind the engine's back"), "\(removed.stdout)")
    #expect(removed.stdout.contains("(2 chains then, 1 now)"), "\(removed.stdout)")

    let other = try twoPolicies(kind)
    let (_, otherAt, _) = try seal(other)
    // The first byte flipped to another value: a root or link that already begins with the
    // value written would pass unchanged (1 run in 256 did).
    try other.tamper("UPDATE audit_seal SET root = \(Self.firstByteChanged("root"))")
    let (rooted, rootedExit) = try problems(other, [])
    #expect(rootedExit == 1)
    #expect(rooted.count == 1, "\(rooted)")
    #expect(
      problem(rooted, "seal")?[path: "message"]?.stringValue?.hasPrefix(
        "the record of the seal of \(otherAt) does not hold together") == true, "\(rooted)")
    let third = try twoPolicies(kind)
    _ = try seal(third)
    try third.tamper(
      "UPDATE audit_seal_head SET link = \(Self.firstByteChanged("link")) "
        + "WHERE id = (SELECT min(id) FROM audit_seal_head)")
    let (headed, headedExit) = try problems(third, [])
    #expect(headedExit == 1)
    #expect(headed.count == 1, "only the recorded heads are wrong, not the chains: \(headed)")
    // A verify of one policy checks the recorded heads against the root too: a head changed with
    // its chain would pass it otherwise.
    let one = try third.verify([Self.resolved])
    #expect(one.exitCode == 1, "\(one.stdout)")
    #expect(one.stdout.contains("no longer give its root"), "\(one.stdout)")
    // The latest seal's count of recorded heads removed: named, not passed over for an older seal.
    let fourth = try twoPolicies(kind)
    _ = try seal(fourth)
    try fourth.tamper("UPDATE audit_seal SET recorded_heads = NULL")
    let counted = try fourth.verify()
    #expect(counted.exitCode == 1)
    #expect(counted.stdout.contains("no longer says how many chain heads it recorded"), "\(counted.stdout)")
    #expect(
      problem(headed, "seal")?[path: "message"]?.stringValue?.contains("(2 of 2) no longer give its root") == true,
      "\(headed)")
  }

  /// Anyone who can write the store can compute a link: a row sealed as it was is changed, and a
  /// link appended after the seal lists its new hash. The engine never changes a cycle row (a
  /// revert moves it, which the chain does not cover), so a later link that lists a sealed cycle
  /// row with another hash is a rewrite of sealed history.
  @Test(arguments: TestStore.all) func aSealedOutcomeRewrittenByAnAppendedLinkIsNamed(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let digest = try #require(
      try JSON(parsing: try store.succeed(["audit", "seal", "--json", "--as", "tester"]).stdout)[path: "digest"]?
        .stringValue)
    let gid = try store.gid(Self.canceled)
    let cycle = try #require(
      try store.query("SELECT c.id FROM cycle c JOIN policy p ON p.id = c.policy_id WHERE p.gid = '\(gid)'") {
        try $0.int(at: 0)
      }.first)
    // The approval becomes a pend, after the fact, and a link appended to the chain vouches for it.
    let links = try store.links(gid).count
    try relistForged(
      store, Self.canceled, table: "cycle", key: cycle,
      after: "UPDATE cycle SET status = 'Pended', outcome = replace(outcome, '\"Approved\"', '\"Pended\"') "
        + "WHERE id = \(cycle)")
    #expect(try store.query("SELECT status FROM cycle WHERE id = \(cycle)") { try $0.string(at: 0) } == ["Pended"])
    #expect(try store.links(gid).count == links + 1, "the forged link is on the chain")

    let sealed = try store.verify(["--since-seal", digest])
    #expect(sealed.exitCode == 1, "\(sealed.stdout)")
    #expect(sealed.stdout.contains("cycle row \(cycle)"), "\(sealed.stdout)")
  }

  /// Whoever can write the tables could put a policy row before the first version's (a smaller
  /// id) and write a whole new chain under it, over rows changed after a seal. The row is named,
  /// and the seal no longer verifies: the chain it sealed is not the policy's any more.
  @Test(arguments: TestStore.all) func aChainRewrittenUnderARowPutBeforeTheFirstVersionIsCaught(_ kind: TestStore)
    throws
  {
    let store = try twoPolicies(kind)
    let (digest, sealedAt, _) = try seal(store)
    let gid = try store.gid(Self.canceled)
    let head = try #require(try store.links(gid).last)
    try store.tamper(
      """
      UPDATE cycle SET status = 'Pended', outcome = replace(outcome, '"Approved"', '"Pended"')
      WHERE policy_id IN (SELECT id FROM policy WHERE gid = '\(gid)');
      INSERT INTO policy (id, code, version, gid, status, source, process_flow, access_group, is_current,
        last_changed_by, data_changed_at, created_at, updated_at)
      SELECT -1, code, 1000, gid, status, source, process_flow, access_group, 0, last_changed_by, data_changed_at,
        created_at, updated_at FROM policy WHERE gid = '\(gid)' AND version = 1;
      """)
    // One new link listing every row as it now is.
    let export = try store.exportAsStored(Self.canceled)
    let rows = try #require(export[path: "rows"]?.arrayValue)
    let order = ["policy_data", "status_history", "cycle", "pend_history", "calculation", "cancellation"]
    var lines: [(table: Int, key: Int, line: String)] = []
    for row in rows {
      let table = try #require(row[path: "table"]?.stringValue)
      guard case .int(let key) = row[path: "key"] else {
        Issue.record("a row's key is an integer: \(row)")
        continue
      }
      lines.append((try #require(order.firstIndex(of: table)), key, "\(table) \(key) \(try rowHash(row))\n"))
    }
    let entries = lines.sorted { ($0.table, $0.key) < ($1.table, $1.key) }.map(\.line).joined()
    let at = "2026-12-06T00:00:00.000Z"
    let link = SHA256.hexDigest("\(String(repeating: "0", count: 64))\n\(gid)\n1\n\(at)\n\(entries)")
    try store.tamper(
      "INSERT INTO audit_link (chain, gid, seq, at, entries, link) VALUES (-1, '\(gid)', 1, '\(at)', '\(entries)', "
        + "'\(link)')")

    let (found, exitCode) = try problems(store, [Self.canceled])
    #expect(exitCode == 1)
    // Only the row put first is named: as put before the first version, and as a version later
    // than the current one.
    #expect(found.allSatisfy { $0[path: "table"] == "policy" && $0[path: "key"] == -1 }, "\(found)")
    #expect(Set(found.compactMap { $0[path: "kind"]?.stringValue }) == ["inserted", "policy"], "\(found)")
    // The seal's chains are those kept under first rows now: the sealed chain is not among them.
    let sealed = try store.verify([Self.canceled, "--since-seal", digest])
    #expect(sealed.exitCode == 1, "\(sealed.stdout)")
    #expect(
      sealed.stdout.contains(
        "BROKEN policy \(Self.canceled) (gid \(gid)): the chain of \(Self.canceled) as sealed at \(sealedAt) ended "
          + "at link 4 with hash \(head.link.prefix(12))…; it has no link up to that seal now: its links were removed, "
          + "or moved off the policy's first row, after the seal"),
      "\(sealed.stdout)")
  }
}

extension AuditTests {
  /// A plain verify says on stderr what it cannot see, where an auditor reads its verdict: with no
  /// seal, a removal of the newest history; with seals, that only the published digest of the
  /// latest shows a removal since or a store put back whole (audit trial). With the digest, or
  /// --quiet, nothing.
  @Test func aPlainVerifySaysWhatOnlyAPublishedSealShows() throws {
    let store = try twoPolicies(.sqlite)
    let unsealed = try store.run(["audit", "verify", "--as", "tester"])
    #expect(unsealed.exitCode == 0)
    #expect(unsealed.stderr.contains("Note: the store has no seal yet"), "\(unsealed.stderr)")
    #expect(
      try JSON(parsing: store.succeed(["audit", "verify", "--json", "--as", "tester"]).stdout)[path: "seal"] == .null)
    let (digest, _, _) = try seal(store)
    let sealed = try store.run(["audit", "verify", "--as", "tester"])
    #expect(
      sealed.stderr.contains(
        "Note: the chains were compared with the heads the latest seal recorded; a store put back to an older copy, "
          + "or whose seals were rewritten with its history, is seen only with --since-seal"),
      "\(sealed.stderr)")
    #expect(sealed.stdout.contains(", and the seal of "), "\(sealed.stdout)")
    // The seal a plain verify compared the chains with is named in --json too (it said null).
    let json = try JSON(parsing: store.succeed(["audit", "verify", "--json", "--as", "tester"]).stdout)
    #expect(json[path: "seal.digest"] == .string(digest), "\(json)")
    let since = try store.run(["audit", "verify", "--since-seal", digest, "--as", "tester"])
    #expect(since.exitCode == 0)
    #expect(!since.stderr.contains("Note:"), "\(since.stderr)")
    #expect(try store.verify().stderr.isEmpty, "--quiet")
  }
}

extension AuditTests {
  /// A seal removed with `sqlite3` (foreign keys off, its default) leaves the heads it recorded:
  /// a plain verify names the removal (it passed; audit trial).
  @Test func aSealRemovedBehindTheEnginesBackIsNamedByItsHeadsLeftBehind() throws {
    let store = try twoPolicies(.sqlite)
    _ = try seal(store)
    try store.succeed([
      "policies", "edit", Self.resolved, "--set", #"policyholder.email="s@example.de""#, "--as", "tester",
    ])
    _ = try seal(store)
    #expect(try store.verify().exitCode == 0)
    try store.tamper("DELETE FROM audit_seal WHERE id = (SELECT max(id) FROM audit_seal)")
    let verified = try store.verify()
    #expect(verified.exitCode == 1)
    #expect(
      verified.stdout.contains(
        "BROKEN store: the store holds chain heads recorded by 1 seal it no longer has: seals were removed behind the "
          + "engine's back"), "\(verified.stdout)")
  }
}
