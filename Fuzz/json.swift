@testable import PolicyFlowCore

/// Fuzz target `json`: the JSON parser, with and without source locations, and what the engine
/// does with a parsed value (serialize it, parse that back, compare); and the deferred parse the
/// worker reads policies with, against the full one; and the strict parse of an import, its top
/// level alone against the whole.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  onSmallStack {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let value = try? JSON(parsing: bytes) else { return }
    let text = value.serialized()
    guard let again = try? JSON(parsing: text) else { fatalError("serialized JSON does not parse: \(text)") }
    precondition(again.serialized() == text, "serializing twice differs")
    _ = try? JSONDocument(parsing: String(decoding: bytes, as: UTF8.self))
  }
  onSmallStack {
    // The worker reads policies with the deferred parse: it must accept and refuse what the full
    // parser does, and give the same value and text, read or unread.
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let full = try? JSON(parsing: text)
    let deferred = try? JSON(parsingDeferred: text)
    precondition((full == nil) == (deferred == nil), "the deferred parse disagrees on whether this is JSON")
    guard let full, let deferred else { return }
    precondition(deferred.serialized() == full.serialized(), "the deferred parse writes different text")
    precondition(deferred == full, "the deferred parse reads a different value")
  }
  onSmallStack {
    // An import parses strictly, its top level alone when it can: the top-level parse must
    // refuse what the full strict parse refuses (a name given twice, an integer beyond 64 bits),
    // and what it accepts reads as the usual parse reads it.
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let strict = try? JSON.parsingStrictly(text)
    let topLevel = try? JSON.topLevel(parsing: text, isStrict: true)
    precondition((strict == nil) == (topLevel == nil), "the strict top-level parse disagrees with the full one")
    if let strict { precondition(strict == (try? JSON(parsing: text)), "a strict parse reads a different value") }
  }
  return 0
}
