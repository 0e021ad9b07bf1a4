import Synchronization

/// An object key: interned to a small integer, or carrying its name once the intern table is
/// full.
///
/// The first ``capacity`` distinct key strings get one small integer each for the life of the
/// process, so object lookups in hot paths compare integers. Interning takes a lock; do it when
/// parsing or compiling, never per evaluation.
///
/// The table is bounded: a long-running worker fed documents with ever-new member names (a map
/// keyed by claim numbers, say) must not grow without limit. A name first seen after the table
/// is full is not interned: its key holds the name itself (``spilledID`` and a reference to the
/// name), compares by name, and is freed with the last value that uses it. Such keys are slower
/// to compare and serialize, never wrong.
public struct JSONKey: Hashable, Sendable, CustomStringConvertible {
  /// The interned number, or ``spilledID`` for a key that carries its name.
  public let id: UInt32
  /// The name of a key that is not interned; nil for every interned key.
  let spilled: SpilledName?

  /// How many distinct names the process-wide table interns. Far more than a catalog and the
  /// documents of one book use (a policy has about a hundred member names); small enough that
  /// the table stays a few megabytes.
  public static let capacity = 1 << 16

  /// The `id` of every key that is not interned.
  public static let spilledID = UInt32.max

  /// The key for `name`: the same interned key every time while the table has room or already
  /// holds the name, else a key that carries the name.
  public init(_ name: String) {
    let id = JSONKey.table.withLock { table -> UInt32? in
      if let id = table.ids[name] { return id }
      guard table.names.count < JSONKey.capacity else { return nil }
      let id = UInt32(table.names.count)
      table.ids[name] = id
      table.names.append(name)
      var quoted: [UInt8] = []
      JSON.writeString(name, to: &quoted)
      table.quotedNames.append(quoted)
      return id
    }
    if let id {
      self.id = id
      spilled = nil
    } else {
      self.id = JSONKey.spilledID
      spilled = SpilledName(name)
    }
  }

  /// A key by its number, for placeholders that are overwritten before they are read.
  init(id: UInt32) {
    self.id = id
    spilled = nil
  }

  /// Whether the key is interned (compares as an integer).
  @inlinable public var isInterned: Bool { id != JSONKey.spilledID }

  /// The key's string.
  public var name: String {
    if let spilled { return spilled.name }
    return JSONKey.table.withLock { $0.names[Int(id)] }
  }

  public var description: String { name }

  @inlinable public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
    lhs.id == rhs.id && (lhs.id != JSONKey.spilledID || sameSpilledName(lhs, rhs))
  }

  /// Whether two keys that are not interned have the same name: the same reference, or the same
  /// hash and name (the hash first, so that a large object of such names is not a string
  /// comparison per pair of members).
  @usableFromInline static func sameSpilledName(_ lhs: JSONKey, _ rhs: JSONKey) -> Bool {
    guard let left = lhs.spilled, let right = rhs.spilled else { return false }
    return left === right || (left.hash == right.hash && left.name == right.name)
  }

  public func hash(into hasher: inout Hasher) {
    if let spilled { hasher.combine(spilled.name) } else { hasher.combine(id) }
  }

  /// How many names the process-wide table holds (at most ``capacity``).
  static var internedCount: Int {
    JSONKey.table.withLock { $0.names.count }
  }

  /// Every interned name as a JSON string literal (quotes included, escaped), indexed by key
  /// id: a copy taken once (under the lock) lets the serializer skip the lock, and the escaping,
  /// for each member it writes.
  static var allQuotedNames: [[UInt8]] {
    JSONKey.table.withLock { $0.quotedNames }
  }

  private struct Table {
    var ids: [String: UInt32] = [:]
    var names: [String] = []
    var quotedNames: [[UInt8]] = []
  }

  private static let table = Mutex(Table())
}

/// The name of a key the intern table had no room for; shared by copies of that key.
final class SpilledName: Sendable {
  let name: String
  /// A hash of the name, fixed for the process (unlike `Hasher`'s, it needs no seed per call).
  let hash: UInt64

  init(_ name: String) {
    self.name = name
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    self.hash = hash
  }
}
