/// Why a database could not be brought to the schema this build knows.
public enum MigrationError: Error, Sendable {
  /// The database records a schema version above the latest this build knows. It was refused
  /// before any change: running old code on a newer schema could damage data.
  case databaseIsNewer(path: String, databaseVersion: Int, latestKnownVersion: Int)

  /// A migration failed and was rolled back; the database stays at `currentVersion`.
  case migrationFailed(path: String, version: Int, name: String, currentVersion: Int, underlying: any Error)
}

extension MigrationError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .databaseIsNewer(let path, let databaseVersion, let latestKnownVersion):
      return "The database at \(path) was written by a newer PolicyFlow (schema version \(databaseVersion); "
        + "this build knows up to \(latestKnownVersion)). Upgrade policyflow; the database was not changed."
    case .migrationFailed(let path, let version, let name, let currentVersion, let underlying):
      return "Migration \(version) (\(name)) failed on the database at \(path) and was rolled back; "
        + "the database stays at schema version \(currentVersion).\n\(underlying)"
    }
  }
}

extension MigrationError {
  /// Why the migrator itself stopped a migration (not the database).
  public struct Refusal: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }
  }
}
