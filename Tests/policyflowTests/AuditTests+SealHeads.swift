import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// The chain heads each seal records (schema 16): only those that changed since the seal before,
/// enough to check any earlier seal and name the policy whose chain changed after it; recorded
/// heads changed behind the engine's back are named as such; seals from before schema 16 keep
/// working without them.
extension AuditTests {
  @Test(arguments: TestStore.all) func everySealHoldsAfterLaterWorkAndLaterSealsAndNamesARewrite(_ kind: TestStore)
    throws
  {
    let store = try twoPolicies(kind)
    let first = try seal(store)
    #expect(first.json[path: "recordedHeads"] == 2, "the first seal records every head")
    try store.succeed([
      "policies", "edit", Self.resolved, "--set", #"policyholder.email="c@example.de""#, "--as", "tester",
    ])
    let second = try seal(store)
    #expect(second.json[path: "recordedHeads"] == 1, "only the edited policy's chain moved")
    let (later, code) = try store.writeExample("health-approved.json") { $0.set(path: "code", to: "HP-AUDIT-LATER") }
    try store.succeed(["policies", "import", later, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    let third = try seal(store)
    #expect(third.json[path: "recordedHeads"] == 1, "only the new policy's chain")
    #expect(third.json[path: "chains"] == 3)
    let unchanged = try seal(store)
    #expect(unchanged.json[path: "recordedHeads"] == 0, "nothing moved since the seal before")
    #expect(try store.count("SELECT count(*) FROM audit_seal_head") == 4)
    // Links appended after the last seal are no seal's business.
    try store.succeed(["policies", "edit", code, "--set", #"policyholder.email="d@example.de""#, "--as", "tester"])
    let seals = [first, second, third, unchanged]
    for seal in seals {
      let result = try store.verify(["--since-seal", seal.digest])
      #expect(result.exitCode == 0, "the seal of \(seal.at) holds: \(result.stdout)\(result.stderr)")
      #expect(result.stdout.hasSuffix("every chain is intact.\n"), "\(result.stdout)")
      #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    // The canceled policy's head was recorded by the first seal alone: every seal names its rewrite.
    let gid = try store.gid(Self.canceled)
    let sealedHead = try #require(try store.links(gid).last)
    try rewriteChain(store, Self.canceled, row: try store.statusRow(Self.canceled, event: "cancel"))
    for seal in seals {
      let (found, exitCode) = try problems(store, ["--since-seal", seal.digest])
      #expect(exitCode == 1)
      #expect(found.count == 1, "\(found)")
      #expect(found.first?[path: "code"] == .string(Self.canceled), "\(found)")
      #expect(found.first?[path: "gid"] == .string(gid))
      #expect(found.first?[path: "expected"] == .string(sealedHead.link))
      #expect(
        found.first?[path: "message"]?.stringValue?.hasPrefix(
          "the chain of \(Self.canceled) as sealed at \(seal.at) ended at link 4") == true, "\(found)")
    }
  }

  @Test(arguments: TestStore.all) func aChangedRecordedHeadIsNamedAsSuchNotBlamedOnAPolicy(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (digest, at, json) = try seal(store)
    let gid = try store.gid(Self.canceled)
    try store.tamper("UPDATE audit_seal_head SET seq = 3 WHERE gid = '\(gid)'")
    let changed = try store.verify(["--since-seal", digest])
    #expect(changed.exitCode == 1, "\(changed.stdout)\(changed.stderr)")
    let recordedHeadsChanged =
      "BROKEN store: the chain heads recorded with the seal of \(at) (2 of 2) no longer give its root: they were "
      + "changed behind the engine's back, so they cannot name the policies whose chains changed; expected "
      + "\(try #require(json[path: "root"]?.stringValue)), found "
    #expect(changed.stdout.hasPrefix(recordedHeadsChanged), "\(changed.stdout)")
    #expect(!changed.stdout.contains("BROKEN policy"), "the chains are intact: \(changed.stdout)")
    #expect(changed.stdout.hasSuffix("1 problem found.\n"), "\(changed.stdout)")

    // A forger who rewrites a chain and the head recorded for it to match is caught all the same,
    // by the digest; the policy cannot be named from recorded heads that were changed.
    try rewriteChain(store, Self.canceled, row: try store.statusRow(Self.canceled, event: "cancel"), sealsChanged: true)
    let head = try #require(try store.links(gid).last)
    try store.tamper("UPDATE audit_seal_head SET seq = \(head.seq), link = '\(head.link)' WHERE gid = '\(gid)'")
    let forged = try store.verify(["--since-seal", digest])
    #expect(forged.exitCode == 1)
    #expect(forged.stdout.contains(recordedHeadsChanged), "\(forged.stdout)")
    #expect(
      forged.stdout.contains(
        "BROKEN store: the history sealed at \(at) no longer gives that seal's digest: a chain as it stood then was "
          + "changed, removed or added to (2 chains then, 2 now); expected \(digest)"),
      "\(forged.stdout)")
    #expect(!forged.stdout.contains("BROKEN policy"), "\(forged.stdout)")

    // The seal's own record changed: its fields no longer give its digest.
    try store.tamper("UPDATE audit_seal SET chains = 3")
    let record = try store.verify(["--since-seal", digest])
    #expect(record.exitCode == 1)
    #expect(
      record.stdout.contains(
        "BROKEN store: the record of the seal of \(at) does not hold together: its time, last link, number of "
          + "chains and root give the digest found, not the digest it records (expected), so the digest or those "
          + "fields were changed behind the engine's back"),
      "\(record.stdout)")
  }

  /// A seal's record changed and nothing else: it is named, and no chain is said to have changed
  /// (the record cannot be checked against, so neither can the chains). A store's first seal
  /// whose recorded heads are removed, to pass it off as one from before schema 16, is named: the
  /// store had reached schema 16 when it was taken.
  @Test(arguments: TestStore.all) func aChangedSealRecordAloneIsNamedAsSuchAndNotAsChangedChains(_ kind: TestStore)
    throws
  {
    let store = try twoPolicies(kind)
    let (digest, at, _) = try seal(store)
    try store.tamper("UPDATE audit_seal SET last_link = last_link + 1")
    let record = try store.verify(["--since-seal", digest])
    #expect(record.exitCode == 1)
    #expect(record.stdout.contains("BROKEN store: the record of the seal of \(at) does not hold together"))
    #expect(!record.stdout.contains("a chain as it stood then was changed"), "\(record.stdout)")
    #expect(record.stdout.hasSuffix("1 problem found.\n"), "\(record.stdout)")
    try store.tamper(
      "UPDATE audit_seal SET last_link = last_link - 1, recorded_heads = NULL; DELETE FROM audit_seal_head")
    let passedOff = try store.verify(["--since-seal", digest])
    #expect(passedOff.exitCode == 1, "\(passedOff.stdout)")
    #expect(
      passedOff.stdout.contains(
        "the record of the seal of \(at) no longer says how many chain heads it recorded, though it was taken after "
          + "seals began recording them"),
      "\(passedOff.stdout)")
  }

  /// A chain rewritten after a seal while an unrelated head recorded with it was changed too: the
  /// recorded heads cannot be trusted to name the policy, but the two policies whose chain and
  /// recorded head disagree are named as suspects.
  @Test(arguments: TestStore.all) func aRewriteBehindAChangedRecordedHeadNamesBothSuspects(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (digest, _, _) = try seal(store)
    try rewriteChain(store, Self.canceled, row: try store.statusRow(Self.canceled, event: "cancel"))
    try store.tamper("UPDATE audit_seal_head SET seq = 1 WHERE gid = '\(try store.gid(Self.resolved))'")
    let caught = try store.verify(["--since-seal", digest])
    #expect(caught.exitCode == 1, "\(caught.stdout)")
    #expect(caught.stdout.contains("no longer give its root"), "\(caught.stdout)")
    #expect(caught.stdout.contains("no longer gives that seal's digest"), "\(caught.stdout)")
    for code in [Self.canceled, Self.resolved] {
      #expect(
        caught.stdout.contains("BROKEN policy \(code) (gid \(try store.gid(code))): suspect: the chain of \(code)"),
        "\(code): \(caught.stdout)")
    }
    #expect(caught.stdout.contains("(or the head recorded for it was: the recorded heads were changed too)"))
  }

  /// A seal taken since schema 16 whose count of recorded heads was removed, to pass it off as
  /// one from before (which names no policy): the removal is named, and so is the policy.
  @Test(arguments: TestStore.all) func aSealPassedOffAsOneFromBeforeSchema16IsNamedAndStillNames(_ kind: TestStore)
    throws
  {
    let store = try twoPolicies(kind)
    let (digest, at, _) = try seal(store)
    try rewriteChain(store, Self.canceled, row: try store.statusRow(Self.canceled, event: "cancel"))
    try store.tamper("UPDATE audit_seal SET recorded_heads = NULL")
    let caught = try store.verify(["--since-seal", digest])
    #expect(caught.exitCode == 1, "\(caught.stdout)")
    #expect(
      caught.stdout.contains(
        "BROKEN store: the record of the seal of \(at) no longer says how many chain heads it recorded, though it "
          + "was taken after seals began recording them: it was changed behind the engine's back"),
      "\(caught.stdout)")
    #expect(caught.stdout.contains("BROKEN policy \(Self.canceled)"), "\(caught.stdout)")
    #expect(!caught.stdout.contains("taken before seals recorded"), "\(caught.stdout)")
  }

  /// Links of a policy made after the seal, renumbered below the seal's last link (a link's id is
  /// not hashed): the chain checks out on its own, but the seal did not have it.
  @Test(arguments: TestStore.all) func aChainPutBeforeASealIsNamedAsOneItDidNotHave(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let (digest, at, _) = try seal(store)
    let (later, code) = try store.writeExample("health-approved.json") { $0.set(path: "code", to: "HP-AUDIT-LATER") }
    try store.succeed(["policies", "import", later, "--submit", "--as", "tester"])
    try store.succeed(["worker", "--drain"])
    #expect(try store.verify(["--since-seal", digest]).exitCode == 0, "links after the seal are not its business")
    let gid = try store.gid(code)
    let head = try #require(try store.links(gid).last)
    try store.tamper("UPDATE audit_link SET id = -id WHERE gid = '\(gid)'")
    let plain = try store.verify()
    #expect(plain.exitCode == 1, "the chain checks out on its own, but the latest seal did not have it")
    #expect(plain.stdout.contains("that the seal did not record"), "\(plain.stdout)")
    let caught = try store.verify(["--since-seal", digest])
    #expect(caught.exitCode == 1, "\(caught.stdout)\(caught.stderr)")
    #expect(
      caught.stdout.hasPrefix(
        "BROKEN policy \(code) (gid \(gid)): \(code) has a chain up to the seal of \(at), ending at link \(head.seq) "
          + "with hash \(head.link.prefix(12))…, that the seal did not record: its links were written, or the policy "
          + "given this gid, after the seal; expected nothing, found \(head.link)\n"),
      "\(caught.stdout)")
    #expect(caught.stdout.hasSuffix("1 problem found.\n"), "\(caught.stdout)")
  }

  /// A store whose seal was taken by a PolicyFlow from before schema 16 (no recorded heads) is
  /// upgraded: the seal still holds, and a chain rewritten after it is caught but cannot be named;
  /// the first seal after the upgrade records every head and names it.
  @Test(arguments: TestStore.all) func aSealFromBeforeSchema16HoldsAndSaysWhyItNamesNoPolicy(_ kind: TestStore)
    throws
  {
    let store = try twoPolicies(kind)
    let old = try seal(store)
    try store.tamper(StoreFixture.backToSchema15)
    let opened = try store.verify(["--since-seal", old.digest])
    #expect(opened.exitCode == 0, "\(opened.stdout)\(opened.stderr)")
    #expect(opened.stderr.contains("to schema version 16 ("), "the upgrade ran: \(opened.stderr)")
    #expect(try store.count("SELECT count(*) FROM audit_seal WHERE recorded_heads IS NULL") == 1)
    #expect(try store.count("SELECT count(*) FROM audit_seal_head") == 0)
    let upgraded = try seal(store)
    #expect(upgraded.json[path: "recordedHeads"] == 2, "the first seal with heads records every one")

    try rewriteChain(store, Self.canceled, row: try store.statusRow(Self.canceled, event: "cancel"))
    let caught = try store.verify(["--since-seal", old.digest])
    #expect(caught.exitCode == 1, "\(caught.stdout)\(caught.stderr)")
    #expect(
      caught.stdout.hasPrefix(
        "BROKEN store: the history sealed at \(old.at) no longer gives that seal's digest: a chain as it stood then "
          + "was changed, removed or added to (2 chains then, 2 now); this seal was taken before seals recorded each "
          + "chain's head (schema 16), so the policy cannot be named; seals taken since name it; expected "
          + "\(old.digest), found "),
      "\(caught.stdout)")
    #expect(caught.stdout.hasSuffix("1 problem found.\n"), "\(caught.stdout)")
    let named = try store.verify(["--since-seal", upgraded.digest])
    #expect(named.exitCode == 1)
    #expect(
      named.stdout.hasPrefix(
        "BROKEN policy \(Self.canceled) (gid \(try store.gid(Self.canceled))): the chain of \(Self.canceled) as "
          + "sealed at \(upgraded.at) ended at link 4"),
      "\(named.stdout)")
  }

  /// On PostgreSQL an administrator's own login seals and verifies; an operator's may read seals
  /// and their heads but insert neither (only administrators seal).
  @Test(.enabled(if: TestStore.all.contains(.postgres), "the tests' PostgreSQL server is not running"))
  func anAdministratorsLoginSealsAndChecksTheRecordedHeads() throws {
    let store = try StoreFixture(.postgres)
    let admin = try store.newLogin("ada", granted: "policyflow_admin")
    try store.succeed(["users", "add", admin, "--admin", "--as", "tester"])
    try store.importGenerated(3, prefix: "SEALED")
    try store.succeed(["worker", "--drain"])
    let login = store.uri(as: admin)
    for recorded in [3, 0] {
      let sealed = try PolicyFlowBinary.run(["audit", "seal", "--json", "--db", login])
      #expect(sealed.exitCode == 0, "\(sealed.stderr)")
      let json = try JSON(parsing: sealed.stdout)
      #expect(json[path: "recordedHeads"] == .int(recorded), "\(sealed.stdout)")
      let digest = try #require(json[path: "digest"]?.stringValue)
      let verified = try PolicyFlowBinary.run(["audit", "verify", "--since-seal", digest, "--quiet", "--db", login])
      #expect(verified.exitCode == 0, "\(verified.stdout)\(verified.stderr)")
    }
    let operatorLogin = try TestStore.connect(store.uri(as: try store.newLogin("opal", granted: "policyflow_operator")))
    #expect(try operatorLogin.queryOne("SELECT count(*) FROM audit_seal_head") { try $0.int(at: 0) } == 3)
    for insert in [
      "INSERT INTO audit_seal_head (seal, chain, gid, seq, link) SELECT max(id), 1, 'g', 1, 'x' FROM audit_seal",
      "INSERT INTO audit_seal (digest, at, last_link, chains, root, sealed_by) VALUES ('d', 'a', 0, 0, 'r', 'o')",
    ] {
      let refusal = #expect(throws: (any Error).self) { try operatorLogin.executeScript(insert) }
      #expect("\(refusal.map { String(describing: $0) } ?? "")".contains("permission denied"), "\(insert)")
    }
  }
}
