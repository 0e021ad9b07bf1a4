/// What loading a catalog directory produced: the catalog when nothing is wrong, and every
/// finding (errors and warnings) sorted by file and position.
public struct CatalogLoadResult: Sendable {
  /// Nil when there is at least one error; warnings alone do not prevent loading.
  public var catalog: Catalog?
  public var findings: [Finding]

  public init(catalog: Catalog?, findings: [Finding]) {
    self.catalog = catalog
    self.findings = findings
  }
}
