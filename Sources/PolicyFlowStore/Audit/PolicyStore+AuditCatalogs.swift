import PolicyFlowCore

/// The catalog snapshots in the tamper-evident history: an outcome names the hash of the catalog
/// that produced it (a covered column of its cycle row), and the snapshot stored under that hash
/// must still hold files that hash to it. `audit verify` checks them (all of them, or those the
/// policies it was given name) and `audit export` carries them, so that an export shows the rules
/// each outcome was computed with.
extension PolicyStore {
  /// A snapshot as `audit verify` and `audit export` check it: its files (nil when the store has
  /// no snapshot of the hash, or its files cannot be read) and what is wrong with it.
  struct CheckedSnapshot {
    var hash: String
    var files: [CatalogFile]?
    var problem: AuditProblem?
  }

  /// The snapshot stored under `hash`, checked against its name.
  func checkedSnapshot(_ hash: String) throws -> CheckedSnapshot {
    let files: [CatalogFile]?
    do {
      files = try snapshotFiles(hash)
    } catch {
      // Files that are not the engine's JSON, or not text at all (a blob written with sqlite3):
      // named, as any change, not a reason to stop the verification.
      return CheckedSnapshot(hash: hash, problem: Self.changedSnapshot(hash, found: "files that cannot be read"))
    }
    guard let files else {
      return CheckedSnapshot(
        hash: hash,
        problem: AuditProblem(
          gid: "", kind: .catalog, table: "catalog_snapshot", expected: hash,
          message: "the catalog snapshot \(hash), which outcomes were computed with, is gone: it was removed"))
    }
    let computed = CatalogLoader.contentHash(files)
    return CheckedSnapshot(
      hash: hash, files: files, problem: computed == hash ? nil : Self.changedSnapshot(hash, found: computed))
  }

  private static func changedSnapshot(_ hash: String, found: String) -> AuditProblem {
    AuditProblem(
      gid: "", kind: .catalog, table: "catalog_snapshot", expected: hash, found: found,
      message: "the catalog snapshot \(hash) no longer holds the files of that hash: it was changed")
  }

  /// The catalogs the outcomes of `gids` were computed with, by hash.
  func catalogHashes(namedBy gids: [String]) throws -> [String] {
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    return try db.query(
      "SELECT DISTINCT t.catalog_hash FROM cycle t JOIN policy p ON p.id = t.policy_id WHERE "
        + db.dialect.isOneOfStrings("p.gid", jsonArray: "?") + " ORDER BY t.catalog_hash", [list]
    ) { try $0.string(at: 0) }
  }

  /// Catalog snapshots whose files do not hash to the name outcomes link to, and catalogs an
  /// outcome links to that have no snapshot: of the whole store (every snapshot it holds), or
  /// those the outcomes of `gids` name.
  func catalogProblems(of gids: [String]? = nil) throws -> (count: Int, problems: [AuditProblem]) {
    guard let gids else {
      let hashes = try snapshotHashes().map(\.hash)
      let missing = try db.query(
        "SELECT DISTINCT catalog_hash FROM cycle WHERE catalog_hash NOT IN (SELECT hash FROM catalog_snapshot)"
      ) { try $0.string(at: 0) }
      let checked = try (hashes + missing.sorted()).map(checkedSnapshot)
      return (hashes.count, checked.compactMap(\.problem))
    }
    let checked = try catalogHashes(namedBy: gids).map(checkedSnapshot)
    return (checked.count - checked.filter { $0.files == nil }.count, checked.compactMap(\.problem))
  }
}
