import Dispatch
import Foundation
import PolicyFlowCore

/// `audit verify`: reading the chains and history rows of batches of policies, and checking them
/// on every core (the rules are ``AuditChain``'s).
extension PolicyStore {
  /// Recomputes the chains of the policies `codes` (every policy when empty) and checks every
  /// history row, every catalog snapshot, and with `sinceSeal` that the chains (of `codes`) as of
  /// that seal still end where the seal recorded, naming each policy whose chain does not. Only
  /// administrators may verify (on PostgreSQL, others do not see every row).
  ///
  /// With `connect`, one reader per core opens its own connection and reads and checks batches of
  /// policies, each batch in one read transaction; without it, this connection reads while the
  /// batch before is checked on another thread. `progress` is called on the calling thread.
  public func verifyAudit(
    codes: [String] = [], sinceSeal digest: String? = nil, by actor: String,
    connect: (@Sendable () throws -> PolicyStore)? = nil, progress: (AuditProgress) -> Void = { _ in }
  ) throws -> AuditReport {
    try requireAdministrator(actor, to: "verify the store's history")
    var report = AuditReport()
    // A whole digest no seal has: the seal's record is gone or changed (or the digest is another
    // store's). Every chain is still checked, and the report says so.
    var sealGone: AuditProblem?
    let seal: AuditSeal?
    do {
      seal = try digest.map { try findSeal($0) }
    } catch let error as StoreError where error.kind == .notFound {
      seal = nil
      sealGone = AuditProblem(
        gid: "", kind: .seal, expected: digest?.lowercased(),
        message:
          "no seal of this store has the digest \(digest?.lowercased() ?? "") (compare it with the one published: a "
          + "mistyped digit gives this too): if `audit seal` printed it for this "
          + "store, the seal's record was removed or changed behind the engine's back, or the whole store was put "
          + "back to a copy older than the seal; the chains were checked without it")
    }
    let gids = try auditedGids(codes: codes)
    report.policies = gids.count
    let found = Locked(AuditTally())
    // The logins that wrote links, read once for every batch.
    let writers = try AuditChain.linkWriters(db)
    progress(AuditProgress(policies: 0, total: gids.count))
    // The seals' own records, and the chains against the latest seal's heads, checked by this
    // connection while the readers check the chains.
    var sealRecords: [AuditProblem] = []
    var latestSeal: [AuditProblem] = []
    let checkSeals = codes.isEmpty && digest == nil
    let checkStoreSeals = {
      guard checkSeals else { return }
      sealRecords = try self.sealRecordProblems()
      latestSeal = try self.latestSealChainProblems(of: nil)
    }
    if let connect, gids.count > AuditChain.gidsPerRead {
      try verifyInParallel(
        gids, writers: writers, connect: connect, into: found, progress: progress, meanwhile: checkStoreSeals)
    } else {
      try verifyHere(gids, writers: writers, into: found, progress: progress)
      try checkStoreSeals()
    }
    let tally = found.withLock { $0 }
    report.problems = tally.problems
    report.links = tally.links
    report.rows = tally.rows
    if codes.isEmpty {
      report.problems += try orphanRows()
      report.problems += try strayLinks()
    }
    // Every snapshot, or those the policies' outcomes were computed with.
    let catalogs = try catalogProblems(of: codes.isEmpty ? nil : gids)
    report.catalogs = catalogs.count
    report.problems += catalogs.problems
    if let seal {
      report.seal = seal
      report.problems += try sealProblems(seal, gids: codes.isEmpty ? nil : Set(gids))
    }
    report.problems += sealRecords
    if codes.isEmpty {
      // Named once: a seal given already says so of the chains it recorded.
      let named = Set(
        report.problems.lazy.filter { $0.kind == .seal || ($0.kind == .removed && $0.table == "audit_link") }.map(\.gid)
      )
      report.problems += try removedSealedPolicies().filter { !named.contains($0.gid) }
    }
    if digest == nil {
      // Named in the report as the seal checked against (it said none on a sealed store).
      report.seal = try auditSeals().last
      // The chains the checks above found nothing wrong with, against the head the latest seal
      // recorded for each: a rewrite with every link recomputed (an export of it said so, and
      // a plain verify that every chain was intact).
      let named = Set(report.problems.map(\.gid))
      let compared = codes.isEmpty ? latestSeal : try latestSealChainProblems(of: gids)
      report.problems += compared.filter { !named.contains($0.gid) }
    }
    if let sealGone { report.problems.append(sealGone) }
    report.problems.sort {
      ($0.code ?? $0.gid, $0.seq ?? 0, $0.table ?? "", $0.key ?? 0) < (
        $1.code ?? $1.gid, $1.seq ?? 0, $1.table ?? "", $1.key ?? 0
      )
    }
    return report
  }

  /// What the batches checked so far found.
  struct AuditTally: Sendable {
    var problems: [AuditProblem] = []
    var links = 0
    var rows = 0
    var policies = 0
  }

  /// Reads the batch `part` of gids in one read transaction.
  func auditBatch(_ part: [String], writers: AuditChain.LinkWriters) throws -> AuditBatch {
    try db.transaction(.read) {
      AuditBatch(
        gids: part, links: try AuditChain.storedLinks(db, of: part), rows: try AuditChain.rawRows(db, gids: part),
        versions: try versions(of: part), writers: writers)
    }
  }

  /// One batch of policies as read, ready to check without the store.
  struct AuditBatch: Sendable {
    var gids: [String]
    var links: [String: [AuditChain.StoredLink]]
    var rows: [String: [AuditChain.RawRow]]
    var versions: [String: AuditChain.Versions]
    var writers: AuditChain.LinkWriters

    /// Checks every chain of the batch and adds what it found to `tally`.
    func check(into tally: Locked<AuditTally>) {
      var found = AuditTally()
      for gid in gids {
        let (chain, history) = (links[gid] ?? [], rows[gid] ?? [])
        found.links += chain.count
        found.rows += history.count
        found.problems += AuditChain.verify(gid: gid, versions: versions[gid], links: chain, rows: history)
        found.problems += AuditChain.loginProblems(
          gid: gid, code: versions[gid]?.code, links: chain, rows: history, writers: writers)
      }
      tally.withLock {
        $0.problems += found.problems
        $0.links += found.links
        $0.rows += found.rows
        $0.policies += gids.count
      }
    }
  }

  /// This connection reads each batch while the one before is checked on another thread.
  private func verifyHere(
    _ gids: [String], writers: AuditChain.LinkWriters, into found: Locked<AuditTally>, progress: (AuditProgress) -> Void
  ) throws {
    let group = DispatchGroup()
    let slots = DispatchSemaphore(value: 2)
    var start = 0
    while start < gids.count {
      let part = Array(gids[start..<min(start + AuditChain.gidsPerRead, gids.count)])
      start += part.count
      let batch = try auditBatch(part, writers: writers)
      slots.wait()
      DispatchQueue.global().async(group: group) {
        defer { slots.signal() }
        batch.check(into: found)
      }
      progress(AuditProgress(policies: start, total: gids.count))
    }
    group.wait()
  }

  /// One reader per core, each with its own connection, takes the next batch until none is left.
  private func verifyInParallel(
    _ gids: [String], writers: AuditChain.LinkWriters, connect: @escaping @Sendable () throws -> PolicyStore,
    into found: Locked<AuditTally>,
    progress: (AuditProgress) -> Void, meanwhile: () throws -> Void
  ) throws {
    let next = Locked(0)
    let failure = Locked<(any Error)?>(nil)
    let group = DispatchGroup()
    for _ in 0..<max(1, ProcessInfo.processInfo.activeProcessorCount) {
      DispatchQueue.global().async(group: group) {
        do {
          let reader = try connect()
          // A verification reads the whole file once: mapped, SQLite reads its pages without a
          // copy through the kernel each (a fifth of the time otherwise).
          if reader.dialect == .sqlite { try reader.db.executeScript("PRAGMA mmap_size = 1099511627776") }
          while failure.withLock({ $0 == nil }) {
            let start = next.withLock { start in
              defer { start += AuditChain.gidsPerRead }
              return start
            }
            guard start < gids.count else { return }
            try reader.auditBatch(
              Array(gids[start..<min(start + AuditChain.gidsPerRead, gids.count)]), writers: writers
            )
            .check(into: found)
          }
        } catch {
          failure.withLock { $0 = $0 ?? error }
        }
      }
    }
    do {
      try meanwhile()
    } catch {
      failure.withLock { $0 = $0 ?? error }
    }
    while group.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
      progress(AuditProgress(policies: found.withLock { $0.policies }, total: gids.count))
    }
    if let error = failure.withLock({ $0 }) { throw error }
    progress(AuditProgress(policies: gids.count, total: gids.count))
  }

  /// The gids to verify: of `codes`, or every gid with a policy row, oldest policy first.
  private func auditedGids(codes: [String]) throws -> [String] {
    guard codes.isEmpty else {
      // Each policy once, in the order named; every unknown code is named, not only the first.
      var gids: [String] = []
      var unknown: [String] = []
      for code in codes {
        if let gid = try db.queryOne(
          "SELECT gid FROM policy WHERE code = ? LIMIT 1", [.text(code)], row: { try $0.string(at: 0) })
        {
          if !gids.contains(gid) { gids.append(gid) }
        } else if !unknown.contains(code) {
          unknown.append(code)
        }
      }
      guard unknown.isEmpty else {
        let named = unknown.map { "'\($0)'" }.joined(separator: ", ")
        throw StoreError(
          .notFound,
          "No policy has the code\(unknown.count > 1 ? "s" : "") \(named); nothing was verified. A policy removed "
            + "behind the engine's back is named by 'policyflow audit verify' of the whole store (without codes), "
            + "when a seal recorded it.")
      }
      return gids
    }
    // In the order policies were created, not by gid (random): a batch's rows were written
    // together, so each batch reads neighbouring pages and the file about once.
    return try db.query("SELECT gid FROM policy GROUP BY gid ORDER BY min(id)") { try $0.string(at: 0) }
  }

  /// The code and the versions (number and status) of each gid, oldest first.
  func versions(of gids: [String]) throws -> [String: AuditChain.Versions] {
    var versions: [String: AuditChain.Versions] = [:]
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    try db.forEachRow(
      """
      SELECT gid, code, version, status, id, is_current, access_group FROM policy
      WHERE \(db.dialect.isOneOfStrings("gid", jsonArray: "?"))
      ORDER BY version
      """,
      [list]
    ) { row in
      let gid = try row.string(at: 0)
      let (version, id) = (try row.int(at: 2), try row.int64(at: 4))
      versions[gid, default: AuditChain.Versions(code: "")].code = try row.string(at: 1)
      versions[gid, default: AuditChain.Versions(code: "")].statuses[version] = try row.string(at: 3)
      if id < versions[gid]?.firstRow?.id ?? Int64.max { versions[gid]?.firstRow = (id, version) }
      versions[gid]?.rows[id] = (version, try row.string(at: 1), try row.int(at: 5) != 0, try row.optionalString(at: 6))
    }
    return versions
  }

  /// Links on no policy's chain: kept under no row (0), or under a row that is not a policy's first
  /// (``AuditChain/storedLinks(_:of:)`` reads neither). A link under another policy's first row is
  /// read with that policy's chain and named there as written for another gid (moved, or forged).
  /// Only the chains' keys
  /// are scanned (an index), not the links.
  private func strayLinks() throws -> [AuditProblem] {
    var problems: [AuditProblem] = []
    // The links of a gid no policy has: one problem for the whole chain, not one per link.
    var orphaned: [String: (ids: [Int64], seqs: [Int])] = [:]
    try db.forEachRow(
      """
      SELECT a.id, a.gid, a.seq, (SELECT min(q.code) FROM policy q WHERE q.gid = a.gid) FROM audit_link a
      WHERE a.chain IN (
        SELECT c.chain FROM (SELECT DISTINCT chain FROM audit_link) c
        LEFT JOIN policy p ON p.id = c.chain
        WHERE p.id IS NULL OR NOT \(AuditChain.isChainRow))
      ORDER BY a.id
      """, []
    ) { row in
      let (id, gid, seq) = (try row.int64(at: 0), try row.string(at: 1), try row.int(at: 2))
      guard let code = try row.optionalString(at: 3) else {
        orphaned[gid, default: ([], [])].ids.append(id)
        orphaned[gid, default: ([], [])].seqs.append(seq)
        return
      }
      // Named by the policy of its gid: whose history it pretends to be.
      problems.append(
        AuditProblem(
          gid: gid, code: code, kind: .inserted, table: "audit_link", key: id, seq: seq,
          message:
            "audit_link row \(id) (link \(seq) of gid \(gid)) is on no policy's chain: it was written behind the engine's "
            + "back"))
    }
    for (gid, links) in orphaned.sorted(by: { $0.key < $1.key }) {
      let count = links.ids.count
      problems.append(
        AuditProblem(
          gid: gid, kind: .removed, table: "audit_link", key: links.ids.first, seq: links.seqs.max(),
          expected: "a policy with this gid", found: "\(count) link\(count == 1 ? "" : "s") and no policy",
          message:
            "no policy has the gid \(gid), yet \(count) link\(count == 1 ? "" : "s") of its chain "
            + "\(count == 1 ? "is" : "are") in the store (audit_link row\(count == 1 ? "" : "s") "
            + "\(links.ids.map(String.init).joined(separator: ", "))): the policy was removed behind the engine's back, "
            + "or the links were written so"))
    }
    return problems
  }

  /// Policies a seal recorded that have no row now: removed with their whole history and chain,
  /// which leaves no row or link to check. Named by the latest seal that recorded each (its head
  /// there); `--since-seal` with that seal's digest shows what else changed since it.
  private func removedSealedPolicies() throws -> [AuditProblem] {
    // Each recorded head is looked up once (the policy's gid is indexed); the few left over are
    // kept by their latest seal here, not by a lookup per head among the heads.
    var latest: [String: (seal: Int64, seq: Int, link: String, at: String, digest: String)] = [:]
    try db.forEachRow(
      """
      SELECT h.gid, h.seal, h.seq, h.link, s.at, s.digest FROM audit_seal_head h JOIN audit_seal s ON s.id = h.seal
      WHERE h.link IS NOT NULL AND NOT EXISTS (SELECT 1 FROM policy p WHERE p.gid = h.gid)
      """, []
    ) { row in
      let (gid, seal) = (try row.string(at: 0), try row.int64(at: 1))
      guard seal > latest[gid]?.seal ?? 0 else { return }
      latest[gid] = (seal, try row.int(at: 2), try row.string(at: 3), try row.string(at: 4), try row.string(at: 5))
    }
    return latest.sorted { $0.key < $1.key }.map { gid, head in
      AuditProblem(
        gid: gid, kind: .removed, seq: head.seq, expected: head.link,
        message:
          "the policy with gid \(gid) was in the store when it was sealed at \(head.at) (its chain ended at link "
          + "\(head.seq)), and no policy has that gid now: it was removed, with its history and chain, behind the "
          + "engine's back ('policyflow audit verify --since-seal \(head.digest)' checks every chain "
          + "against that seal)")
    }
  }

  /// History rows whose policy version does not exist: the chain cannot place them.
  private func orphanRows() throws -> [AuditProblem] {
    var problems: [AuditProblem] = []
    for table in AuditChain.tables {
      try db.forEachRow(
        "SELECT t.\(table.key) FROM \(table.name) t WHERE NOT EXISTS (SELECT 1 FROM policy p WHERE p.id = t.policy_id)",
        []
      ) { row in
        let key = try row.int64(at: 0)
        problems.append(
          AuditProblem(
            gid: "", kind: .inserted, table: table.name, key: key,
            message: "\(table.name) row \(key) belongs to no policy version: it was written behind the engine's back"))
      }
    }
    return problems
  }

}
