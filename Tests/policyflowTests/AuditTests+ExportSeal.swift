import Foundation
import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

/// An export proves that the policy's history is under a seal: the head as of the seal and the
/// path from its leaf to the seal's root, which the README's Python checks with the digest.
extension AuditTests {
  /// Runs the README's verifier on `document`.
  func verifyWithPython(_ store: StoreFixture, _ document: JSON, _ name: String) throws -> PolicyFlowBinary.Result? {
    guard let interpreter = StoreFixture.findTool("python3") else {
      Issue.record("python3 is not installed: the README's verifier of an export was not run")
      return nil
    }
    let script = store.directory.appendingPathComponent("verify.py")
    try (try Self.verifier).write(to: script, atomically: true, encoding: .utf8)
    let file = store.directory.appendingPathComponent(name)
    try document.serialized().write(to: file, atomically: true, encoding: .utf8)
    return try PolicyFlowBinary.run([script.path, file.path], program: URL(fileURLWithPath: interpreter))
  }

  func export(_ store: StoreFixture, _ code: String, _ extra: [String] = []) throws -> (JSON, stderr: String) {
    let result = try store.succeed(["audit", "export", code, "--json", "--as", "tester"] + extra)
    return (try JSON(parsing: result.stdout), result.stderr)
  }

  @Test(arguments: TestStore.all) func anExportProvesItsHistoryIsUnderTheSealAndTheREADMEsPythonChecksIt(
    _ kind: TestStore
  ) throws {
    let store = try twoPolicies(kind)
    let (noSeal, quiet) = try export(store, Self.canceled)
    #expect(noSeal[path: "seal"] == .null, "no seal yet")
    #expect(quiet == "", "no seal was looked for, so nothing to say: \(quiet)")
    // The rules that decided, carried with their hash (the one `policies explain` shows).
    let hash = try #require(try store.query("SELECT hash FROM catalog_snapshot") { try $0.string(at: 0) }.first)
    let catalogs = noSeal[path: "catalogs"]?.arrayValue ?? []
    #expect(catalogs.map { $0[path: "hash"] } == [.string(hash)], "\(catalogs)")
    let files = catalogs.first?[path: "files"]?.arrayValue ?? []
    #expect(files.contains { $0[path: "path"] == "flows/individual-health.json" }, "\(files.count) files")
    let plain = try store.succeed(["audit", "export", Self.canceled, "--as", "tester"])
    #expect(plain.stdout.contains("catalog \(hash): \(files.count) files"), "\(plain.stdout)")
    // A rule changed in the export, and a catalog left out of it: neither checks.
    var reworded = noSeal
    let contents = try #require(files.first?[path: "contents"]?.stringValue)
    reworded.set(path: "catalogs.0.files.0.contents", to: .string(contents.replacingOccurrences(of: "\"", with: "'")))
    let rewordedRefused = try #require(try verifyWithPython(store, reworded, "reworded.json"))
    #expect(rewordedRefused.stderr.contains("AssertionError: ('catalog', '\(hash)')"), "\(rewordedRefused.stderr)")
    var withoutCatalogs = noSeal
    withoutCatalogs.set(path: "catalogs", to: [])
    let leftOut = try #require(try verifyWithPython(store, withoutCatalogs, "no-catalogs.json"))
    #expect(leftOut.stderr.contains("catalogs missing from the export"), "\(leftOut.stderr)")

    let first = try seal(store)
    for code in [Self.canceled, Self.resolved] {
      let (document, _) = try export(store, code)
      let proof = try #require(document[path: "seal"]?.objectValue, "\(document)")
      #expect(proof["digest"] == .string(first.digest))
      let links = document[path: "links"]?.arrayValue ?? []
      #expect(proof["head"]?[path: "seq"] == links.last?[path: "seq"], "nothing appended since the seal")
      #expect(proof["proof"]?.arrayValue?.count == 1, "two chains: one sibling")
      let checked = try #require(try verifyWithPython(store, document, "\(code).json"))
      #expect(checked.exitCode == 0, "\(checked.stderr)")
      #expect(
        checked.stdout.hasSuffix("up to link \(links.count) under the seal \(first.digest)\n"), "\(checked.stdout)")
    }

    // Later work, and a policy created after the seal.
    try store.succeed([
      "policies", "edit", Self.resolved, "--set", #"policyholder.email="n@example.de""#, "--as", "tester",
    ])
    let (later, code) = try store.writeExample("health-approved.json") { $0.set(path: "code", to: "LATE-1") }
    try store.succeed(["policies", "import", later, "--as", "tester"])
    let (unsealed, note) = try export(store, code)
    #expect(unsealed[path: "seal"] == .null)
    #expect(note.contains("the seal of \(first.at) has no head of policy \(code)'s chain"), "\(note)")

    // The latest seal by default, an earlier one by its digest: the chain up to the head it had then.
    let second = try seal(store)
    let (latest, _) = try export(store, Self.resolved)
    #expect(latest[path: "seal"]?[path: "digest"] == .string(second.digest))
    // Three chains: the two first in byte order of their gids pair up (two steps), the third is
    // carried up (one step).
    let gids = try [Self.canceled, Self.resolved, code].map { Array(try store.gid($0).utf8) }
    let position = gids.sorted { $0.lexicographicallyPrecedes($1) }.firstIndex(of: gids[1])
    #expect(latest[path: "seal"]?[path: "proof"]?.arrayValue?.count == (position == 2 ? 1 : 2), "\(latest)")
    let (earlier, _) = try export(store, Self.resolved, ["--seal", first.digest])
    let earlierSeal = try #require(earlier[path: "seal"])
    #expect(earlierSeal[path: "digest"] == .string(first.digest))
    let links = earlier[path: "links"]?.arrayValue ?? []
    #expect(
      earlierSeal[path: "head"]?[path: "seq"] == .int(links.count - 1), "the edit's link came after the first seal")
    let checked = try #require(try verifyWithPython(store, earlier, "earlier.json"))
    #expect(checked.exitCode == 0, "\(checked.stderr)")

    // A forged path, and a seal's time changed: neither checks.
    var forged = latest
    var steps = forged[path: "seal"]?[path: "proof"]?.arrayValue ?? []
    let side = try #require(steps.first?.objectValue?.keys.first?.name)
    steps[0] = [side: .string(String(repeating: "0", count: 64))]
    forged.set(path: "seal.proof", to: .array(steps))
    let refused = try #require(try verifyWithPython(store, forged, "forged.json"))
    #expect(refused.exitCode != 0)
    #expect(refused.stderr.contains("the path does not lead to the seal's root"), "\(refused.stderr)")
    var retimed = latest
    retimed.set(path: "seal.at", to: "2020-01-01T00:00:00.000Z")
    let retimedRefused = try #require(try verifyWithPython(store, retimed, "retimed.json"))
    #expect(retimedRefused.exitCode != 0)
    #expect(retimedRefused.stderr.contains("AssertionError: seal"), "\(retimedRefused.stderr)")
  }

  /// An export reads as `policies history` does: a name the store does not know sees a policy
  /// outside data access groups (it was refused with 77, though it could list the policy).
  @Test func aNameTheStoreDoesNotKnowExportsAnUngroupedPolicy() throws {
    let store = try twoPolicies(.sqlite)
    let exported = try store.run(["audit", "export", Self.canceled, "--json", "--as", "stranger"])
    #expect(exported.exitCode == 0, "\(exported.stderr)")
    #expect(try JSON(parsing: exported.stdout)[path: "code"] == .string(Self.canceled))
  }

  @Test(arguments: TestStore.all) func anExportUnderAChangedSealCarriesNoProofAndSaysWhy(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    let sealed = try seal(store)
    try store.tamper("UPDATE audit_seal SET root = '\(String(repeating: "a", count: 64))'")
    let (document, note) = try export(store, Self.canceled)
    #expect(document[path: "seal"] == .null)
    #expect(
      note.contains("no longer give its root") && note.contains("--since-seal \(sealed.digest)"), "\(note)")
  }

  /// A head removed from those a seal recorded: the heads no longer give its root, which the
  /// export says (it said the policy's history began after the seal, which was false).
  @Test(arguments: TestStore.all) func anExportWhoseSealedHeadWasRemovedSaysTheRootIsNotGiven(_ kind: TestStore)
    throws
  {
    let store = try twoPolicies(kind)
    _ = try seal(store)
    try store.tamper("DELETE FROM audit_seal_head WHERE gid = '\(try store.gid(Self.canceled))'")
    let (document, note) = try export(store, Self.canceled)
    #expect(document[path: "seal"] == .null)
    #expect(note.contains("no longer give its root"), "\(note)")
    #expect(!note.contains("began after that seal"), "\(note)")
  }

  /// A chain rewritten after a seal by the README's rules verifies on its own; its export carries
  /// the sealed head it no longer has, so the export says it does not verify and exits 1, as
  /// `audit verify --since-seal` does (it exited 0 with a proof the README's check rejected).
  @Test(arguments: TestStore.all) func anExportOfAChainRewrittenAfterTheSealDoesNotVerify(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    _ = try seal(store)
    try rewriteChain(store, Self.canceled, row: try store.statusRow(Self.canceled, event: "submit"))
    let exported = try store.run(["audit", "export", Self.canceled, "--json", "--as", "tester"])
    #expect(exported.exitCode == 1, "\(exported.stderr)")
    #expect(exported.stderr.contains("does not verify"), "\(exported.stderr)")
    #expect(exported.stderr.contains("it was rewritten after the seal"), "\(exported.stderr)")
    #expect(try JSON(parsing: exported.stdout)[path: "code"] == .string(Self.canceled), "still the evidence")
  }

  /// The policy row's status changed behind the engine's back (the chain does not cover it, its
  /// status history does): the export says it does not verify and exits 1, as `audit verify CODE`
  /// does; it exited 0 (audit trial).
  @Test(arguments: TestStore.all) func anExportOfAPolicyWhoseStatusWasChangedDoesNotVerify(_ kind: TestStore) throws {
    let store = try twoPolicies(kind)
    try store.tamper("UPDATE policy SET status = 'Approved' WHERE code = '\(Self.canceled)' AND is_current = 1")
    let verified = try store.verify([Self.canceled])
    #expect(verified.exitCode == 1, "\(verified.stdout)")
    let exported = try store.run(["audit", "export", Self.canceled, "--json", "--as", "tester"])
    #expect(exported.exitCode == 1, "\(exported.stderr)")
    #expect(exported.stderr.contains("does not verify"), "\(exported.stderr)")
    #expect(exported.stderr.contains("but its status history ends in Canceled"), "\(exported.stderr)")
  }
}
