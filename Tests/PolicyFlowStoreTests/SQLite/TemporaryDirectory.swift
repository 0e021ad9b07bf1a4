import Foundation
import PolicyFlowTestSupport

/// Runs `body` with the path of a database file in a fresh temporary directory, removed afterwards
/// together with the WAL and shared-memory files SQLite leaves next to it.
func withTemporaryDatabase<T>(_ body: (String) throws -> T) throws -> T {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("policyflow-sqlite-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try body(directory.appendingPathComponent("test.sqlite").path)
}

/// Runs `body` with the location of a new, empty store of `kind`: a file in a fresh temporary
/// directory, or a fresh database on the tests' own PostgreSQL server.
func withTemporaryStore<T>(_ kind: TestStore, _ body: (String) throws -> T) throws -> T {
  try withTemporaryDatabase { path in
    let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    return try body(try kind.newLocation(in: directory, file: "test.sqlite"))
  }
}
