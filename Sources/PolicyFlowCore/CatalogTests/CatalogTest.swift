/// One test of a catalog: a policy, a reference time, and what must hold after one processing
/// cycle. A test file holds one test, or a table of them (`cases`), each its own `CatalogTest`.
///
/// Built by ``CatalogTestLoader`` from `tests/*.json`; run by ``CatalogTestRunner``.
public struct CatalogTest: Sendable {
  /// The test file as findings and failures name it (`tests/senior-applicant.json`).
  public var file: String
  /// The case's name in a table; nil for a file that is a single test.
  public var caseName: String?
  /// Where the test starts: the case of a table, else the file's `expect`.
  public var location: SourceLocation
  /// The policy document after the case's changes.
  public var policy: JSON
  /// The reference time of the cycle.
  public var at: Timestamp
  public var expectation: TestExpectation

  public init(
    file: String, caseName: String?, location: SourceLocation, policy: JSON, at: Timestamp,
    expectation: TestExpectation
  ) {
    self.file = file
    self.caseName = caseName
    self.location = location
    self.policy = policy
    self.at = at
    self.expectation = expectation
  }

  /// How output and `--filter` name the test: the file, and the case in brackets
  /// (`tests/age.json [65 on the start date]`).
  public var name: String {
    caseName.map { "\(file) [\($0)]" } ?? file
  }
}
