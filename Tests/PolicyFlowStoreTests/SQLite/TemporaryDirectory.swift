import Foundation

/// Runs `body` with the path of a database file in a fresh temporary directory, removed afterwards
/// together with the WAL and shared-memory files SQLite leaves next to it.
func withTemporaryDatabase<T>(_ body: (String) throws -> T) throws -> T {
  let directory = FileManager.default.temporaryDirectory
    .appendingPathComponent("policyflow-sqlite-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  return try body(directory.appendingPathComponent("test.sqlite").path)
}
