import Foundation
import PolicyFlowCore
import Testing

/// The shipped examples, written into a store as a user would: import, submit, run the worker.
extension StoreFixture {
  static let examples = PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies")

  /// Writes an example (optionally changed) into the store's directory and returns its path and code.
  func writeExample(_ example: String, change: (inout JSON) -> Void = { _ in }) throws -> (path: String, code: String) {
    var policy = try JSON(parsing: String(contentsOf: Self.examples.appendingPathComponent(example), encoding: .utf8))
    change(&policy)
    let file = directory.appendingPathComponent(example)
    try policy.serialized().write(to: file, atomically: true, encoding: .utf8)
    return (file.path, policy[path: "code"]!.stringValue!)
  }

  /// A copy of the shipped catalog (`flows/`, `rules/`) in the folder `catalog` beside the store,
  /// for a test to publish or change.
  func copyOfShippedCatalog() throws -> URL {
    let catalog = directory.appendingPathComponent("catalog")
    for folder in ["flows", "rules"] {
      try FileManager.default.copyItem(
        at: PolicyFlowBinary.packageRoot.appendingPathComponent(folder), to: catalog.appendingPathComponent(folder))
    }
    return catalog
  }

  /// `audit export CODE --json` of a history as stored, whether it verifies (exit 0) or not
  /// (exit 1): what someone forging links reads to list rows as they now are.
  func exportAsStored(_ code: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> JSON {
    let result = try run(["audit", "export", code, "--json", "--as", "tester"])
    #expect([0, 1].contains(result.exitCode), "audit export \(code): \(result.stderr)", sourceLocation: sourceLocation)
    return try JSON(parsing: result.stdout)
  }

  /// Runs `arguments` and expects success.
  @discardableResult
  func succeed(_ arguments: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    -> PolicyFlowBinary.Result
  {
    let result = try run(arguments)
    #expect(
      result.exitCode == 0, "\(arguments.joined(separator: " ")): \(result.stderr)", sourceLocation: sourceLocation)
    return result
  }

  /// `policies show CODE --json`.
  func show(_ code: String) throws -> JSON {
    try JSON(parsing: try run(["policies", "show", code, "--json", "--as", "tester"]).stdout)
  }

  /// The status of the current version of `code`.
  func status(_ code: String) throws -> String {
    try query("SELECT status FROM policy WHERE code = '\(code)' AND is_current = 1") { try $0.string(at: 0) }.first
      ?? ""
  }

  /// The sum of every calculation row of `code`'s gid, and of the rows in force.
  func ledger(_ code: String) throws -> (sum: Int, inForce: Int) {
    let gid = "(SELECT gid FROM policy WHERE code = '\(code)' AND version = 1)"
    return (
      try count("SELECT coalesce(sum(total), 0) FROM calculation WHERE gid = \(gid)"),
      try count("SELECT coalesce(sum(total), 0) FROM calculation WHERE gid = \(gid) AND in_force = 1")
    )
  }
}
