/// Where a policy version stands in its lifecycle; exactly one at a time.
///
/// The raw values are the names users see in tables, history and `--json` output.
public enum PolicyStatus: String, Sendable, Hashable, CaseIterable {
  case edit = "Edit"
  case inProcess = "In Process"
  case pended = "Pended"
  case approved = "Approved"
  case canceled = "Canceled"
}

extension PolicyStatus: CustomStringConvertible {
  public var description: String { rawValue }
}
