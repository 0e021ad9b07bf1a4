import PolicyFlowStore

extension StoreFixture {
  /// Every row of the tables a command could touch, to prove that a refused command changed
  /// nothing: equal before and after.
  func snapshot() throws -> String {
    let tables = [
      "policy", "policy_data", "status_history", "pend_history", "cycle", "activity", "app_user", "calculation",
    ]
    return try tables.map { table in
      try query("SELECT * FROM \(table) ORDER BY rowid") { row in
        (0..<row.columnCount).map { "\(row.value(at: $0))" }.joined(separator: "|")
      }.joined(separator: "\n")
    }.joined(separator: "\n--\n")
  }

  /// Adds users as `tester` (the store's administrator): each name with its `users add` options.
  func addUsers(_ users: [(String, [String])]) throws {
    for (name, options) in users {
      let added = try run(["users", "add", name, "--as", "tester"] + options)
      precondition(added.exitCode == 0, "users add \(name) failed: \(added.stderr)")
    }
  }
}
