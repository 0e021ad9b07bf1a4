import Testing

@testable import PolicyFlowStore

/// The PostgreSQL schema must hold what SQLite's migrations build, column for column, so that
/// the store's SQL runs on both: a migration added to one and not the other fails here.
@Suite(.needsPostgres)
struct PostgresSchemaTests {
  private struct Column: Hashable, CustomStringConvertible {
    let table: String
    let name: String
    let type: String
    let notNull: Bool
    let defaultValue: String?

    var description: String {
      "\(table).\(name) \(type)\(notNull ? " NOT NULL" : "")\(defaultValue.map { " DEFAULT \($0)" } ?? "")"
    }
  }

  private struct ForeignKey: Hashable {
    let table: String
    let column: String
    let referencedTable: String
    let referencedColumn: String
    let onDelete: String
  }

  private struct Schema: Equatable {
    var columns: [Column] = []
    var indexes: Set<String> = []
    var foreignKeys: Set<ForeignKey> = []
  }

  @Test func theSchemaMatchesSQLitesColumnForColumn() throws {
    let postgres = try readPostgresSchema()
    let sqlite = try readSQLiteSchema()
    // The server fills in the login that appended a link (schema 17) and what it could do
    // (schema 18); SQLite has no logins.
    let filledByTheServer = [
      "audit_link.written_by text DEFAULT SESSION_USER": "audit_link.written_by text",
      "audit_link.written_as text DEFAULT policyflow_link_writer()": "audit_link.written_as text",
    ]
    let postgresColumns = postgres.columns.map(\.description).map { filledByTheServer[$0] ?? $0 }
    let sqliteColumns = sqlite.columns.map(\.description)
    // Named one by one, so that a failure says which column differs.
    #expect(sqliteColumns.filter { !postgresColumns.contains($0) } == [], "missing or different on PostgreSQL")
    #expect(postgresColumns.filter { !sqliteColumns.contains($0) } == [], "only on PostgreSQL")
    #expect(postgresColumns == sqliteColumns, "the same columns in the same order")
    #expect(postgres.indexes == sqlite.indexes)
    #expect(postgres.foreignKeys == sqlite.foreignKeys)
  }

  /// The script runs in one transaction, as a migration does; then the checks and foreign keys
  /// reject what SQLite's reject.
  @Test func theConstraintsHold() throws {
    let connection = try newPostgresConnection()
    try connection.transaction { try connection.executeScript(PostgresSchema.version9) }
    let insertPolicy = """
      INSERT INTO policy (code, version, gid, status, source, data_changed_at, created_at, updated_at)
      VALUES (?, 1, ?, ?, 'manual', 't', 't', 't') RETURNING id
      """
    let id = try connection.queryOne(insertPolicy, ["POL-1", "g1", "Edit"]) { try $0.int64(at: 0) }
    #expect(id == 1)
    for (code, gid, status) in [("POL-2", "g2", "Lost"), ("POL-1", "g3", "Edit")] {
      let error = try #require(throws: PostgresError.self) {
        try connection.execute(insertPolicy, [.text(code), .text(gid), .text(status)])
      }
      #expect(error.isConstraintViolation)
    }
    let error = try #require(throws: PostgresError.self) {
      try connection.execute("INSERT INTO policy_data (policy_id, data) VALUES (?, '{}')", [99])
    }
    #expect(error.sqlState == "23503")
  }

  private func readPostgresSchema() throws -> Schema {
    // As every migration leaves it, as SQLite's side is read.
    let uri = try newPostgresDatabase()
    _ = try PolicyStore(path: uri)
    let connection = try PostgresConnection(uri: uri)
    var schema = Schema()
    schema.columns = try connection.query(
      """
      SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name != 'schema_migrations' ORDER BY table_name, ordinal_position
      """
    ) { row in
      let defaultValue = try row.optionalString(at: 4).map { text in
        text.hasSuffix("::text") ? String(text.dropLast(6)) : text
      }
      return Column(
        table: try row.string(at: 0), name: try row.string(at: 1), type: try row.string(at: 2),
        notNull: try row.string(at: 3) == "NO", defaultValue: defaultValue)
    }
    // Indexes created by name, not those behind a primary key or UNIQUE constraint.
    schema.indexes = Set(
      try connection.query(
        """
        SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        """
      ) { try $0.string(at: 0) })
    schema.foreignKeys = Set(
      try connection.query(
        """
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, r.attname,
          CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT'
            WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END
        FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1]
        WHERE c.contype = 'f'
        """
      ) { row in
        ForeignKey(
          table: try row.string(at: 0), column: try row.string(at: 1), referencedTable: try row.string(at: 2),
          referencedColumn: try row.string(at: 3), onDelete: try row.string(at: 4))
      })
    return schema
  }

  private func readSQLiteSchema() throws -> Schema {
    try withTemporaryDatabase { path in
      _ = try PolicyStore(path: path)
      let connection = try SQLiteConnection(path: path)
      let tables = try connection.query(
        """
        SELECT name FROM sqlite_master WHERE type = 'table'
          AND name NOT IN ('schema_migrations', 'sqlite_sequence') ORDER BY name
        """
      ) { text($0.value(at: 0)) ?? "" }
      let types = ["INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"]
      var schema = Schema()
      for table in tables {
        schema.columns += try connection.query(
          "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid", [.text(table)]
        ) { row in
          let type = text(row.value(at: 1)) ?? ""
          let isKey = row.value(at: 4) != .integer(0)
          return Column(
            table: table, name: text(row.value(at: 0)) ?? "", type: types[type.uppercased()] ?? type,
            notNull: row.value(at: 2) == .integer(1) || isKey, defaultValue: text(row.value(at: 3)))
        }
        schema.foreignKeys.formUnion(
          try connection.query(
            "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list(?)", [.text(table)]
          ) { row in
            ForeignKey(
              table: table, column: text(row.value(at: 0)) ?? "", referencedTable: text(row.value(at: 1)) ?? "",
              referencedColumn: text(row.value(at: 2)) ?? "", onDelete: text(row.value(at: 3)) ?? "")
          })
      }
      schema.indexes = Set(
        try connection.query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL") {
          text($0.value(at: 0)) ?? ""
        })
      return schema
    }
  }
}

/// Text or an integer as text; nil for NULL.
private func text(_ value: DatabaseValue) -> String? {
  switch value {
  case .text(let text): text
  case .integer(let integer): String(integer)
  default: nil
  }
}
