public import PolicyFlowCore

/// One catalog for every worker: a catalog published to the store is what every worker runs,
/// whatever files its own machine has.
extension PolicyStore {
  /// A catalog published to the store.
  public struct Publication: Sendable, Hashable {
    public var hash: String
    /// Who published it first, and when.
    public var publishedBy: String
    public var publishedAt: String
    /// Whether it is the catalog workers run now.
    public var isActive: Bool
    /// False when a publish or activate found it active already and recorded nothing.
    public var changed = true
  }

  /// Publishes `catalog` (checked by the caller: it loaded without errors) and makes it the
  /// active one: workers switch to it at their next batch. Only administrators may. A catalog
  /// active already is left as it is (``Publication/changed`` false): the history of
  /// publications records changes only.
  @discardableResult
  public func publish(_ catalog: Catalog, by actor: String) throws -> Publication {
    try writing {
      try requireAdministrator(try knownUser(actor), toDo: "publish a catalog")
      // The snapshot is stored either way: publishing again repairs an active catalog whose
      // snapshot is missing.
      try insertSnapshot(catalog)
      // A row written under this hash beforehand, behind the engine's back, with other files would
      // be what workers load: refused rather than published.
      guard CatalogLoader.contentHash(try snapshotFiles(catalog.hash) ?? []) == catalog.hash else {
        throw StoreError(
          .damaged,
          "The store already holds a catalog snapshot under \(catalog.hash) whose files are not that catalog's: it "
            + "was written behind the engine's back, and nothing was published. 'policyflow audit verify' names it; "
            + "a database administrator removes that row, then publish again.")
      }
      if try activeCatalogHash() == catalog.hash { return try publication(catalog.hash, changed: false) }
      try recordPublication(catalog.hash, action: "publish", by: actor)
      return try publication(catalog.hash)
    }
  }

  /// Makes the published catalog `hash` (or the one a unique prefix of it names) active again:
  /// rolling back a publication. Only administrators may.
  @discardableResult
  public func activate(_ hash: String, by actor: String) throws -> Publication {
    try writing {
      try requireAdministrator(try knownUser(actor), toDo: "activate a catalog")
      let published = try publications()
      // The whole hash, or a prefix of it with or without `sha256:`.
      let matching = published.filter { $0.hash.hasPrefix(hash) || $0.hash.dropFirst(7).hasPrefix(hash) }
      guard matching.count == 1 else {
        let known = published.map(\.hash).joined(separator: ", ")
        // A hash that names no catalog, or several, is bad input (exit 65), as for `catalog diff`.
        throw StoreError(
          .invalidInput,
          matching.isEmpty
            ? "No published catalog has hash '\(hash)'; published: \(known.isEmpty ? "none" : known)."
            : "'\(hash)' names \(matching.count) published catalogs; give more of the hash.")
      }
      if matching[0].isActive { return try publication(matching[0].hash, changed: false) }
      try recordPublication(matching[0].hash, action: "activate", by: actor)
      return try publication(matching[0].hash)
    }
  }

  private func publication(_ hash: String, changed: Bool = true) throws -> Publication {
    guard var publication = try publications().first(where: { $0.hash == hash }) else {
      preconditionFailure("catalog \(hash), published in this transaction, cannot be read back")
    }
    publication.changed = changed
    return publication
  }

  private func recordPublication(_ hash: String, action: String, by actor: String) throws {
    try db.execute(
      "INSERT INTO catalog_publication (hash, action, actor, at) VALUES (?, ?, ?, ?)",
      [.text(hash), .text(action), .text(actor), .text(clock().iso8601)])
  }

  /// The published catalogs, first published first, with the active one marked.
  public func publications() throws -> [Publication] {
    let active = try activeCatalogHash()
    return try db.query(
      """
      SELECT p.hash, p.actor, p.at FROM catalog_publication p
      WHERE p.action = 'publish' AND p.id = (
        SELECT min(q.id) FROM catalog_publication q WHERE q.hash = p.hash AND q.action = 'publish')
      ORDER BY p.id
      """
    ) { row in
      let hash = try row.string(at: 0)
      return Publication(
        hash: hash, publishedBy: try row.string(at: 1), publishedAt: try row.string(at: 2), isActive: hash == active)
    }
  }

  /// The hash of the catalog workers run, or nil when none was published (each worker runs its
  /// local files).
  public func activeCatalogHash() throws -> String? {
    try db.queryOne("SELECT hash FROM catalog_publication ORDER BY id DESC LIMIT 1") { try $0.string(at: 0) }
  }

  /// The catalog workers run, from its snapshot; nil when none was published.
  public func activeCatalog() throws -> Catalog? {
    guard let hash = try activeCatalogHash() else { return nil }
    guard let catalog = try snapshotCatalog(hash) else {
      throw StoreError(.damaged, "The published catalog \(hash) cannot be loaded from its snapshot.")
    }
    return catalog
  }
}
