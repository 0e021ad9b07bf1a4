import PolicyFlowCore

extension AuditChain {
  /// A link as stored.
  struct StoredLink: Sendable {
    var id: Int64
    /// The gid the link was written for (hashed), which is its chain's unless it was moved.
    var gid: String
    var seq: Int
    var at: String
    var entries: String
    var link: String
    /// The database login that wrote it (PostgreSQL, since schema 17); nil when none was recorded.
    var writtenBy: String? = nil
    /// What that login could do when it wrote the link (PostgreSQL, since schema 18:
    /// `trusted`, `worker` or `operator`); nil when it was not recorded.
    var writtenAs: String? = nil
  }

  /// The links of the chains of `gids`, by gid, in no particular order.
  ///
  /// `locking` (in a write transaction): on PostgreSQL the chains are found and locked as an
  /// append finds them (`policyflow_lock_chains`), past row-level security, which may hide a
  /// policy's first version from the person whose change is being checked.
  static func storedLinks(_ db: any DatabaseConnection, of gids: [String], locking: Bool = false) throws
    -> [String: [StoredLink]]
  {
    var links: [String: [StoredLink]] = [:]
    let list = DatabaseValue.text(JSON.array(gids.map { .string($0) }).serialized())
    let chains =
      locking && db.dialect == .postgres
      ? "SELECT chain_gid AS gid, chain_id AS chain FROM policyflow_lock_chains(CAST(? AS jsonb))"
      : chainRows(where: db.dialect.isOneOfStrings("gid", jsonArray: "?"))
    // A chain is kept under its policy's first row (schema 15); the link's own gid is hashed.
    try db.forEachRow(
      """
      SELECT f.gid, a.id, a.seq, a.at, a.entries, a.link, a.gid, a.written_by, a.written_as
      FROM audit_link a JOIN (\(chains)) f ON a.chain = f.chain
      """,
      [list]
    ) { row in
      links[try row.string(at: 0), default: []].append(
        StoredLink(
          id: try row.int64(at: 1), gid: try row.string(at: 6), seq: try row.int(at: 2), at: try row.string(at: 3),
          entries: try row.string(at: 4), link: try row.string(at: 5), writtenBy: try row.optionalString(at: 7),
          writtenAs: try row.optionalString(at: 8)))
    }
    return links
  }

  /// Recomputes the chain of `gid` from its `links` and checks every history row of it (`rows`)
  /// against the last link that lists the row. Pure: the rows and links were read beforehand.
  static func verify(gid: String, versions: Versions?, links: [StoredLink], rows: [RawRow])
    -> [PolicyStore.AuditProblem]
  {
    let code = versions?.code
    var problems: [PolicyStore.AuditProblem] = []
    func problem(
      _ kind: PolicyStore.AuditProblem.Kind, table: Int? = nil, key: Int64? = nil, seq: Int? = nil,
      expected: String? = nil, found: String? = nil, _ message: String
    ) {
      problem(
        kind, table: table.map { tables[$0].name }, key: key, seq: seq, expected: expected, found: found, message)
    }
    func problem(
      _ kind: PolicyStore.AuditProblem.Kind, table: String?, key: Int64? = nil, seq: Int? = nil,
      expected: String? = nil, found: String? = nil, _ message: String
    ) {
      problems.append(
        PolicyStore.AuditProblem(
          gid: gid, code: code, kind: kind, table: table, key: key, seq: seq, expected: expected, found: found,
          message: message))
    }
    var previous = genesis
    var latest: [Int: [Int64: (seq: Int, hash: String?)]] = [:]
    // Every listing of a row with a hash, for the rows listed more than once.
    var listings: [Int: [Int64: [(seq: Int, hash: String)]]] = [:]
    var next = 1
    // The links found missing, as named: a row no link found lists may have been in one of them.
    var missing: [String] = []
    // What the engine's changes come with in the same link: a revert removes a document, and every
    // edit and cycle records a status change.
    var removesDocument: Set<Int> = []
    var recordsStatus: Set<Int> = []
    var documentsReplaced: [(seq: Int, key: Int64)] = []
    // And a result taken out of force comes with a new result (an approval's premium, a
    // cancellation's reversal) or a cancellation.
    var recordsResultOrCancellation: Set<Int> = []
    var resultsReplaced: [(seq: Int, key: Int64)] = []
    let (documentTable, statusTable) = (tableIndex("policy_data"), tableIndex("status_history"))
    let (resultTable, cancellationTable) = (tableIndex("calculation"), tableIndex("cancellation"))
    for link in links.sorted(by: { $0.seq < $1.seq }) {
      // A link written for another policy, moved under this chain: its rows are that policy's.
      guard link.gid == gid else {
        problem(
          .brokenLink, seq: link.seq, expected: gid, found: link.gid,
          "audit_link row \(link.id) (link \(link.seq)) is kept under this policy's chain but was written for gid "
            + "\(link.gid): it was moved here, or forged, behind the engine's back")
        // It vouches for nothing of this policy; a link the engine appended after it follows it.
        next = max(next, link.seq + 1)
        previous = link.link
        continue
      }
      // Named once per gap: the links after it are where they should be.
      if link.seq > next {
        missing.append(link.seq - 1 > next ? "links \(next) to \(link.seq - 1)" : "link \(next)")
        let gap =
          link.seq - 1 > next ? "links \(next) to \(link.seq - 1) of the chain are" : "link \(next) of the chain is"
        problem(
          .missingLink, seq: next, expected: "link \(next)", found: "link \(link.seq)",
          "\(gap) missing (the next one found is \(link.seq))")
      }
      next = max(next, link.seq + 1)
      let recomputed = AuditChain.link(previous: previous, gid: gid, seq: link.seq, at: link.at, entries: link.entries)
      if recomputed != link.link {
        problem(
          .brokenLink, seq: link.seq, expected: recomputed, found: link.link,
          "link \(link.seq) does not follow from the link before it and its entries: the link or an earlier one was changed"
        )
      }
      previous = link.link
      var entries: [Entry] = []
      for line in link.entries.utf8.split(separator: newline) {
        guard let entry = Entry(line: line) else {
          problem(
            .brokenLink, seq: link.seq, found: String(Substring(line).prefix(80)),
            "link \(link.seq) lists a line that is not an entry")
          continue
        }
        entries.append(entry)
      }
      for entry in entries {
        if entry.hash == nil, !isEnginesRemoval(entry, among: entries) {
          problem(
            .brokenLink, table: entry.table, key: entry.key, seq: link.seq,
            expected: latest[entry.table]?[entry.key]?.hash,
            found: "removed",
            "link \(link.seq) lists \(tables[entry.table].name) row \(entry.key) as removed: the engine removes only a "
              + "version's document and cancellation record, in a revert, so the link was forged")
        }
        if tables[entry.table].isWrittenOnce, entry.hash != nil, let earlier = latest[entry.table]?[entry.key] {
          problem(
            .brokenLink, table: entry.table, key: entry.key, seq: link.seq, expected: earlier.hash, found: entry.hash,
            "link \(link.seq) lists \(tables[entry.table].name) row \(entry.key) again, after link \(earlier.seq): "
              + "the engine never changes such a row, so the later link was forged")
        }
        if entry.table == documentTable {
          if entry.hash == nil {
            removesDocument.insert(link.seq)
          } else if let earlier = latest[entry.table]?[entry.key], earlier.hash != entry.hash {
            documentsReplaced.append((link.seq, entry.key))
          }
        }
        if entry.table == statusTable, entry.hash != nil, latest[entry.table]?[entry.key] == nil {
          recordsStatus.insert(link.seq)
        }
        if entry.table == resultTable || entry.table == cancellationTable, entry.hash != nil {
          if let earlier = latest[entry.table]?[entry.key] {
            if entry.table == resultTable, earlier.hash != entry.hash { resultsReplaced.append((link.seq, entry.key)) }
          } else {
            recordsResultOrCancellation.insert(link.seq)
          }
        }
        latest[entry.table, default: [:]][entry.key] = (link.seq, entry.hash)
        if let hash = entry.hash {
          listings[entry.table, default: [:]][entry.key, default: []].append((link.seq, hash))
        }
      }
    }
    var seen: Set<Entry> = []
    for row in rows {
      let entry = row.entry
      seen.insert(Entry(table: row.table, key: row.key, hash: nil))
      let name = "\(tables[row.table].name) row \(row.key)"
      guard let listed = latest[row.table]?[row.key] else {
        problem(
          .inserted, table: row.table, key: row.key, found: entry.hash,
          missing.isEmpty
            ? "\(name) is in no link of the chain: it was written behind the engine's back"
            : "\(name) is in no link found of the chain: it was listed by a missing one (\(missing.joined(separator: ", "))), "
              + "or written behind the engine's back")
        continue
      }
      guard let expected = listed.hash else {
        problem(
          .inserted, table: row.table, key: row.key, seq: listed.seq, found: entry.hash,
          "\(name) was removed by link \(listed.seq) but exists again")
        continue
      }
      if expected != entry.hash {
        problem(
          .changed, table: row.table, key: row.key, seq: listed.seq, expected: expected, found: entry.hash,
          "\(name) differs from what link \(listed.seq) recorded: it was changed behind the engine's back")
        continue
      }
      // Listed again with another hash: the change must be one the engine makes to such a row.
      guard let listed = listings[row.table]?[row.key], listed.count > 1, !tables[row.table].isWrittenOnce,
        Set(listed.map(\.hash)).count > 1, let states = earlierStates(row.table, of: row.values)
      else { continue }
      // A revert's mark comes with the removal of the reverted version's document. (A note a
      // person typed that ends like a mark was listed so from the first, or after another state.)
      if let unmarked = beforeRevertMark(row.table, row.values).map({ rowHash(tables[row.table], $0) }),
        let marked = listed.indices.dropFirst().first(where: {
          listed[$0].hash == entry.hash && listed[$0 - 1].hash == unmarked
        }), !removesDocument.contains(listed[marked].seq)
      {
        problem(
          .brokenLink, table: row.table, key: row.key, seq: listed[marked].seq, expected: listed[marked - 1].hash,
          found: entry.hash,
          "link \(listed[marked].seq) lists \(name) marked as reverted, but removes no version's document: the engine "
            + "marks rows only in a revert, which removes the reverted version's document, so the link was forged")
        continue
      }
      // The last listing the row as it is does not explain is where it was changed: the engine's
      // changes after it are explained, and the ones before it are worked back from a forgery.
      let explained = Set(states.map { rowHash(tables[row.table], $0) })
      guard let unexplained = listed.dropLast().lastIndex(where: { !explained.contains($0.hash) }) else { continue }
      let (before, after) = (listed[unexplained], listed[unexplained + 1])
      problem(
        .brokenLink, table: row.table, key: row.key, seq: after.seq, expected: before.hash, found: after.hash,
        "link \(after.seq) lists \(name) with a hash that no change the engine makes to such a row explains (link "
          + "\(before.seq) listed it otherwise): the row was changed behind the engine's back before link \(after.seq), "
          + "or that link was forged")
    }
    for (table, keys) in latest.sorted(by: { $0.key < $1.key }) {
      for (key, listed) in keys.sorted(by: { $0.key < $1.key }) where listed.hash != nil {
        guard !seen.contains(Entry(table: table, key: key, hash: nil)) else { continue }
        problem(
          .removed, table: table, key: key, seq: listed.seq, expected: listed.hash,
          "\(tables[table].name) row \(key), recorded by link \(listed.seq), is gone: it was removed behind the engine's back"
        )
      }
    }
    // The engine replaces a document only in an edit or a cycle, each of which records a status change.
    for replaced in documentsReplaced where !recordsStatus.contains(replaced.seq) {
      problem(
        .brokenLink, table: "policy_data", key: replaced.key, seq: replaced.seq,
        "link \(replaced.seq) lists the document of policy row \(replaced.key) again with another hash, but records no "
          + "status change: the engine replaces a document only in an edit or a processing cycle, which record one, so "
          + "the link was forged")
    }
    // (A change named already, as one the engine never makes, is not named twice.)
    for replaced in resultsReplaced where !recordsResultOrCancellation.contains(replaced.seq) {
      guard !problems.contains(where: { $0.table == "calculation" && $0.key == replaced.key && $0.seq == replaced.seq })
      else { continue }
      problem(
        .brokenLink, table: "calculation", key: replaced.key, seq: replaced.seq,
        "link \(replaced.seq) lists calculation row \(replaced.key) again with another hash, but records no new result "
          + "nor a cancellation: the engine takes a result out of force only in an approval or a cancellation, which "
          + "record one, so the link was forged")
    }
    // A document is removed only with its version, in a revert.
    for (key, listed) in latest[documentTable ?? -1] ?? [:] where listed.hash == nil {
      guard versions?.rows[key] != nil else { continue }
      problem(
        .brokenLink, table: "policy_data", key: key, seq: listed.seq,
        "link \(listed.seq) lists the document of policy row \(key) as removed, but that version is still there: the "
          + "engine removes a document only with its version, in a revert, so the link was forged")
    }
    problems += policyRowProblems(gid: gid, versions: versions, rows: rows)
    // The status a version shows is the one its (chained) status history ends in.
    var lastStatus: [Int: (key: Int64, status: String)] = [:]
    if let statusTable = tableIndex("status_history") {
      for row in rows where row.table == statusTable {
        guard case .integer(let version) = row.values[1], case .text(let status) = row.values[3] else { continue }
        if row.key > lastStatus[Int(version)]?.key ?? Int64.min { lastStatus[Int(version)] = (row.key, status) }
      }
    }
    // A row put before the first version's would take the chain's place, with links of its own.
    if let first = versions?.firstRow, first.version != 1 {
      problem(
        .inserted, table: "policy", key: first.id, expected: "version 1", found: "version \(first.version)",
        "policy row \(first.id) (version \(first.version)) comes before the policy's first version, whose row keeps "
          + "the chain: it was written behind the engine's back")
    }
    for (version, status) in (versions?.statuses ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard let last = lastStatus[version], last.status != status else { continue }
      problem(
        .status, table: "policy", key: versions?.rows.first { $0.value.version == version }?.key,
        expected: last.status, found: status,
        "version \(version) is \(status), but its status history ends in \(last.status) (status_history row \(last.key)): "
          + "the status, or the history it ends, was changed behind the engine's back")
    }
    return problems
  }

  /// A policy's code and the status of each of its versions, as the policy table holds them.
  /// What the policy rows of `gid` (not history: the chain does not cover them) must agree with:
  /// each row's code is its chained document's, and the one row marked current is the latest
  /// version. Else a swap of two policies' codes, or a version marked current in place of a later
  /// one, would show a canceled policy as approved with every chain intact.
  static func policyRowProblems(gid: String, versions: Versions?, rows: [RawRow]) -> [PolicyStore.AuditProblem] {
    guard let versions, let documentTable = tableIndex("policy_data") else { return [] }
    var problems: [PolicyStore.AuditProblem] = []
    func problem(key: Int64?, expected: String, found: String, _ message: String) {
      problems.append(
        PolicyStore.AuditProblem(
          gid: gid, code: versions.code, kind: .policy, table: "policy", key: key, expected: expected, found: found,
          message: message))
    }
    for row in rows where row.table == documentTable {
      guard let policy = versions.rows[row.key], case .text(let text) = row.values[2],
        !Self.holdsMember(text, name: "code", value: policy.code),
        let document = try? JSON(parsingDeferred: text), case .string(let code)? = document[path: "code"],
        code != policy.code
      else { continue }
      problem(
        key: row.key, expected: code, found: policy.code,
        "policy row \(row.key) (version \(policy.version)) has the code \(policy.code), but its chained document's is "
          + "\(code): the code was changed behind the engine's back")
    }
    // The group a row is kept in (which row-level security and the rights read) is its chained
    // document's: a group cleared or changed by hand would show the policy to others.
    for row in rows where row.table == documentTable {
      guard let policy = versions.rows[row.key], case .text(let text) = row.values[2] else { continue }
      if let group = policy.accessGroup, Self.holdsMember(text, name: "accessGroup", value: group) { continue }
      if policy.accessGroup == nil, !ByteSearch.contains(Array("\"accessGroup\"".utf8), in: text) { continue }
      guard let document = try? JSON(parsingDeferred: text) else { continue }
      let chained = document[path: "accessGroup"]?.stringValue
      guard chained != policy.accessGroup else { continue }
      let name = { (group: String?) in group.map { "'\($0)'" } ?? "none" }
      problem(
        key: row.key, expected: name(chained), found: name(policy.accessGroup),
        "policy row \(row.key) (version \(policy.version)) is in data access group \(name(policy.accessGroup)), but its "
          + "chained document's is \(name(chained)): the group was changed behind the engine's back")
    }
    let current = versions.rows.filter(\.value.isCurrent)
    if let latest = versions.rows.max(by: { $0.value.version < $1.value.version }),
      current.count != 1 || current.first?.key != latest.key
    {
      let shown = current.map { "version \($0.value.version)" }.sorted().joined(separator: ", ")
      problem(
        key: latest.key, expected: "version \(latest.value.version)", found: shown.isEmpty ? "none" : shown,
        "the version shown as current is \(shown.isEmpty ? "none" : shown), but the latest is version "
          + "\(latest.value.version): which version is current was changed behind the engine's back")
    }
    return problems
  }

  /// Whether the document `text` holds `"NAME":VALUE` (VALUE a JSON string) as the engine writes
  /// it: a search of the bytes, which spares parsing every document of the store when the code is
  /// there (a miss is parsed to be sure).
  static func holdsMember(_ text: String, name: String, value: String) -> Bool {
    ByteSearch.contains(Array("\"\(name)\":".utf8) + Array(JSON.string(value).serialized().utf8), in: text)
  }

  struct Versions: Sendable {
    var code: String
    var statuses: [Int: String] = [:]
    /// Each policy row's code, whether it is marked current and its data access group, by id.
    var rows: [Int64: (version: Int, code: String, isCurrent: Bool, accessGroup: String?)] = [:]
    /// The policy's row with the smallest id, which its chain is kept under: version 1's.
    var firstRow: (id: Int64, version: Int)?
  }
}
