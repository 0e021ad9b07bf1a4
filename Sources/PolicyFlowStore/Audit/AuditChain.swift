import PolicyFlowCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The tamper-evident history: what a history row's hash, a link of a policy's chain and a seal
/// are, byte for byte. The README's "Tamper-evident history" section states the same rules for
/// programs that verify an export on their own; change neither without the other (and a new
/// ``format``).
///
/// Every write transaction that writes history rows of a policy (by its gid) appends one link to
/// that policy's chain. The link lists each row it wrote as `TABLE KEY HASH` (or `TABLE KEY removed`)
/// and hashes the previous link with them, so a row changed, removed or inserted behind the
/// engine's back no longer matches the last link that lists it, and a changed or removed link
/// breaks every link after it.
enum AuditChain {
  /// Named in exports and seals, so a verifier knows which rules these are.
  static let format = "policyflow-audit-1"

  /// The previous link of a chain's first link: 64 zeros.
  static let genesis = String(repeating: "0", count: 64)

  /// A history table and the columns of its rows that the chain covers, in order.
  struct Table: Sendable {
    var name: String
    /// The row's key: `id`, or `policy_id` for `policy_data` (one document per version).
    var key: String
    /// The covered columns, as SQL over `t` (the table) and `p` (its policy version). Storage
    /// details (the row's own id, its `policy_id`, which a revert moves) are not covered; the
    /// gid and version a row was written for are.
    var columns: [String]
    /// Columns (by position in ``columns``) covered by the SHA-256 of their text rather than
    /// the text: whole documents, so a link stays small and hashing stays cheap.
    var digested: Set<Int> = []
    /// Whether the engine never changes a row of the table once written (it may remove one, with
    /// the edit version a revert removes): a second link listing a row with a hash is forged.
    var isWrittenOnce = false
  }

  /// Every table whose rows are history, in the order a link lists them.
  static let tables: [Table] = [
    Table(
      name: "policy_data", key: "policy_id", columns: ["p.gid", "p.version", "t.data"], digested: [2]),
    Table(
      name: "status_history", key: "id",
      columns: ["t.gid", "t.version", "t.event", "t.status", "t.at", "t.actor", "t.note"]),
    Table(
      name: "cycle", key: "id",
      columns: ["p.gid", "t.version", "t.catalog_hash", "t.at", "t.status", "t.flow", "t.worker", "t.outcome"],
      digested: [7], isWrittenOnce: true),
    Table(
      name: "pend_history", key: "id",
      columns: [
        "t.gid", "t.version", "t.cycle_id", "t.status_history_id", "t.reason", "t.description", "t.rule", "t.step",
        "t.step_display_name", "t.step_sequence", "t.pended_at", "t.is_open", "t.resolved_by", "t.resolved_at",
        "t.note", "t.withdrawn_at", "t.resolved_version", "t.resolved_data_at",
      ]),
    Table(
      name: "calculation", key: "id",
      columns: [
        "t.gid", "t.version", "t.kind", "t.currency", "t.total", "t.at", "t.reverses", "t.in_force", "t.lines",
      ]),
    Table(
      name: "cancellation", key: "id",
      columns: [
        "t.gid", "t.version", "t.kind", "t.effective_date", "t.reason", "t.actor", "t.at", "t.calculated",
        "t.calculation_set_by", "t.from_inception",
      ], isWrittenOnce: true),
  ]

  /// Where a policy's chain is kept: under its first row, the smallest id of its gid (version 1's,
  /// which nothing removes). The chains of the gids `condition` (SQL over `policy`) selects, as
  /// `gid` and `chain`. Schema 15's migration and `policyflow_lock_chains` state the same rule in
  /// SQL of their own.
  static func chainRows(where condition: String = "TRUE") -> String {
    "SELECT gid, min(id) AS chain FROM policy WHERE \(condition) GROUP BY gid"
  }

  /// Whether the policy row `p` is its policy's first, the row its chain is kept under (SQL).
  static let isChainRow = "NOT EXISTS (SELECT 1 FROM policy e WHERE e.gid = p.gid AND e.id < p.id)"

  /// The position of `name` in ``tables``.
  static func tableIndex(_ name: String) -> Int? { tables.firstIndex { $0.name == name } }

  /// The SELECT that reads rows of `table` the way the chain covers them: the key, the gid of
  /// the row's policy version (to group by), then the covered columns.
  static func select(_ table: Table) -> String {
    "SELECT t.\(table.key), p.gid, \(table.columns.joined(separator: ", ")) FROM \(table.name) t "
      + "JOIN policy p ON p.id = t.policy_id"
  }

  /// The SHA-256 (hex) of a row's canonical bytes: the table's name and a newline, then each
  /// covered column in order: `n` for NULL, `i` and the decimal digits for an integer, `t`, the
  /// UTF-8 length, `:` and the UTF-8 bytes for a text, `h` and the text's SHA-256 (hex) for a
  /// digested column; each followed by a newline.
  ///
  /// `digest` is the SHA-256 (hex) of the digested column's text when the caller has it already
  /// (a worker computes it beside the commit).
  static func rowHash(_ table: Table, _ values: some Collection<DatabaseValue>, digest: String? = nil) -> String {
    var bytes = CanonicalBytes()
    bytes.append(table.name)
    bytes.append(newline)
    for (index, value) in values.enumerated() {
      switch value {
      case .null: bytes.append(UInt8(ascii: "n"))
      case .integer(let number):
        bytes.append(UInt8(ascii: "i"))
        bytes.append(number)
      case .real(let number): bytes.append("r\(number)")
      case .text(let text) where table.digested.contains(index):
        bytes.append(UInt8(ascii: "h"))
        bytes.append(digest ?? AuditDigest.hex(text))
      case .text(let text):
        bytes.append(UInt8(ascii: "t"))
        bytes.append(Int64(text.utf8.count))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(text)
      case .blob(let blob) where table.digested.contains(index): bytes.append("h" + AuditDigest.hex(blob))
      case .blob(let blob): bytes.append("b" + SHA256.hex(blob))
      }
      bytes.append(newline)
    }
    return AuditDigest.hex(bytes.bytes)
  }

  static let newline = UInt8(ascii: "\n")

  /// One row a link lists: what it was when the link was written, or that the link removed it.
  struct Entry: Hashable, Sendable {
    var table: Int
    var key: Int64
    /// The row's hash; nil when the link removed the row.
    var hash: String?

    /// Reads a line of a link's entries; nil when it is not one. Byte by byte: a verification
    /// reads millions (as characters, splitting and reading them was a fifth of its time).
    init?(line bytes: Substring.UTF8View) {
      let space = UInt8(ascii: " ")
      guard let first = bytes.firstIndex(of: space),
        let second = bytes[bytes.index(after: first)...].firstIndex(of: space),
        let table = AuditChain.tables.firstIndex(where: { $0.name.utf8.elementsEqual(bytes[..<first]) }),
        let key = Self.decimal(bytes[bytes.index(after: first)..<second])
      else { return nil }
      let hash = bytes[bytes.index(after: second)...]
      if hash.elementsEqual("removed".utf8) {
        self.init(table: table, key: key, hash: nil)
        return
      }
      guard hash.count == 64, hash.allSatisfy(Self.isHexDigit) else { return nil }
      self.init(table: table, key: key, hash: String(Substring(hash)))
    }

    /// The number a row of 1 to 18 decimal digits writes (a key is a row id).
    private static func decimal(_ digits: Substring.UTF8View) -> Int64? {
      guard (1...18).contains(digits.count) else { return nil }
      var value: Int64 = 0
      for byte in digits {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
        value = value * 10 + Int64(byte - UInt8(ascii: "0"))
      }
      return value
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    init(table: Int, key: Int64, hash: String?) {
      self.table = table
      self.key = key
      self.hash = hash
    }
  }

  /// A link's entries as stored and hashed: one line each, by table (in ``tables`` order) then key.
  static func entriesText(_ entries: [Entry]) -> String {
    var bytes = CanonicalBytes()
    bytes.append(entries: entries)
    return String(decoding: bytes.bytes, as: UTF8.self)
  }

  /// The entries text and hash of the link after `previous`: ``entriesText(_:)`` and
  /// ``link(previous:gid:seq:at:entries:)`` in one buffer, for the commit that writes it.
  static func nextLink(previous: String, gid: String, seq: Int, at: String, entries: [Entry])
    -> (entries: String, link: String)
  {
    var bytes = linkHeader(previous: previous, gid: gid, seq: seq, at: at)
    let start = bytes.bytes.count
    bytes.append(entries: entries)
    return (String(decoding: bytes.bytes[start...], as: UTF8.self), AuditDigest.hex(bytes.bytes))
  }

  /// A link's hash: the SHA-256 (hex) of the previous link's hash, the gid, the sequence number and
  /// the time, each followed by a newline, then the entries.
  static func link(previous: String, gid: String, seq: Int, at: String, entries: String) -> String {
    var bytes = linkHeader(previous: previous, gid: gid, seq: seq, at: at)
    bytes.append(entries)
    return AuditDigest.hex(bytes.bytes)
  }

  /// What a link hashes before its entries: the previous link, the gid, the number and the time,
  /// each followed by a newline.
  private static func linkHeader(previous: String, gid: String, seq: Int, at: String) -> CanonicalBytes {
    var bytes = CanonicalBytes()
    for field in [previous, gid] {
      bytes.append(field)
      bytes.append(newline)
    }
    bytes.append(Int64(seq))
    bytes.append(newline)
    bytes.append(at)
    bytes.append(newline)
    return bytes
  }

  /// Whether `a`'s UTF-8 bytes come before `b`'s: compared a run at a time where both are
  /// stored as contiguous UTF-8 (the generic comparison was a tenth of a seal's time).
  static func precedesInBytes(_ a: String, _ b: String) -> Bool {
    let compared = a.utf8.withContiguousStorageIfAvailable { x in
      b.utf8.withContiguousStorageIfAvailable { y -> Bool in
        guard let xBytes = x.baseAddress, let yBytes = y.baseAddress else { return x.count < y.count }
        let order = memcmp(xBytes, yBytes, Swift.min(x.count, y.count))
        return order != 0 ? order < 0 : x.count < y.count
      }
    }
    return compared.flatMap { $0 } ?? a.utf8.lexicographicallyPrecedes(b.utf8)
  }

  /// A seal's digest: the SHA-256 (hex) of the format, the time, the last link it covers, the number
  /// of chains and their Merkle root, each followed by a newline.
  static func sealDigest(at: String, lastLink: Int64, chains: Int, root: String) -> String {
    SHA256.hexDigest("\(format)\n\(at)\n\(lastLink)\n\(chains)\n\(root)\n")
  }
}

/// Bytes being put together for hashing, appended without building intermediate strings.
struct CanonicalBytes {
  var bytes: [UInt8] = []

  init() { bytes.reserveCapacity(512) }

  mutating func append(_ byte: UInt8) { bytes.append(byte) }

  mutating func append(_ text: String) {
    var text = text
    text.withUTF8 { bytes.append(contentsOf: $0) }
  }

  /// Entries one a line, by table (in ``AuditChain/tables`` order) then key.
  mutating func append(entries: [AuditChain.Entry]) {
    for entry in entries.sorted(by: { $0.table != $1.table ? $0.table < $1.table : $0.key < $1.key }) {
      append(AuditChain.tables[entry.table].name)
      append(UInt8(ascii: " "))
      append(entry.key)
      append(UInt8(ascii: " "))
      append(entry.hash ?? "removed")
      append(AuditChain.newline)
    }
  }

  /// The decimal digits of `number` (with a leading `-` when negative).
  mutating func append(_ number: Int64) {
    if number < 0 { bytes.append(UInt8(ascii: "-")) }
    var magnitude = number.magnitude
    var digits:
      (
        UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
        UInt8, UInt8, UInt8, UInt8
      ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
    }
  }
}
