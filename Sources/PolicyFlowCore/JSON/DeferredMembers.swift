// Low-level code: objects whose members are read from the document's bytes on first use, with
// an atomic flag and a lock so that the first reader fills them exactly once. Benchmarks:
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
/// starts in its document's text. The first reader of the object reads them in (once, under
/// the lock); the flag then lets every later read go straight to the members.
@usableFromInline final class DeferredMembers: Sendable {
  let text: DocumentText
  /// The offset of the object's `{` in the text.
  let offset: Int
  /// The offset just after its `}`.
  let end: Int
  /// Whether the text from `offset` to `end` is what the serializer writes for the object
  /// (compact): then it is written by copying those bytes, whether read in or not.
  let isCanonical: Bool
  let isRead = Atomic<Bool>(false)
  let reading = Mutex<Void>(())

  init(text: DocumentText, offset: Int, end: Int, isCanonical: Bool) {
    self.text = text
    self.offset = offset
    self.end = end
    self.isCanonical = isCanonical
  }
}

extension JSONObjectStorage {
  /// Fills an object's storage (its header and members) from its document the first time;
  /// the text was checked when the document was parsed, so reading it again cannot fail.
  @usableFromInline @inline(never) static func readDeferredMembers(
    _ header: UnsafeMutablePointer<Header>, _ members: UnsafeMutablePointer<Member>
  ) {
    guard let deferred = header.pointee.deferred?.takeUnretainedValue(), !deferred.isRead.load(ordering: .acquiring)
    else { return }
    deferred.reading.withLock { _ in
      guard !deferred.isRead.load(ordering: .relaxed) else { return }
      deferred.text.bytes.withUnsafeBufferPointer { bytes in
        var parser = JSONParser(bytes: bytes, defersNestedObjectsOf: deferred.text, isLarge: false)
        parser.index = deferred.offset
        do throws(JSONParseError) {
          _ = try parser.parseObject(into: (header, members))
        } catch {
          preconditionFailure("a deferred object failed to parse after its document was checked: \(error)")
        }
        parser.shareKeyCache()
      }
      deferred.isRead.store(true, ordering: .releasing)
    }
  }
}

extension JSONParser {
  /// Checks the object at the current byte and returns one that reads its members from `text`
  /// when first asked.
  mutating func deferObject(in text: DocumentText) throws(JSONParseError) -> JSON {
    let offset = index
    textIsCanonical = true
    let count = try skipContainer(closedBy: UInt8(ascii: "}"), membersNamed: true)
    guard count > 0 else { return .object(JSONObject()) }
    let deferred = DeferredMembers(text: text, offset: offset, end: index, isCanonical: textIsCanonical)
    let storage = JSONObjectStorage.make(capacity: count, deferred: deferred)
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
