import PolicyFlowCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension AuditChain {
  /// Where the columns a history table's rows are hashed by (``Table/columns``) are in the rows of
  /// one insert: among the insert's own columns, or (`p.gid`, `p.version`) the gid and version of
  /// the row's policy version, which the caller gives.
  struct InsertLayout {
    let table: Int
    /// For each covered column, its position among the insert's columns; nil for the policy
    /// version's gid and version.
    private let positions: [Int?]

    /// Nil when the insert does not give some covered column.
    init?(_ table: Int, columns: [String]) {
      var positions: [Int?] = []
      for column in AuditChain.tables[table].columns {
        if column == "p.gid" || column == "p.version" {
          positions.append(nil)
          continue
        }
        guard column.hasPrefix("t."), let position = columns.firstIndex(of: String(column.dropFirst(2))) else {
          return nil
        }
        positions.append(position)
      }
      self.table = table
      self.positions = positions
    }

    /// The hash of `row`, inserted for the policy version `owner`; `digest` is the SHA-256 (hex)
    /// of its document column when the caller has it.
    func hash(_ row: [DatabaseValue], owner: Owner, digest: String?) -> String {
      let spec = AuditChain.tables[table]
      return AuditChain.rowHash(
        spec,
        spec.columns.indices.lazy.map { index -> DatabaseValue in
          if let position = positions[index] { return row[position] }
          return spec.columns[index] == "p.gid" ? .text(owner.gid) : .integer(Int64(owner.version))
        }, digest: digest)
    }
  }

  /// History rows a worker's commit will insert, hashed beforehand on its computing thread: the
  /// committing thread is a worker's busiest, and hashing what it inserted was a tenth of its
  /// time (`policyflow-bench worker`, BENCHMARKS.md). By table (position in ``tables``), then by
  /// policy row. A commit takes a row's hash only for an insert of exactly the columns and values
  /// hashed; any other row it hashes itself, so a row is never chained under a hash of something
  /// else.
  struct Prehashed: Sendable {
    struct Row: Sendable {
      var values: [DatabaseValue]
      var gid: String
      var hash: String
    }

    private var columns: [[String]] = Array(repeating: [], count: AuditChain.tables.count)
    private var layouts: [InsertLayout?] = Array(repeating: nil, count: AuditChain.tables.count)
    private var rows: [[Int64: Row]] = Array(repeating: [:], count: AuditChain.tables.count)

    /// Hashes `row`, to be inserted into `table` with `columns` for the policy row `policyID`
    /// (of the version `owner`).
    mutating func add(
      _ table: String, columns: [String], row: [DatabaseValue], policyID: Int64, owner: Owner, digest: String? = nil
    ) {
      guard let index = AuditChain.tableIndex(table),
        let layout = layouts[index] ?? InsertLayout(index, columns: columns)
      else { preconditionFailure("rows of \(table) inserted with \(columns) are not hashed from their values") }
      precondition(layouts[index] == nil || self.columns[index] == columns, "\(table) hashed for two inserts")
      (self.columns[index], layouts[index]) = (columns, layout)
      rows[index][policyID] = Row(values: row, gid: owner.gid, hash: layout.hash(row, owner: owner, digest: digest))
    }

    /// The gid and hash of each of `inserted` (rows of the history table `table` with `columns`,
    /// by their `policy_id`), when every one was hashed beforehand with these very values and no
    /// two are of one policy row; nil otherwise. The hashes are taken: a later insert for the same
    /// policy row hashes its own.
    mutating func take(_ table: Int, columns: [String], rows inserted: [[DatabaseValue]])
      -> [Int64: (gid: String, hash: String)]?
    {
      guard !rows[table].isEmpty, self.columns[table] == columns,
        let policyColumn = columns.firstIndex(of: "policy_id")
      else { return nil }
      var hashes: [Int64: (gid: String, hash: String)] = [:]
      hashes.reserveCapacity(inserted.count)
      for row in inserted {
        guard case .integer(let policyID) = row[policyColumn], hashes[policyID] == nil,
          let hashed = rows[table][policyID], hashed.values.count == row.count,
          zip(hashed.values, row).allSatisfy(Self.isSameBytes)
        else { return nil }
        hashes[policyID] = (hashed.gid, hashed.hash)
      }
      for policyID in hashes.keys { rows[table][policyID] = nil }
      return hashes
    }

    /// How many rows hashed for one of `policyIDs` were not taken.
    func untaken(of policyIDs: some Sequence<Int64>) -> Int {
      let policyIDs = Set(policyIDs)
      return rows.reduce(0) { count, table in count + table.keys.filter(policyIDs.contains).count }
    }

    /// Whether two values are the same bytes: `==` on texts is Unicode equivalence, and two texts
    /// equal that way (composed and decomposed accents) hash differently.
    private static func isSameBytes(_ pair: (DatabaseValue, DatabaseValue)) -> Bool {
      guard case (.text(var first), .text(var second)) = pair else { return pair.0 == pair.1 }
      return first.withUTF8 { one in
        second.withUTF8 { other in
          one.count == other.count && (one.isEmpty || memcmp(one.baseAddress!, other.baseAddress!, one.count) == 0)
        }
      }
    }
  }
}
