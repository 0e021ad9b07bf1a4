@testable import PolicyFlowCore

/// Fuzz target `json`: the JSON parser, with and without source locations, and what the engine
/// does with a parsed value (serialize it, parse that back, compare).
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
  return 0
}
