import Testing

@testable import PolicyFlowStore

struct PostgresSQLTests {
  @Test(arguments: [
    ("SELECT ?", "SELECT $1", 1),
    ("VALUES (?, ?, ?)", "VALUES ($1, $2, $3)", 3),
    // A bare ? takes the number after the largest so far, as SQLite numbers it.
    ("WHERE a = ?3 AND b = ? AND c = ?1", "WHERE a = $3 AND b = $4 AND c = $1", 4),
    ("x = ?12", "x = $12", 12),
    ("SELECT '?', \"?\", ?", "SELECT '?', \"?\", $1", 1),
    ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1),
    ("SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2", 2),
    ("SELECT /* a ? /* nested ? */ b? */ ?", "SELECT /* a ? /* nested ? */ b? */ $1", 1),
    (
      "SELECT id FROM activity INDEXED BY activity_queued WHERE state = ?",
      "SELECT id FROM activity  WHERE state = $1", 1
    ),
    ("FROM t indexed by \"an index\" WHERE x", "FROM t  WHERE x", 0),
    ("FROM policy NOT INDEXED WHERE is_current = 1", "FROM policy  WHERE is_current = 1", 0),
    // Words that only contain the keywords, and the keywords inside literals, stay.
    ("SELECT not_indexed, is_indexed_by FROM t", "SELECT not_indexed, is_indexed_by FROM t", 0),
    ("SELECT 'INDEXED BY x', 'NOT INDEXED'", "SELECT 'INDEXED BY x', 'NOT INDEXED'", 0),
    ("SELECT 'é?', ?", "SELECT 'é?', $1", 1),
  ])
  func translatesParametersAndDropsIndexHints(_ sqlite: String, _ postgres: String, _ parameters: Int) {
    let translated = PostgresSQL(translating: sqlite)
    #expect(translated.text == postgres)
    #expect(translated.parameterCount == parameters)
  }
}
