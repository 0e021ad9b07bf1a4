@testable import PolicyFlowCore

/// Fuzz target `catalog`: a catalog of one flow file and one rule file, split at the first NUL
/// byte of the input (no NUL: the input is the rule file, beside the shipped-like flow below).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCatalog(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  onSmallStack {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    var flow = defaultFlow
    var rules = String(decoding: bytes, as: UTF8.self)
    if let split = bytes.firstIndex(of: 0) {
      flow = String(decoding: bytes[..<split], as: UTF8.self)
      rules = String(decoding: bytes[(split + 1)...], as: UTF8.self)
    }
    let result = CatalogLoader.load(files: [
      CatalogFile(path: "flows/main.json", contents: flow), CatalogFile(path: "rules/rules.json", contents: rules),
    ])
    for finding in result.findings { _ = finding.description }
  }
  return 0
}

private let defaultFlow = """
  {
    "code": "MAIN", "description": "Main flow.", "default": true, "active": true,
    "steps": [
      {
        "sequence": 10, "name": "checks", "displayName": "Checks",
        "resolvers": { "roles": ["administrator"] },
        "rules": [{ "sequence": 10, "rule": "R1" }, { "sequence": 20, "rule": "P1" }]
      }
    ]
  }
  """
