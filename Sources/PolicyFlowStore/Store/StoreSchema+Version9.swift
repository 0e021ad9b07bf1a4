extension StoreSchema {
  /// `pends work`: operators working the pend queue side by side each hold a short claim on the
  /// pended policy they are reviewing, so that no two review one case at the same time. A claim
  /// is the policy row, who holds it, a random token (a second session of the same name is
  /// another holder) and when it lapses; an expired claim is free to take. A new table: no row
  /// is rewritten.
  static let version9 = """
    CREATE TABLE pend_claim (
      policy_id INTEGER PRIMARY KEY REFERENCES policy(id) ON DELETE CASCADE,
      claimed_by TEXT NOT NULL,
      token TEXT NOT NULL UNIQUE,
      expires_ms INTEGER NOT NULL
    );
    """
}
