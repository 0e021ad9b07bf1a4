/// Where a definition is written in the catalog: the file as the user would type it and the
/// line and column, so later diagnostics (an engine error, `explain`) can point back at it.
public struct DefinitionLocation: Sendable, Hashable, CustomStringConvertible {
  /// The file path as reported in findings (`flows/individual-health.json`).
  public var file: String
  public var location: SourceLocation

  public init(file: String, location: SourceLocation) {
    self.file = file
    self.location = location
  }

  /// `flows/individual-health.json:3:11`.
  public var description: String { "\(file):\(location)" }
}
