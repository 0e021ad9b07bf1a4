// Low-level code: members in one `ManagedBuffer`, read and written through its pointers, and
// `memberPointer` handing out where a value lies. Benchmarks: `policyflow-bench cycle` (two
// allocations and two reference counts per object before; the member count read through a
// pointer, since the class property's exclusivity check was 2% of a cycle) and `logic` (paths
// tested in place: cond5 120-130 ns -> about 48 ns on 2026-11-30). BENCHMARKS.md has both.

/// A JSON object that keeps its members in document order.
///
/// The members live in one allocation (``JSONObjectStorage``), key and value side by side: finding
/// a member scans a contiguous run of small integers, which beats hashing for the handful of fields
/// a policy object usually has, and copying an object costs one reference count instead of one
/// per array. Mutation copies the storage first when it is shared.
///
/// `@unchecked Sendable`: the storage (a `ManagedBuffer`, which the standard library does not mark
/// Sendable) is written only through an object holding its sole reference (copy on write), so
/// storage shared between objects, and so between threads, is never mutated.
public struct JSONObject: @unchecked Sendable, Sequence {
  @usableFromInline var storage: JSONObjectStorage

  public init() { storage = JSONObjectStorage.empty }

  /// An object with these members, in order (a repeated key keeps its first place and takes its
  /// last value).
  public init(members: [(JSONKey, JSON)]) {
    self.init(minimumCapacity: members.count)
    // Written straight into the new storage, which nothing else shares and which has room for
    // every member: `set` checked both for each member (outcomes are built this way).
    for (key, value) in members {
      if let index = index(of: key) {
        storage.withUnsafeMutablePointerToElements { $0[index].value = value }
      } else {
        storage.append(JSONObjectStorage.Member(key: key, value: value))
      }
    }
  }

  /// An empty object with room for `minimumCapacity` members before it reallocates.
  public init(minimumCapacity: Int) {
    storage = minimumCapacity > 0 ? JSONObjectStorage.make(capacity: minimumCapacity) : JSONObjectStorage.empty
  }

  init(storage: JSONObjectStorage) { self.storage = storage }

  /// An object with these members, moved out of `members`; keys must not repeat (the parser
  /// checks as it reads).
  init(movingUniqueMembers members: UnsafeMutableBufferPointer<JSONObjectStorage.Member>) {
    storage = JSONObjectStorage.make(moving: members)
  }

  // The header is read through a pointer: `storage.header` is a class property, which Swift
  // checks for exclusive access at run time on every read.
  @inlinable public var count: Int {
    withMembers { header, _ in header.pointee.count }
  }
  @inlinable public var isEmpty: Bool { count == 0 }

  /// Calls `body` with the header and the members, read in first when a deferred parse left
  /// them unread (a test of one field for every other object).
  @inlinable @inline(__always) func withMembers<Result>(
    _ body: (UnsafeMutablePointer<JSONObjectStorage.Header>, UnsafeMutablePointer<JSONObjectStorage.Member>) -> Result
  ) -> Result {
    storage.withUnsafeMutablePointers { header, members in
      if let deferred = header.pointee.deferred {
        return deferred._withUnsafeGuaranteedRef { $0.members.withUnsafeMutablePointers(body) }
      }
      return body(header, members)
    }
  }

  /// The key of the member at `index` (document order).
  @inlinable public func key(at index: Int) -> JSONKey {
    withMembers { header, members in
      precondition(index >= 0 && index < header.pointee.count, "member index out of range")
      return members[index].key
    }
  }

  /// The value of the member at `index` (document order).
  @inlinable public func value(at index: Int) -> JSON {
    withMembers { header, members in
      precondition(index >= 0 && index < header.pointee.count, "member index out of range")
      return members[index].value
    }
  }

  /// The member named by an interned key.
  @inlinable @inline(__always) public subscript(key: JSONKey) -> JSON? {
    memberPointer(key)?.pointee
  }

  /// Where the value of the member named by `key` lies in this object's storage; nil when there
  /// is no such member. Valid only while this object's storage is alive and unmodified: read it
  /// at once.
  @inlinable @inline(__always) func memberPointer(_ key: JSONKey) -> UnsafePointer<JSON>? {
    withMembers { header, members in
      guard let i = JSONObject.firstIndex(of: key, in: members, count: header.pointee.count) else { return nil }
      return UnsafePointer((members + i).pointer(to: \.value)!)
    }
  }

  /// ``memberPointer(_:)`` for the key interned as `id`.
  @inlinable @inline(__always) func memberPointer(id: UInt32) -> UnsafePointer<JSON>? {
    withMembers { header, members in
      guard let i = JSONObject.firstIndex(ofInterned: id, in: members, count: header.pointee.count) else { return nil }
      return UnsafePointer((members + i).pointer(to: \.value)!)
    }
  }

  /// ``memberPointer(_:)`` for paths followed in place (``LogicPath``): nil for an object a
  /// deferred parse made, whose own storage holds no members, and the caller follows the path
  /// again with ``memberPointer(_:)`` when it found nothing. No test for such objects here: one
  /// in the loop that follows a path through pointers (a call that might read members in, or
  /// even a test of a field) made the `logic` benchmark's cond5 10% to 200% slower.
  @inline(__always) func memberPointerIfBuilt(_ segment: UnsafePointer<LogicPath.Segment>) -> UnsafePointer<JSON>? {
    // The two kinds of key are looked up in separate calls: a key that carries its name,
    // compared in the same closure, made the compiler retain the object (cond5 910 -> 1,340
    // instructions an evaluation).
    let id = segment.pointee.id
    guard id != JSONKey.spilledID else {
      return storage.withUnsafeMutablePointers { header, members in
        guard let index = JSONObject.firstIndex(of: segment.pointee.key, in: members, count: header.pointee.count)
        else { return nil }
        return UnsafePointer((members + index).pointer(to: \.value)!)
      }
    }
    return storage.withUnsafeMutablePointers { header, members in
      guard let index = JSONObject.firstIndex(ofInterned: id, in: members, count: header.pointee.count) else {
        return nil
      }
      return UnsafePointer((members + index).pointer(to: \.value)!)
    }
  }

  @inlinable @inline(__always) public func index(of key: JSONKey) -> Int? {
    withMembers { header, members in
      JSONObject.firstIndex(of: key, in: members, count: header.pointee.count)
    }
  }

  /// Where `key` is among `count` members. An interned key (the common case: every name a rule
  /// reads) is matched on the interned numbers alone, without the general comparison's case
  /// analysis of both keys.
  @inlinable @inline(__always) static func firstIndex(
    of key: JSONKey, in members: UnsafeMutablePointer<JSONObjectStorage.Member>, count: Int
  ) -> Int? {
    if case .interned(let id) = key.storage { return firstIndex(ofInterned: id, in: members, count: count) }
    for i in 0..<count where members[i].key == key { return i }
    return nil
  }

  /// Where the key interned as `id` is among `count` members.
  @inlinable @inline(__always) static func firstIndex(
    ofInterned id: UInt32, in members: UnsafeMutablePointer<JSONObjectStorage.Member>, count: Int
  ) -> Int? {
    for i in 0..<count {
      if case .interned(let other) = members[i].key.storage, other == id { return i }
    }
    return nil
  }

  /// Member keys in document order.
  public var keys: [JSONKey] { (0..<count).map(key(at:)) }

  /// The member named by a string; setting nil removes it.
  public subscript(name: String) -> JSON? {
    get { self[JSONKey(name)] }
    set {
      let key = JSONKey(name)
      if let newValue {
        set(key, newValue)
      } else if let index = index(of: key) {
        makeUnique(extra: 0)
        storage.remove(at: index)
      }
    }
  }

  /// Sets a member by interned key, replacing an existing one in place.
  public mutating func set(_ key: JSONKey, _ value: JSON) {
    if let index = index(of: key) {
      makeUnique(extra: 0)
      storage.withUnsafeMutablePointerToElements { $0[index].value = value }
    } else {
      makeUnique(extra: 1)
      storage.append(JSONObjectStorage.Member(key: key, value: value))
    }
  }

  /// Gives this object storage of its own with room for `extra` more members.
  private mutating func makeUnique(extra: Int) {
    let needed = count + extra
    // An object a deferred parse made has no room of its own (capacity 0): it is copied from
    // its members, so it is never changed in place and always matches its text.
    if isKnownUniquelyReferenced(&storage)
      && storage.withUnsafeMutablePointerToHeader({ $0.pointee.capacity }) >= needed
    {
      return
    }
    // Growing doubles, from room for four members (objects built member by member).
    storage = storage.copy(capacity: Swift.max(needed, extra > 0 ? Swift.max(count * 2, 4) : needed))
  }

  /// Member names in document order.
  public var names: [String] { keys.map(\.name) }

  public func makeIterator() -> AnyIterator<(key: String, value: JSON)> {
    var index = 0
    return AnyIterator {
      guard index < count else { return nil }
      defer { index += 1 }
      return (key(at: index).name, value(at: index))
    }
  }
}

/// The members of one ``JSONObject``, in a single allocation.
public final class JSONObjectStorage: ManagedBuffer<JSONObjectStorage.Header, JSONObjectStorage.Member> {
  public struct Header {
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int
    /// Where the members are, for an object a deferred parse made (``DeferredMembers``; the
    /// object's own storage then holds none); nil for every other object. Set at creation,
    /// never changed, and released by the storage's `deinit`: held unmanaged, so that the
    /// header stays a plain value.
    @usableFromInline var deferred: Unmanaged<DeferredMembers>? = nil
  }

  public struct Member {
    @usableFromInline var key: JSONKey
    @usableFromInline var value: JSON
  }

  /// The storage every empty object shares until it is first written.
  /// `nonisolated(unsafe)`: never written (an object copies it before its first member).
  nonisolated(unsafe) static let empty = make(capacity: 0)

  static func make(capacity: Int, deferred: DeferredMembers? = nil) -> JSONObjectStorage {
    let buffer = create(minimumCapacity: capacity) { _ in
      Header(count: 0, capacity: capacity, deferred: deferred.map { Unmanaged.passRetained($0) })
    }
    // `create` returns the base class type; the dynamic type is this subclass.
    return unsafeDowncast(buffer, to: JSONObjectStorage.self)
  }

  static func make(moving members: UnsafeMutableBufferPointer<Member>) -> JSONObjectStorage {
    let storage = make(capacity: members.count)
    storage.withUnsafeMutablePointers { header, elements in
      if let base = members.baseAddress { elements.moveInitialize(from: base, count: members.count) }
      header.pointee.count = members.count
    }
    return storage
  }

  func copy(capacity: Int) -> JSONObjectStorage {
    if let deferred = withUnsafeMutablePointerToHeader({ $0.pointee.deferred }) {
      return deferred.takeUnretainedValue().members.copy(capacity: capacity)
    }
    let copy = JSONObjectStorage.make(capacity: capacity)
    withUnsafeMutablePointers { header, elements in
      copy.withUnsafeMutablePointers { copyHeader, copyElements in
        copyElements.initialize(from: elements, count: header.pointee.count)
        copyHeader.pointee.count = header.pointee.count
      }
    }
    return copy
  }

  /// Appends a member; the caller made sure there is room.
  func append(_ member: Member) {
    withUnsafeMutablePointers { header, elements in
      (elements + header.pointee.count).initialize(to: member)
      header.pointee.count += 1
    }
  }

  func remove(at index: Int) {
    withUnsafeMutablePointers { header, elements in
      let count = header.pointee.count
      (elements + index).deinitialize(count: 1)
      (elements + index).moveInitialize(from: elements + index + 1, count: count - index - 1)
      header.pointee.count = count - 1
    }
  }

  deinit {
    withUnsafeMutablePointers { header, elements in
      elements.deinitialize(count: header.pointee.count)
      header.pointee.deferred?.release()
    }
  }
}

extension JSONObject: Hashable {
  /// Objects are equal when they have the same members, in any order.
  public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for i in 0..<lhs.count {
      guard let other = rhs[lhs.key(at: i)], other == lhs.value(at: i) else { return false }
    }
    return true
  }

  public func hash(into hasher: inout Hasher) {
    // Order-independent: combine per-member hashes commutatively.
    var sum = 0
    for i in 0..<count {
      var member = Hasher()
      member.combine(key(at: i))
      member.combine(value(at: i))
      sum = sum &+ member.finalize()
    }
    hasher.combine(count)
    hasher.combine(sum)
  }
}
