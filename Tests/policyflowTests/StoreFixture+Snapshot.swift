import PolicyFlowStore

extension StoreFixture {
  /// Every row of the tables a command could touch, to prove that a refused command changed
  /// nothing: equal before and after.
  func snapshot() throws -> String {
    let tables = [
      "policy", "policy_data", "status_history", "pend_history", "cycle", "activity", "app_user", "calculation",
    ]
    return try tables.map { table in
      try query("SELECT * FROM \(table) ORDER BY 1") { row in
        (0..<row.columnCount).map { "\(row.value(at: $0))" }.joined(separator: "|")
      }.joined(separator: "\n")
    }.joined(separator: "\n--\n")
  }
}
