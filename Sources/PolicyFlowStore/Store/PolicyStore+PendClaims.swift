import PolicyFlowCore

/// A pended policy one operator is reviewing in `pends work`, held until ``expires``.
public struct PendClaim: Sendable, Hashable {
  public var code: String
  public var token: String
  public var expires: StoreTime
}

extension PolicyStore {
  /// Claims the pended policy with the oldest open pend reason that `actor` may resolve, that
  /// passes `filter`, is not in `skipping`, and that no one else holds: a claim held by another
  /// session lapses after `leaseMilliseconds` without renewal. Nil when none is left.
  ///
  /// One write transaction, so two operators asking at once are given different policies.
  public func claimNextPend(
    _ filter: PendFilter = PendFilter(), actor: String, skipping: Set<String> = [], leaseMilliseconds: Int64
  ) throws -> PendClaim? {
    try writing {
      let user = try knownUser(actor)
      let now = clock()
      try db.execute("DELETE FROM pend_claim WHERE expires_ms <= ?", [.integer(now.milliseconds)])
      var seen = Set<String>()
      for pend in try openPends(filter, readBy: actor) where seen.insert(pend.policy).inserted {
        guard !skipping.contains(pend.policy) else { continue }
        let stored = try currentPolicy(pend.policy, for: user)
        let held = try db.queryOne(
          "SELECT 1 FROM pend_claim WHERE policy_id = ?", [.integer(stored.id)], row: { _ in true })
        guard held == nil else { continue }
        let open = try openPendRows(policyID: stored.id)
        // A policy whose rights cannot be trusted (its catalog snapshot was changed behind the
        // engine's back) is not handed out; the others still are.
        let mayResolve = try open.contains { pend in
          do {
            return try refusal(of: user, for: pend, policy: stored, time: now.timestamp) == nil
          } catch let error as StoreError where error.kind == .damaged {
            return false
          }
        }
        guard mayResolve else { continue }
        let claim = PendClaim(
          code: pend.policy, token: UUIDv4.random(), expires: now.adding(milliseconds: leaseMilliseconds))
        try db.execute(
          "INSERT INTO pend_claim (policy_id, claimed_by, token, expires_ms) VALUES (?, ?, ?, ?)",
          [.integer(stored.id), .text(actor), .text(claim.token), .integer(claim.expires.milliseconds)])
        return claim
      }
      return nil
    }
  }

  /// Extends `claim` by `leaseMilliseconds` from now; false when it is no longer held (it
  /// lapsed and another operator took the policy, or its policy changed version).
  public func renew(_ claim: PendClaim, leaseMilliseconds: Int64) throws -> Bool {
    try writing {
      try db.execute(
        "UPDATE pend_claim SET expires_ms = ? WHERE token = ?",
        [.integer(clock().adding(milliseconds: leaseMilliseconds).milliseconds), .text(claim.token)]) == 1
    }
  }

  /// Gives `claim` up (skip, quit, or done with the policy).
  public func release(_ claim: PendClaim) throws {
    try writing { try db.execute("DELETE FROM pend_claim WHERE token = ?", [.text(claim.token)]) }
  }
}
