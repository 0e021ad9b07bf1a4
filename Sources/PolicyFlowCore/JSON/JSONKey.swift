import Synchronization

/// An interned object key.
///
/// Every distinct key string gets one small integer for the life of the process, so object
/// lookups in hot paths compare integers. Interning takes a lock; do it when parsing or
/// compiling, never per evaluation.
public struct JSONKey: Hashable, Sendable, CustomStringConvertible {
  public let id: UInt32

  /// Interns `name`, returning the same key for the same string every time.
  public init(_ name: String) {
    id = JSONKey.table.withLock { table in
      if let id = table.ids[name] { return id }
      let id = UInt32(table.names.count)
      table.ids[name] = id
      table.names.append(name)
      var quoted: [UInt8] = []
      JSON.writeString(name, to: &quoted)
      table.quotedNames.append(quoted)
      return id
    }
  }

  /// A key by its number, for placeholders that are overwritten before they are read.
  init(id: UInt32) { self.id = id }

  /// The key's string.
  public var name: String {
    JSONKey.table.withLock { $0.names[Int(id)] }
  }

  public var description: String { name }

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
