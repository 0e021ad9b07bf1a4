@testable import PolicyFlowCore

/// Fuzz target `csv`: a CSV import file, read as `policies import` reads it, all at once and
/// in batches.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  onSmallStack {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let whole = PolicyImport.parse(text, file: "fuzz.csv")
    for finding in whole.findings { _ = finding.description }
    var delivered = 0
    let batched = PolicyImport.parse(text, file: "fuzz.csv", batchSize: 3, progress: nil) { batch, _ in
      delivered += batch.count
    }
    precondition(delivered == whole.documents.count, "batched reading delivers what reading at once finds")
    precondition(batched.findings.count == whole.findings.count, "batched reading finds what reading at once finds")
  }
  return 0
}
