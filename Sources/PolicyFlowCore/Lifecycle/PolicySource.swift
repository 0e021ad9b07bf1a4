/// How a policy entered the system; pend rules may filter on it.
public enum PolicySource: String, Sendable, Hashable, CaseIterable {
  /// Imported from a file or created by a script.
  case integration
  /// Entered or edited by a person from the command line.
  case manual
}
