/// The engines a store runs on, and what each spells its own way.
///
/// SQL in the store is written once, in the subset both engines share: `?`/`?NNN` parameters,
/// `ON CONFLICT … DO NOTHING/UPDATE`, `RETURNING`, `coalesce`, `||`. Index hints (`INDEXED BY
/// name`) are SQLite's and dropped by the PostgreSQL driver, which plans without them. What has
/// no common spelling comes from the hooks below.
public enum SQLDialect: Hashable, Sendable {
  case sqlite
  case postgres

  /// A condition that `column` is one of the integers in the JSON array bound to `parameter`
  /// (`?5`): one parameter for a whole batch of ids, however many there are.
  ///
  /// On PostgreSQL the list is an array the condition compares with (`= ANY`), not a subquery
  /// (`IN (SELECT …)`): on a table under row-level security, read by a login it applies to, the
  /// planner joined the subquery to a scan of the whole table (every row's policy function
  /// called), and a worker's commit slowed with the size of the book (120 ms a statement at
  /// 21,000 policies, against 0.2 ms through the index).
  public func isOneOfIntegers(_ column: String, jsonArray parameter: String) -> String {
    switch self {
    case .sqlite: "\(column) IN (SELECT value FROM json_each(\(parameter)))"
    case .postgres:
      "\(column) = ANY (ARRAY(SELECT CAST(value AS bigint) FROM jsonb_array_elements_text(CAST(\(parameter) AS jsonb))))"
    }
  }

  /// What follows a SELECT whose rows a ``TransactionKind/lockedRows`` transaction will change:
  /// PostgreSQL locks them and leaves rows another transaction has locked to it; SQLite has one
  /// writer at a time and needs nothing.
  public var lockingSkipLocked: String {
    switch self {
    case .sqlite: ""
    case .postgres: "FOR UPDATE SKIP LOCKED"
    }
  }

  /// A condition that `column` is one of the strings in the JSON array bound to `parameter`
  /// (on PostgreSQL an array, as ``isOneOfIntegers(_:jsonArray:)`` says why).
  public func isOneOfStrings(_ column: String, jsonArray parameter: String) -> String {
    switch self {
    case .sqlite: "\(column) IN (SELECT value FROM json_each(\(parameter)))"
    case .postgres: "\(column) = ANY (ARRAY(SELECT value FROM jsonb_array_elements_text(CAST(\(parameter) AS jsonb))))"
    }
  }

  /// A query for the names of the database's tables (the store's own schema only).
  var tableNamesQuery: String {
    switch self {
    case .sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    case .postgres: "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    }
  }

  /// A query for the column names of the table named by the one parameter, in table order.
  var columnNamesQuery: String {
    switch self {
    case .sqlite: "SELECT name FROM pragma_table_info(?) ORDER BY cid"
    case .postgres:
      """
      SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
      """
    }
  }
}
