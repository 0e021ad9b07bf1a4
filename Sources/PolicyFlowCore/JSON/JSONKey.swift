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
  /// An interned number, or the name itself. One word either way (the name's reference leaves
  /// spare bits for the case), so that an object member stays 32 bytes and an interned key
  /// copies without a reference count.
  @usableFromInline enum Storage: Sendable {
    case interned(UInt32)
    case spilled(SpilledName)
  }

  @usableFromInline let storage: Storage

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
    storage = id.map(Storage.interned) ?? .spilled(SpilledName(name))
  }

  /// A key by its number, for placeholders that are overwritten before they are read.
  init(id: UInt32) { storage = .interned(id) }

  /// The interned number, or ``spilledID`` for a key that carries its name.
  @inlinable public var id: UInt32 {
    switch storage {
    case .interned(let id): id
    case .spilled: JSONKey.spilledID
    }
  }

  /// Whether the key is interned (compares as an integer).
  @inlinable public var isInterned: Bool {
    if case .interned = storage { return true }
    return false
  }

  /// A number that equal keys share: the interned number, or the hash of the name.
  @inline(__always) var bucket: UInt64 {
    switch storage {
    case .interned(let id): UInt64(id)
    case .spilled(let spilled): spilled.hash
    }
  }

  /// The name of a key that is not interned.
  var spilled: SpilledName? {
    if case .spilled(let name) = storage { return name }
    return nil
  }

  /// The key's string.
  public var name: String {
    switch storage {
    case .interned(let id): JSONKey.table.withLock { $0.names[Int(id)] }
    case .spilled(let spilled): spilled.name
    }
  }

  public var description: String { name }

  /// Interned keys compare as integers; keys that carry their name compare by the same
  /// reference, or the same hash and name (the hash first, so that a large object of such names
  /// is not a string comparison per pair of members).
  @inlinable public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
    if case .interned(let a) = lhs.storage {
      if case .interned(let b) = rhs.storage { return a == b }
      return false
    }
    return sameSpilledName(lhs, rhs)
  }

  @usableFromInline static func sameSpilledName(_ lhs: JSONKey, _ rhs: JSONKey) -> Bool {
    guard case .spilled(let a) = lhs.storage, case .spilled(let b) = rhs.storage else { return false }
    return a === b || (a.hash == b.hash && a.name == b.name)
  }

  public func hash(into hasher: inout Hasher) {
    switch storage {
    case .interned(let id): hasher.combine(id)
    case .spilled(let spilled): hasher.combine(spilled.name)
    }
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
@usableFromInline final class SpilledName: Sendable {
  @usableFromInline let name: String
  /// A hash of the name, fixed for the process (unlike `Hasher`'s, it needs no seed per call).
  @usableFromInline let hash: UInt64

  init(_ name: String) {
    self.name = name
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    self.hash = hash
  }
}
