extension AuditChain {
  /// The heads `recorded` with a seal against the heads as of the seal `found` from the chains now,
  /// by gid: compared once, for the problems of some policies and the count of the others.
  struct HeadComparison {
    let sealed: [String: SealedHead]
    let now: [String: SealedHead]
    /// The gids whose chain as of the seal ends elsewhere than the seal recorded: at another link,
    /// at none, or a chain the seal did not have.
    let differing: Set<String>

    init(recorded: [SealedHead], found: [SealedHead]) {
      let sealed = Dictionary(recorded.map { ($0.gid, $0) }, uniquingKeysWith: { first, _ in first })
      let now = Dictionary(found.map { ($0.gid, $0) }, uniquingKeysWith: { first, _ in first })
      differing = Set(sealed.keys).union(now.keys).filter {
        sealed[$0]?.seq != now[$0]?.seq || sealed[$0]?.link != now[$0]?.link
      }
      (self.sealed, self.now) = (sealed, now)
    }
  }

  /// One problem per gid whose chain as of a seal no longer ends where the seal recorded (the
  /// recorded heads already checked against its root). `gids`, when given, limits the problems to
  /// those policies. `codes` is asked once, for the gids named, for the code of each that still
  /// has a policy.
  static func sealedHeadProblems(
    _ heads: HeadComparison, sealedAt at: String, gids: Set<String>? = nil,
    codes: (Set<String>) throws -> [String: String]
  ) rethrows -> [PolicyStore.AuditProblem] {
    let (sealed, now) = (heads.sealed, heads.now)
    let differing = heads.differing.filter { gids?.contains($0) ?? true }
    guard !differing.isEmpty else { return [] }
    let named = try codes(differing)
    var problems: [PolicyStore.AuditProblem] = []
    for gid in differing.sorted() {
      let (then, current) = (sealed[gid], now[gid])
      let code = named[gid]
      let policy = code ?? "the policy with gid \(gid)"
      let message: String
      switch (then, current) {
      case (let then?, let current?):
        message =
          "the chain of \(policy) as sealed at \(at) ended at link \(then.seq) with hash \(short(then.link)); its "
          + "links up to that seal now end at link \(current.seq) with hash \(short(current.link)): it was rewritten "
          + "after the seal"
      case (let then?, nil):
        message =
          "the chain of \(policy) as sealed at \(at) ended at link \(then.seq) with hash \(short(then.link)); "
          + (code == nil
            ? "no policy has that gid now: the policy was removed, with its chain, after the seal"
            : "it has no link up to that seal now: its links were removed, or moved off the policy's first row, "
              + "after the seal")
      case (nil, let current?):
        message =
          "\(code ?? "The policy with gid \(gid)") has a chain up to the seal of \(at), ending at link "
          + "\(current.seq) with hash \(short(current.link)), that the seal did not record: its links were "
          + "written, or the policy given this gid, after the seal"
      case (nil, nil):
        continue
      }
      // The same hash at another number differs by the number: said so, not as two equal hashes.
      let sameHash = then != nil && then?.link == current?.link
      problems.append(
        PolicyStore.AuditProblem(
          gid: gid, code: code, kind: .seal, seq: then?.seq ?? current?.seq,
          expected: sameHash ? then.map { "link \($0.seq)" } : then?.link,
          found: sameHash ? current.map { "link \($0.seq)" } : current?.link, message: message))
    }
    return problems
  }

  /// The first digits of a hash, enough for a person to tell two apart.
  private static func short(_ hash: String) -> String { hash.prefix(12) + "…" }
}
