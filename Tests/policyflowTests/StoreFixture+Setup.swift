import Foundation
import PolicyFlowCore

extension StoreFixture {
  /// Adds users as `tester` (the store's administrator): each name with its `users add` options.
  func addUsers(_ users: [(String, [String])]) throws {
    for (name, options) in users {
      let added = try run(["users", "add", name, "--as", "tester"] + options)
      precondition(added.exitCode == 0, "users add \(name) failed: \(added.stderr)")
    }
  }

  /// Imports copies of the approvable health example as `tester`, one per code, each in the
  /// data access group given (nil: none), and submits them when asked.
  func importCopies(_ policies: [(code: String, group: String?)], submit: Bool) throws {
    let template = try JSON(
      parsing: String(
        contentsOf: PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies/health-approved.json"),
        encoding: .utf8))
    let lines = policies.map { code, group in
      var policy = template
      policy.set(path: "code", to: .string(code))
      if let group { policy.set(path: "accessGroup", to: .string(group)) }
      return policy.serialized()
    }
    let file = directory.appendingPathComponent("copies-\(UUID().uuidString).jsonl")
    try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
    let imported = try run(["policies", "import", file.path, "--as", "tester"] + (submit ? ["--submit"] : []))
    precondition(imported.exitCode == 0, "policies import failed: \(imported.stderr)")
  }
}
