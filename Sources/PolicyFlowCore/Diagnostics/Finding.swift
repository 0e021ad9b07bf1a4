/// A problem in a file the user wrote (a flow, a rule file, a policy), with where it is and a
/// plain sentence saying what is wrong and what would be accepted.
///
/// Findings are collected and reported together; one failure is raised at the end.
public struct Finding: Sendable, Hashable, Comparable, CustomStringConvertible {
  public enum Severity: String, Sendable, Hashable {
    case error, warning
  }

  /// The file as the user would type it, e.g. `flows/standard.json`.
  public var file: String
  public var location: SourceLocation
  public var severity: Severity
  public var message: String

  public init(file: String, location: SourceLocation, severity: Severity = .error, message: String) {
    self.file = file
    self.location = location
    self.severity = severity
    self.message = message
  }

  /// `flows/standard.json:12:7: error: …`, the form editors and CI logs link to.
  public var description: String {
    "\(file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
  }

  public static func < (lhs: Finding, rhs: Finding) -> Bool {
    (lhs.file, lhs.location.line, lhs.location.column, lhs.message)
      < (rhs.file, rhs.location.line, rhs.location.column, rhs.message)
  }
}

extension Array where Element == Finding {
  public var errors: [Finding] { filter { $0.severity == .error } }
  public var warnings: [Finding] { filter { $0.severity == .warning } }
}
