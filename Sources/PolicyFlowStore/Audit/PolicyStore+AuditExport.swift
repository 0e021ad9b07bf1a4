public import PolicyFlowCore

extension PolicyStore {
  /// One policy's whole history with its chain, in a document that verifies on its own (the
  /// README shows a short program that checks it): the links as stored, each history row as the
  /// chain covers it, digested columns with their text, and the files of each catalog its
  /// outcomes were computed with (the rules that decided them).
  ///
  /// `problems` are what `audit verify` would name in this policy's chain: an export of a changed
  /// history is still given (it is the evidence), and the caller says it does not verify.
  ///
  /// With it, the proof that the chain is under a seal (`sealDigest`, else the latest seal that
  /// has the chain): the chain's head as of the seal and the path from its leaf to the seal's
  /// root, so that whoever holds the published digest can check the history up to that head
  /// without the store. `sealNote` says why there is no proof, when a seal was looked for.
  public func exportAudit(_ code: String, by actor: String, sealDigest: String? = nil) throws -> (
    document: JSON, problems: [AuditProblem], sealNote: String?
  ) {
    try db.transaction(.read) {
      // Read as `policies history` reads it: a name the store does not know sees policies outside
      // data access groups.
      let stored = try readablePolicy(code, version: nil, readBy: actor)
      let gid = stored.policy.gid
      try requireWholeHistory(of: stored, readBy: actor)
      let links = (try AuditChain.storedLinks(db, of: [gid])[gid] ?? []).sorted { $0.seq < $1.seq }
      let rows = (try AuditChain.rawRows(db, gids: [gid])[gid] ?? []).sorted { ($0.table, $0.key) < ($1.table, $1.key) }
      var problems =
        AuditChain.verify(gid: gid, versions: try versions(of: [gid])[gid], links: links, rows: rows)
        + AuditChain.loginProblems(
          gid: gid, code: code, links: links, rows: rows, writers: try AuditChain.linkWriters(db))
      let (sealProof, sealNote, sealProblems) = try sealProof(of: code, gid: gid, links: links, digest: sealDigest)
      problems += sealProblems
      // The catalogs the outcomes name (as their chained rows give them), with their files.
      let catalogs = try Self.catalogHashes(in: rows).map(checkedSnapshot)
      problems += catalogs.compactMap(\.problem)
      let document: JSON = [
        "format": .string(AuditChain.format), "code": .string(code), "gid": .string(gid),
        "seal": sealProof,
        "catalogs": .array(
          catalogs.map { catalog in
            [
              "hash": .string(catalog.hash),
              "files": catalog.files.map { files in
                .array(files.map { ["path": .string($0.path), "contents": .string($0.contents)] })
              } ?? .null,
            ]
          }),
        "links": .array(
          links.map {
            ["seq": .int($0.seq), "at": .string($0.at), "entries": .string($0.entries), "link": .string($0.link)]
          }),
        "rows": .array(
          rows.map { row in
            let table = AuditChain.tables[row.table]
            return [
              "table": .string(table.name), "key": .int(Int(row.key)),
              "fields": .array(
                row.values.enumerated().map { index, value in
                  let plain = Self.json(value)
                  guard table.digested.contains(index), case .string(let text) = plain else { return plain }
                  return ["sha256": .string(SHA256.hexDigest(text)), "text": .string(text)]
                }),
            ]
          }),
      ]
      return (document, problems, sealNote)
    }
  }

  /// The `seal` member of an export (null when there is no proof), and, when there is none though
  /// a seal was looked for, why; with the problem of a chain whose `links` no longer end where the
  /// seal recorded (the proof is then of a head this history does not have, and the export does
  /// not verify).
  private func sealProof(of code: String, gid: String, links: [AuditChain.StoredLink], digest: String?) throws
    -> (JSON, String?, [AuditProblem])
  {
    let seal: AuditSeal
    if let digest {
      seal = try findSeal(digest)
    } else {
      guard let latest = try auditSeals().last else { return (.null, nil, []) }
      seal = latest
    }
    // The heads the seal recorded (schema 16 on): every person may read them, where row-level
    // security would hide other groups' chains from the links (PostgreSQL).
    let heads =
      seal.recordedHeads == nil
      ? try AuditChain.heads(db, upTo: seal.lastLink) : try AuditChain.recordedHeads(db, asOf: seal.id)
    let tree = AuditChain.merkleTree(heads.map { (gid: $0.gid, seq: $0.seq, link: $0.link) }, proofFor: gid)
    // First whether the heads still give the root: a head removed from them is not a chain that
    // began after the seal.
    guard tree.root == seal.root, heads.count == seal.chains else {
      return (
        .null,
        "the chain heads of the seal of \(seal.at)"
          + (seal.recordedHeads == nil ? ", as this store shows them to you," : " it recorded")
          + " no longer give its root, so there is no proof to give; 'policyflow audit verify --since-seal "
          + "\(seal.digest)' (an administrator) says why", []
      )
    }
    // The chain as of the seal: its last link up to the seal's last one.
    let asOfSeal = links.filter { $0.id <= seal.lastLink }.max { $0.seq < $1.seq }.map {
      AuditChain.SealedHead(chain: 0, gid: gid, seq: $0.seq, link: $0.link)
    }
    guard let head = heads.first(where: { $0.gid == gid }), let proof = tree.proof else {
      guard let asOfSeal else {
        return (
          .null, "the seal of \(seal.at) has no head of policy \(code)'s chain: its history began after that seal", []
        )
      }
      let problems = AuditChain.sealedHeadProblems(
        AuditChain.HeadComparison(recorded: [], found: [asOfSeal]), sealedAt: seal.at
      ) { _ in [gid: code] }
      return (.null, "the seal of \(seal.at) has no head of policy \(code)'s chain", problems)
    }
    let problems = AuditChain.sealedHeadProblems(
      AuditChain.HeadComparison(recorded: [head], found: asOfSeal.map { [$0] } ?? []), sealedAt: seal.at
    ) { _ in [gid: code] }
    let sealJSON: JSON = [
      "digest": .string(seal.digest), "at": .string(seal.at), "lastLink": .int(Int(seal.lastLink)),
      "chains": .int(seal.chains), "root": .string(seal.root),
      "head": ["seq": .int(head.seq), "link": .string(head.link)],
      "proof": .array(proof.map { [$0.siblingIsLeft ? "left" : "right": .string($0.sibling)] }),
    ]
    return (sealJSON, nil, problems)
  }

  /// Refuses an export the person cannot see all of: the versions of a policy written in a data
  /// access group the person is not in (before the policy moved to theirs) are hidden from them,
  /// as `policies history` hides them (on PostgreSQL row-level security hides their rows), and an
  /// export without them would not verify.
  private func requireWholeHistory(of stored: StoredPolicy, readBy reader: String) throws {
    let hidden = try hiddenVersions(of: stored, readBy: reader)
    guard hidden > 0 else { return }
    let verb = hidden == 1 ? "was" : "were"
    throw StoreError(
      .notPermitted,
      "\(hidden) of the \(stored.policy.version) versions of policy \(stored.policy.code) \(verb) written in a "
        + "data access group you may not see, and its export would not verify without their history. An "
        + "administrator, or someone who may see every group the policy has been in, can export it.")
  }

  /// The catalog hashes the cycle rows among `rows` name, each once, in order.
  private static func catalogHashes(in rows: [AuditChain.RawRow]) -> [String] {
    guard let cycle = AuditChain.tableIndex("cycle"),
      let column = AuditChain.tables[cycle].columns.firstIndex(of: "t.catalog_hash")
    else { return [] }
    let hashes = rows.compactMap { row -> String? in
      guard row.table == cycle, case .text(let hash) = row.values[column] else { return nil }
      return hash
    }
    return Set(hashes).sorted()
  }

  private static func json(_ value: DatabaseValue) -> JSON {
    switch value {
    case .null: .null
    case .integer(let number): .int(Int(number))
    case .real(let number): .string(String(number))
    case .text(let text): .string(text)
    case .blob(let bytes): .string(SHA256.hex(bytes))
    }
  }
}
