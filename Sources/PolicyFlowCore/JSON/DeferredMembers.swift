// Low-level code: objects whose members are read from the document's bytes on first use, built
// once under a lock and published through an atomic reference. Benchmarks:
// `policyflow-bench cycle` and the worker's computing thread (BENCHMARKS.md, "Results
// (2026-12-06, the flat document, #19 item 3)"): the rules of a catalog read a few dozen of a
// policy's values, and building and freeing the objects they never read (the enrollments, the
// addresses) was most of a cycle's parsing and freeing.

import Synchronization

/// The UTF-8 text of one parsed document, kept for the objects of it not read yet.
@usableFromInline final class DocumentText: Sendable {
  let bytes: [UInt8]
  init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// The members of an object a deferred parse checked but did not build: where the object
/// lies in its document's text. The object's own storage stays empty (its member count is 0,
/// so a path followed in place finds nothing there and takes the route that reads members in);
/// the first reader builds the members into a storage of their own, once, under the lock, and
/// publishes it for every later reader.
///
/// `@unchecked Sendable`: the built storage (a `ManagedBuffer`, not marked Sendable) is written
/// only before it is published, under the lock, and never after: the object it belongs to has
/// no room of its own and copies it before any change.
@usableFromInline final class DeferredMembers: @unchecked Sendable {
  let text: DocumentText
  /// The offset of the object's `{` in the text.
  let offset: Int
  /// The offset just after its `}`.
  let end: Int
  /// How many members the text has (a repeated name counted each time).
  let count: Int
  /// Whether the text from `offset` to `end` is what the serializer writes for the object
  /// (compact): then it is written by copying those bytes, whether read in or not.
  let isCanonical: Bool
  private let built = AtomicLazyReference<JSONObjectStorage>()
  private let reading = Mutex<Void>(())

  init(text: DocumentText, offset: Int, end: Int, count: Int, isCanonical: Bool) {
    self.text = text
    self.offset = offset
    self.end = end
    self.count = count
    self.isCanonical = isCanonical
  }

  /// The members, built from the text the first time; the text was checked when the document
  /// was parsed, so reading it again cannot fail.
  @usableFromInline var members: JSONObjectStorage {
    if let members = built.load() { return members }
    return reading.withLock { _ in
      if let members = built.load() { return members }
      let members = JSONObjectStorage.make(capacity: count)
      text.bytes.withUnsafeBufferPointer { bytes in
        var parser = JSONParser(bytes: bytes, defersNestedObjectsOf: text, isLarge: false)
        parser.index = offset
        members.withUnsafeMutablePointers { header, elements in
          do throws(JSONParseError) {
            _ = try parser.parseObject(into: (header, elements))
          } catch {
            preconditionFailure("a deferred object failed to parse after its document was checked: \(error)")
          }
        }
        parser.shareKeyCache()
      }
      return built.storeIfNil(members)
    }
  }
}

extension JSONParser {
  /// Checks the object at the current byte and returns one that reads its members from `text`
  /// when first asked.
  mutating func deferObject(in text: DocumentText) throws(JSONParseError) -> JSON {
    let offset = index
    let (count, isCanonical) = try checkContainer()
    guard count > 0 else { return .object(JSONObject()) }
    let deferred = DeferredMembers(text: text, offset: offset, end: index, count: count, isCanonical: isCanonical)
    let storage = JSONObjectStorage.make(capacity: 0, deferred: deferred)
    return .object(JSONObject(storage: storage))
  }
}

extension JSON {
  /// Parses JSON text as ``init(parsing:)-(String)`` does, with the same value, errors and
  /// error positions, but builds only the top two levels and the arrays: every object deeper
  /// is checked and then read from the text when a reader first asks for its members. For a
  /// document of which few objects are read (a policy run through a catalog's rules), that
  /// skips building and freeing the rest. The value keeps the text alive while any object of it
  /// is unread.
  public init(parsingDeferred text: String) throws(JSONParseError) {
    let document = DocumentText(Array(text.utf8))
    let parsed = document.bytes.withUnsafeBufferPointer { bytes -> Result<JSON, JSONParseError> in
      var parser = JSONParser(bytes: bytes, defersNestedObjectsOf: document)
      do throws(JSONParseError) {
        return .success(try parser.parseDocument())
      } catch {
        // The checks' own messages are terse: the full parser finds the same error and says it
        // as it always has.
        return JSONParser.parse(bytes, recordLocations: false).map(\.root)
      }
    }
    self = try parsed.get()
  }
}

extension JSONObject {
  /// The object's text as the compact serializer would write it, when a deferred parse made
  /// the object from such text and it was not changed since.
  func withCanonicalText<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
    guard let deferred = storage.withUnsafeMutablePointerToHeader({ $0.pointee.deferred?.takeUnretainedValue() }),
      deferred.isCanonical
    else { return nil }
    return deferred.text.bytes.withUnsafeBufferPointer {
      body(UnsafeBufferPointer(rebasing: $0[deferred.offset..<deferred.end]))
    }
  }
}
