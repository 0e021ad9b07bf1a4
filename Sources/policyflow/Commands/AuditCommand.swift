import PolicyFlowCore
import PolicyFlowStore

/// `policyflow audit seal|verify|export`: proving that no decision was changed after the fact.
enum AuditCommand {
  static let command = Command(
    name: "audit", abstract: "Seal, verify and export the tamper-evident history.",
    discussion: """
      Every write that records history (status changes, pends and their resolutions, cycle outcomes, \
      calculations, cancellations, edits of data) appends a link to the policy's hash chain in the same \
      transaction. The README's "Tamper-evident history" section defines what is hashed.
      """,
    subcommands: [seal, verify, export])

  static let seal = Command(
    name: "seal",
    abstract: "Record and print one digest over every policy's chain head; publish it outside the store.",
    discussion: """
      The digest is what lets an auditor prove later that nothing before it changed: publish it where the \
      store's administrators cannot change it (a ticket, an e-mail, a transparency log), then check it with \
      `audit verify --since-seal DIGEST`. Only administrators may seal.
      """,
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.json],
    run: runSeal)

  static let verify = Command(
    name: "verify",
    abstract: "Recompute the chains and name every history row or link that was changed, removed or inserted.",
    discussion: """
      With no CODE, every policy and every catalog snapshot is checked. Exit 0 when everything verifies, 1 when \
      anything does not. Only administrators may verify.
      """,
    arguments: [
      Positional(name: "code", help: "Policies to verify (all when none).", isRepeating: true, isOptional: true)
    ],
    options: [
      StoreOptions.db, StoreOptions.actor,
      .value(
        "--since-seal", "digest",
        "Also check that the chains as of this seal (its whole digest, as published) still end where it recorded, "
          + "naming each one that does not."),
      CommonOptions.json, .flag("--quiet", "Print no progress bar, nor the note of what only a published seal shows."),
    ],
    run: runVerify)

  static let export = Command(
    name: "export",
    abstract: "Print one policy's whole history with its chain, in a form that verifies on its own.",
    arguments: [Positional(name: "code", help: "The policy's code.")],
    options: [
      StoreOptions.db, StoreOptions.actor,
      .value(
        "--seal", "digest",
        "Prove the chain is under this seal (its whole digest, as published); by default the latest seal."),
      CommonOptions.json,
    ],
    run: runExport)

  static func runSeal(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    let seal = try StoreCommand.run { try store.sealAudit(by: StoreOptions.actor(invocation)) }
    if seal.wasRecordedMeanwhile {
      Terminal.error(
        "Note: \(seal.sealedBy) sealed the store while this seal read it, covering every link this one read; that "
          + "seal is the one given, and no other was recorded.")
    }
    if invocation.flag("--json") {
      Terminal.out(json(seal).serialized(pretty: true))
    } else {
      Terminal.out(seal.digest)
      Terminal.out(
        "Sealed \(seal.chains) policy chains at \(seal.at) (links up to \(seal.lastLink)). Publish the digest above "
          + "outside the store, whole (all 64 digits; keep every one); `policyflow audit verify --since-seal DIGEST` "
          + "with it checks later that the history it covers is unchanged.")
    }
    return 0
  }

  static func runVerify(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation, create: false)
    let location = StoreOptions.path(invocation)
    let bar = invocation.flag("--quiet") || invocation.flag("--json") ? nil : PercentBar()
    let started = StoreTime.now()
    let report = try StoreCommand.run {
      try store.verifyAudit(
        codes: invocation.positionals, sinceSeal: invocation.value("--since-seal"), by: StoreOptions.actor(invocation),
        connect: { try StoreOptions.open(location: location, create: false) },
        progress: { progress in
          bar?.show(
            "Verifying \(progress.policies)/\(progress.total) policies", done: progress.policies, total: progress.total)
        })
    }
    bar?.finish()
    if invocation.flag("--json") {
      let json: JSON = [
        "verified": .bool(report.problems.isEmpty), "policies": .int(report.policies), "links": .int(report.links),
        "rows": .int(report.rows), "catalogs": .int(report.catalogs),
        "seal": report.seal.map(json) ?? .null,
        "problems": .array(report.problems.map(json)),
      ]
      Terminal.out(json.serialized(pretty: true))
    } else {
      for problem in report.problems {
        let policy =
          problem.code.map { "policy \($0) (gid \(problem.gid))" }
          ?? (problem.gid.isEmpty ? "store" : "gid \(problem.gid)")
        var line = "BROKEN \(policy): \(problem.message)"
        // A side left out says nothing was expected or is found: for a row, a chain, a seal's
        // record or a snapshot, not for a link or a status.
        let absent: String? = [.changed, .removed, .inserted, .seal, .catalog].contains(problem.kind) ? "nothing" : nil
        if let expected = problem.expected ?? absent, let found = problem.found ?? absent {
          line += "; expected \(expected), found \(found)"
        }
        Terminal.out(line)
      }
      let tenths = (StoreTime.now().milliseconds - started.milliseconds + 50) / 100
      let checked =
        "\(report.policies) polic\(report.policies == 1 ? "y" : "ies"), \(report.links) links, \(report.rows) history rows, \(report.catalogs) catalog snapshot\(report.catalogs == 1 ? "" : "s")"
        + (report.seal.map { ", and the seal of \($0.at)" } ?? "") + " in \(tenths / 10).\(tenths % 10) s"
      if report.problems.isEmpty {
        Terminal.out("Verified \(checked): every chain is intact.")
        if !invocation.flag("--quiet") && invocation.value("--since-seal") == nil {
          // What a plain verify cannot see, said where an auditor reads its verdict (audit trial).
          Terminal.error(
            (try store.auditSeals().isEmpty)
              ? "Note: the store has no seal yet, so a removal of the newest history, or of a policy with its "
                + "whole history, is not seen; 'policyflow audit seal' records one, whose digest you publish."
              : "Note: the chains were compared with the heads the latest seal recorded; a store put back to an "
                + "older copy, or whose seals were rewritten with its history, is seen only with --since-seal and "
                + "a digest as you published it; history newer than the latest seal is covered by none until the "
                + "next.")
        }
      } else {
        Terminal.out(
          "Checked \(checked): \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") found.")
      }
    }
    return report.problems.isEmpty ? 0 : 1
  }

  static func runExport(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation, create: false)
    guard let code = invocation.positionals.first else {
      throw UsageError(message: "Give the code of the policy to export.", commandPath: invocation.commandPath)
    }
    let (document, problems, sealNote) = try StoreCommand.run {
      try store.exportAudit(code, by: StoreOptions.actor(invocation), sealDigest: invocation.value("--seal"))
    }
    if let first = problems.first {
      // The export is the evidence as stored; whoever reads it is told it does not verify.
      Terminal.error(
        "Warning: the history of policy \(code) does not verify (\(problems.count) problem\(problems.count == 1 ? "" : "s"); "
          + "the first: \(first.message)). This export shows it as stored; 'policyflow audit verify \(code)' (an "
          + "administrator) names every problem.")
    }
    if let sealNote { Terminal.error("Note: the export carries no proof under a seal: \(sealNote).") }
    // The export is printed either way; the exit code tells a script whether it verifies.
    let exitCode: Int32 = problems.isEmpty ? 0 : 1
    if invocation.flag("--json") {
      Terminal.out(document.serialized(pretty: true))
      return exitCode
    }
    Terminal.out("Policy \(code), gid \(document[path: "gid"]?.stringValue ?? "")")
    if let seal = document[path: "seal"], let head = seal[path: "head"] {
      Terminal.out(
        "Under the seal \(seal[path: "digest"]?.stringValue ?? "") of \(seal[path: "at"]?.stringValue ?? ""), up to "
          + "link \(head[path: "seq"].map { $0.serialized() } ?? "?") (with --json, the path to its root).")
    }
    for link in document[path: "links"]?.arrayValue ?? [] {
      let seq = link[path: "seq"].map { $0.serialized() } ?? "?"
      Terminal.out("link \(seq) at \(link[path: "at"]?.stringValue ?? ""): \(link[path: "link"]?.stringValue ?? "")")
      for line in (link[path: "entries"]?.stringValue ?? "").split(separator: "\n") { Terminal.out("  \(line)") }
    }
    for catalog in document[path: "catalogs"]?.arrayValue ?? [] {
      let files = catalog[path: "files"]?.arrayValue
      Terminal.out(
        "catalog \(catalog[path: "hash"]?.stringValue ?? ""): "
          + (files.map { "\($0.count) file\($0.count == 1 ? "" : "s")" } ?? "no snapshot in the store"))
    }
    Terminal.out("Use --json for the document that verifies on its own (the README shows how).")
    return exitCode
  }

  private static func json(_ seal: PolicyStore.AuditSeal) -> JSON {
    [
      "digest": .string(seal.digest), "at": .string(seal.at), "lastLink": .int(Int(seal.lastLink)),
      "chains": .int(seal.chains), "root": .string(seal.root), "sealedBy": .string(seal.sealedBy),
      "recordedHeads": seal.recordedHeads.map { .int($0) } ?? .null,
      "recordedMeanwhile": .bool(seal.wasRecordedMeanwhile),
    ]
  }

  private static func json(_ problem: PolicyStore.AuditProblem) -> JSON {
    [
      "gid": .string(problem.gid), "code": problem.code.map(JSON.string) ?? .null,
      "kind": .string(problem.kind.rawValue),
      "table": problem.table.map(JSON.string) ?? .null, "key": problem.key.map { .int(Int($0)) } ?? .null,
      "seq": problem.seq.map { .int($0) } ?? .null, "expected": problem.expected.map(JSON.string) ?? .null,
      "found": problem.found.map(JSON.string) ?? .null, "message": .string(problem.message),
    ]
  }
}
