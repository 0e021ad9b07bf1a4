import PolicyFlowCore

/// `audit seal` and `audit verify --since-seal`: a digest over every chain's head, published
/// outside the store, and the chains checked against it later (see ``AuditChain`` for what is
/// hashed, and `AuditChain+Seal.swift` for what a seal records).
extension PolicyStore {
  /// Seals the store: records and returns the Merkle root over every policy's chain head, and the
  /// digest to publish, with the heads that changed since the seal before (so that a later
  /// `--since-seal` can name a chain changed after it). Only administrators may seal.
  ///
  /// The heads are read and hashed in a snapshot, outside the write lock, which is held only to
  /// record the seal: on a store of a million policies reading them takes seconds, during which
  /// workers would otherwise wait to commit. A seal covers the links up to its last one; links
  /// appended meanwhile get greater ids and wait for the next seal.
  public func sealAudit(by actor: String) throws -> AuditSeal {
    try sealAudit(by: actor, whileReading: {}, afterReading: {})
  }

  /// ``sealAudit(by:)``, running `whileReading` (tests: what other connections do meanwhile) in
  /// the transaction that reads the heads, and `afterReading` between it and the one that records
  /// the seal.
  func sealAudit(by actor: String, whileReading: () throws -> Void, afterReading: () throws -> Void) throws
    -> AuditSeal
  {
    try db.transaction(.read) { try requireAdministrator(actor, to: "seal the store's history") }
    // Seals record the heads that changed since the seal before: one recorded in between means
    // reading the heads again.
    for _ in 0..<Self.sealAttempts {
      guard let basis = try sealBasis(whileReading) else { continue }
      try afterReading()
      if let seal = try recordSeal(basis, by: actor) { return seal }
    }
    throw StoreError(
      .refused,
      "Other seals were recorded while this one was being made, \(Self.sealAttempts) times over; run 'audit seal' "
        + "again.")
  }

  /// How often a seal reads the heads again after another seal was recorded meanwhile.
  static let sealAttempts = 5

  /// What a seal records, read before it is recorded.
  private struct SealBasis {
    /// When the heads were read (the snapshot's time): what the seal covers existed then. The
    /// time it is recorded may be long after, on SQLite when a large import holds the write lock.
    var at: String
    var lastLink: Int64
    /// The last seal recorded when the heads were read (0: none), which ``changes`` follow.
    var lastSeal: Int64
    /// How many chains have a head.
    var chains: Int
    var changes: [AuditChain.HeadChange]
    var root: String
  }

  /// The last link and every chain's head as of it, read in one snapshot, with what changed
  /// since the last seal; nil when another seal was recorded while it read.
  private func sealBasis(_ whileReading: () throws -> Void) throws -> SealBasis? {
    var settled: (lastLink: Int64, lastSeal: Int64)?
    if db.dialect == .postgres {
      // Link ids come from a sequence, not in the order transactions commit: the seal waits for
      // the transactions appending links to commit (they share this lock) and notes the last link
      // then. Links appended after the lock is released get greater ids.
      settled = try db.transaction(.lockedRows) {
        try db.execute("SELECT pg_advisory_xact_lock(?)", [.integer(AuditChain.sealLock)])
        return (try lastLinkID(), try lastSealID())
      }
    }
    let basis = try db.transaction(.read) { () throws -> SealBasis in
      let lastSeal = try lastSealID()  // the snapshot is taken at the first read
      let at = clock().iso8601
      try whileReading()
      // On SQLite one transaction writes at a time, so every link up to the last one a snapshot
      // sees is in it.
      let lastLink = try settled?.lastLink ?? lastLinkID()
      // Only the heads that changed: a store sealed every day records the chains of that day's work.
      let (chains, root, changes, _) = try AuditChain.sealScan(db, upTo: lastLink)
      return SealBasis(at: at, lastLink: lastLink, lastSeal: lastSeal, chains: chains, changes: changes, root: root)
    }
    // A seal recorded between the two (PostgreSQL) may cover links past this one's last.
    if let settled, settled.lastSeal != basis.lastSeal { return nil }
    return basis
  }

  private func lastSealID() throws -> Int64 {
    try db.queryOne("SELECT coalesce(max(id), 0) FROM audit_seal") { try $0.int64(at: 0) } ?? 0
  }

  private func lastLinkID() throws -> Int64 {
    try db.queryOne("SELECT coalesce(max(id), 0) FROM audit_link") { try $0.int64(at: 0) } ?? 0
  }

  /// Records a seal of `basis`; nil when another seal was recorded since it was read.
  private func recordSeal(_ basis: SealBasis, by actor: String) throws -> AuditSeal? {
    // READ COMMITTED on PostgreSQL: the reads after the lock see every seal committed before it.
    try writing(.lockedRows) {
      // Seals wait for each other on the lock (SQLite writes one transaction at a time anyway). A
      // lock of the table itself would need a right to change links, which no role has.
      if db.dialect == .postgres {
        try db.execute("SELECT pg_advisory_xact_lock(?)", [.integer(AuditChain.sealLock)])
      }
      try requireAdministrator(actor, to: "seal the store's history")
      guard try lastSealID() == basis.lastSeal else {
        // Another seal was recorded while this one read. One that covers every link this one
        // read is this one's answer (seals of an unchanged store taken at once all get it);
        // else the heads are read again, after it.
        guard var latest = try auditSeals().last, latest.lastLink >= basis.lastLink else { return nil }
        latest.wasRecordedMeanwhile = true
        return latest
      }
      let at = basis.at
      let digest = AuditChain.sealDigest(
        at: at, lastLink: basis.lastLink, chains: basis.chains, root: basis.root)
      let id = try db.insert(
        """
        INSERT INTO audit_seal (digest, at, last_link, chains, root, sealed_by, recorded_heads)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
        [
          .text(digest), .text(at), .integer(basis.lastLink), .integer(Int64(basis.chains)), .text(basis.root),
          .text(actor), .integer(Int64(basis.changes.count)),
        ])
      try AuditChain.recordHeads(db, basis.changes, seal: id)
      return AuditSeal(
        id: id, digest: digest, at: at, lastLink: basis.lastLink, chains: basis.chains, root: basis.root,
        sealedBy: actor, recordedHeads: basis.changes.count)
    }
  }

  /// The seals recorded, oldest first.
  public func auditSeals() throws -> [AuditSeal] {
    try db.query(
      "SELECT id, digest, at, last_link, chains, root, sealed_by, recorded_heads FROM audit_seal ORDER BY id"
    ) { row in
      AuditSeal(
        id: try row.int64(at: 0), digest: try row.string(at: 1), at: try row.string(at: 2),
        lastLink: try row.int64(at: 3), chains: try row.int(at: 4), root: try row.string(at: 5),
        sealedBy: try row.string(at: 6), recordedHeads: try row.optionalInt(at: 7))
    }
  }

  /// The seal whose digest is `digest`, whole: a seal forged after the fact, its time tried until
  /// its digest starts as wanted, could match a shorter part (an audit trial matched 24 bits in
  /// 2.5 million tries; the 12 digits `audit seal` used to suggest are 48).
  func findSeal(_ digest: String) throws -> AuditSeal {
    let digest = digest.lowercased()
    guard !digest.isEmpty, digest.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
      throw StoreError(
        .invalidInput,
        "'\(digest)' is not a seal's digest: give the hexadecimal digits (0-9, a-f) `audit seal` printed.")
    }
    guard digest.count == 64 else {
      throw StoreError(
        .invalidInput,
        "Give the seal's whole digest, the 64 hexadecimal digits `audit seal` printed and you published (not "
          + "'\(digest)', \(digest.count) digits): a seal forged after the fact can be made to start with a shorter part."
      )
    }
    guard let seal = try auditSeals().first(where: { $0.digest == digest }) else {
      throw StoreError(
        .notFound,
        "No seal of this store has the digest '\(digest)'. If `audit seal` printed it for this store, the seal's "
          + "record was removed from the store since, which is itself a change behind the engine's back; "
          + "'policyflow audit verify --since-seal' with it checks every chain all the same and reports it.")
    }
    return seal
  }

  /// Whether the chains as of `seal` still end where they did: one problem per policy whose chain
  /// does not, named from the heads the seal recorded (limited to `gids` when given). A seal that
  /// recorded no heads (taken before schema 16), or whose record or recorded heads were changed,
  /// gives one problem for the whole store when the chains no longer give its digest.
  func sealProblems(_ seal: AuditSeal, gids: Set<String>? = nil) throws -> [AuditProblem] {
    let found = try AuditChain.heads(db, upTo: seal.lastLink)
    var problems: [AuditProblem] = []
    if seal.recordedHeads == nil {
      guard try shouldHaveRecordedHeads(seal) else {
        return Self.digestProblems(
          seal, found: found,
          unnamed: "this seal was taken before seals recorded each chain's head (schema 16), so the policy cannot be "
            + "named; seals taken since name it")
      }
      problems.append(
        AuditProblem(
          gid: "", kind: .seal, expected: "a number of recorded heads",
          message:
            "the record of the seal of \(seal.at) no longer says how many chain heads it recorded, though it was taken "
            + "after seals began recording them: it was changed behind the engine's back"))
    }
    if let problem = Self.recordDigestProblem(seal) { return problems + [problem] }
    let recorded = try AuditChain.recordedHeads(db, asOf: seal.id)
    let root = AuditChain.merkleRoot(of: recorded)
    guard root == seal.root, recorded.count == seal.chains else {
      let problem = AuditProblem(
        gid: "", kind: .seal, expected: seal.root, found: root,
        message:
          "the chain heads recorded with the seal of \(seal.at) (\(recorded.count) of \(seal.chains)) no longer give "
          + "its root: they were changed behind the engine's back, so they cannot name the policies whose chains "
          + "changed")
      let digest = Self.digestProblems(seal, found: found)
      guard !digest.isEmpty else { return problems + [problem] }
      // Some chain as sealed did change: the policies whose chain and recorded head disagree are
      // the suspects, one of the two being forged.
      let suspects = try AuditChain.sealedHeadProblems(
        AuditChain.HeadComparison(recorded: recorded, found: found), sealedAt: seal.at
      ) {
        try versions(of: Array($0)).mapValues(\.code)
      }.map { suspect in
        var suspect = suspect
        suspect.message =
          "suspect: " + suspect.message + " (or the head recorded for it was: the recorded heads were changed too)"
        return suspect
      }
      return problems + [problem] + digest + suspects
    }
    let heads = AuditChain.HeadComparison(recorded: recorded, found: found)
    let named = try AuditChain.sealedHeadProblems(heads, sealedAt: seal.at, gids: gids) {
      try versions(of: Array($0)).mapValues(\.code)
    }
    guard let gids else { return problems + named }
    // Verifying some policies against a seal must not read as the seal holding when it does not.
    let others = heads.differing.subtracting(gids).count
    guard others > 0 else { return problems + named }
    let problem = AuditProblem(
      gid: "", kind: .seal, expected: seal.root, found: AuditChain.merkleRoot(of: found),
      message:
        "the seal of \(seal.at) no longer holds: the chains of \(others) other "
        + (others == 1 ? "policy" : "policies") + " changed since it; 'policyflow audit verify --since-seal "
        + "\(seal.digest)' without codes names them")
    return problems + named + [problem]
  }

  /// Whether `seal`, which has no count of recorded heads, should have one: seals taken since
  /// schema 16 always record it, so a seal without one taken after the store reached schema 16,
  /// or after another seal with one, or with heads recorded under it, had it removed.
  private func shouldHaveRecordedHeads(_ seal: AuditSeal) throws -> Bool {
    let recordedSince = try db.queryOne(
      """
      SELECT count(*) FROM audit_seal s
      WHERE (s.id < ?1 AND s.recorded_heads IS NOT NULL) OR EXISTS (SELECT 1 FROM audit_seal_head h WHERE h.seal = ?1)
        OR (SELECT min(applied_at) FROM schema_migrations WHERE version = 16) <= ?2
      """, [.integer(seal.id), .text(seal.at)]
    ) { try $0.int(at: 0) }
    return recordedSince ?? 0 > 0
  }

  /// The problem of a seal whose record no longer gives its digest; nil when it does.
  private static func recordDigestProblem(_ seal: AuditSeal) -> AuditProblem? {
    let fields = AuditChain.sealDigest(at: seal.at, lastLink: seal.lastLink, chains: seal.chains, root: seal.root)
    guard fields != seal.digest else { return nil }
    return AuditProblem(
      gid: "", kind: .seal, expected: seal.digest, found: fields,
      message:
        "the record of the seal of \(seal.at) does not hold together: its time, last link, number of chains and root "
        + "give the digest found, not the digest it records (expected), so the digest or those fields were changed "
        + "behind the engine's back; the digest published when it was sealed tells which, and the chains cannot be "
        + "checked against this seal (check them against another seal whose record holds)")
  }

  /// What a verification of the whole store without `--since-seal` checks of the seals it holds:
  /// that each seal's record gives its digest, and that the heads the latest seal recorded (with
  /// those before it) still give its root, so that the heads a removed policy left are not removed
  /// with it unnoticed. Only when they do not are the chains compared with them
  /// (``sealProblems(_:gids:)``, which names the suspects). A seal the store lost entirely is for
  /// the digest published outside it.
  func sealRecordProblems() throws -> [AuditProblem] {
    let seals = try auditSeals()
    var broken = seals.compactMap(Self.recordDigestProblem)
    // The engine never removes a seal; one removed with `sqlite3` (whose foreign keys are off by
    // default) leaves the heads it recorded behind it (audit trial).
    let removed =
      try db.queryOne(
        "SELECT count(DISTINCT h.seal) FROM audit_seal_head h WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.id = h.seal)"
      ) { try $0.int(at: 0) } ?? 0
    if removed > 0 {
      broken.append(
        AuditProblem(
          gid: "", kind: .seal, expected: "a seal for every recorded head",
          found: "\(removed) seal\(removed == 1 ? "" : "s") gone",
          message:
            "the store holds chain heads recorded by \(removed) seal\(removed == 1 ? "" : "s") it no longer has: "
            + "seals were removed behind the engine's back; check the chains with --since-seal and the digest you "
            + "published (a removed seal that recorded no heads leaves no trace)"))
    }
    guard let latest = seals.last, Self.recordDigestProblem(latest) == nil else { return broken }
    // A latest seal without recorded heads is from before schema 16, or had its count removed
    // (which the check against it names); not the cue to check an older seal instead.
    guard latest.recordedHeads != nil else {
      return broken + (try shouldHaveRecordedHeads(latest) ? try sealProblems(latest) : [])
    }
    let recorded = try AuditChain.recordedHeads(db, asOf: latest.id)
    guard AuditChain.merkleRoot(of: recorded) != latest.root || recorded.count != latest.chains else { return broken }
    return broken + (try sealProblems(latest))
  }

  /// The chains (of `gids`, else every one) that no longer end where the latest seal recorded,
  /// for a verify without `--since-seal`: a chain rewritten after a seal with links recomputed to
  /// match passes every check of its own, and the store still holds the head it had. Nothing when
  /// the latest seal recorded no heads or its record does not hold together (the whole store's
  /// verify names that). The recorded heads are checked against the seal's root first, as the
  /// whole store's verify checks them (which then names the suspects): for `gids`, a root they
  /// no longer give is one problem, since a head changed with the chain would pass unseen.
  func latestSealChainProblems(of gids: [String]?) throws -> [AuditProblem] {
    guard let latest = try auditSeals().last, latest.recordedHeads != nil, Self.recordDigestProblem(latest) == nil
    else { return [] }
    let every = try AuditChain.recordedHeads(db, asOf: latest.id)
    guard AuditChain.merkleRoot(of: every) == latest.root, every.count == latest.chains else {
      guard gids != nil else { return [] }
      return [
        AuditProblem(
          gid: "", kind: .seal, expected: latest.root, found: AuditChain.merkleRoot(of: every),
          message:
            "the chain heads recorded with the seal of \(latest.at) no longer give its root: they were changed behind "
            + "the engine's back, so these policies' chains cannot be compared with them; 'policyflow audit verify' "
            + "of the whole store names the suspects")
      ]
    }
    let recorded = gids.map { Set($0) }.map { wanted in every.filter { wanted.contains($0.gid) } } ?? every
    let found =
      try gids.map { try AuditChain.heads(db, of: $0, upTo: latest.lastLink) }
      ?? AuditChain.heads(db, upTo: latest.lastLink)
    return try AuditChain.sealedHeadProblems(
      AuditChain.HeadComparison(recorded: recorded, found: found), sealedAt: latest.at
    ) { try versions(of: Array($0)).mapValues(\.code) }
  }

  /// The one problem for the whole store when the chain heads `found` as of `seal` no longer give
  /// its digest; `unnamed` says why the policy is not named, when the reason is not a problem of
  /// its own.
  private static func digestProblems(_ seal: AuditSeal, found: [AuditChain.SealedHead], unnamed: String? = nil)
    -> [AuditProblem]
  {
    let root = AuditChain.merkleRoot(of: found)
    let digest = AuditChain.sealDigest(at: seal.at, lastLink: seal.lastLink, chains: found.count, root: root)
    guard digest != seal.digest else { return [] }
    return [
      AuditProblem(
        gid: "", kind: .seal, expected: seal.digest, found: digest,
        message:
          "the history sealed at \(seal.at) no longer gives that seal's digest: a chain as it stood then was changed, "
          + "removed or added to (\(seal.chains) chains then, \(found.count) now)" + (unnamed.map { "; \($0)" } ?? ""))
    ]
  }
}
