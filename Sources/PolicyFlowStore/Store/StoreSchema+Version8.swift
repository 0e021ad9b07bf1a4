extension StoreSchema {
  /// Work whose worker stopped before committing (a crash, a kill, a stall past the lease) comes
  /// back when its lease expires. Claimed again in the same batch, one policy that crashes every
  /// worker took the whole batch down with it each time, until every policy in it was parked. The
  /// claim sets such work apart in smaller and smaller groups instead, and parks a policy whose
  /// worker stopped while it held that policy alone (`PolicyStore+Claim.swift`). It needs two facts
  /// per activity that the queue did not keep:
  ///
  /// - `expired_leases`: how many times a lease on it expired without a commit. Claims count
  ///   every attempt, and a commit given back after a busy database counts too; this counts
  ///   only the stops, and sets the size of the next group.
  /// - `leased_alone`: whether its current lease holds it alone (a claim of one returned work,
  ///   with nothing else in the worker's hands), so that the next claim knows the stop was its.
  ///
  /// Both are plain columns with a default: adding them rewrites no row.
  static let version8 = """
    ALTER TABLE activity ADD COLUMN expired_leases INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE activity ADD COLUMN leased_alone INTEGER NOT NULL DEFAULT 0;
    """
}
