import PolicyFlowCore
import PolicyFlowStore

/// A `--flow` filter that selected nothing and names no flow of the catalog: most likely
/// misspelt, so said on stderr with the flows there are (a list that is empty reads as "none of
/// those", not as "no such flow").
enum FlowFilterNote {
  /// Prints the note when `flow` is not a flow of `catalog` (the published catalog when the store
  /// has one, else the catalog folder's; nothing when neither loads).
  static func noteIfUnknown(_ flow: String?, catalog: Catalog?) {
    guard let flow, let catalog, catalog.flows[flow] == nil else { return }
    let codes = catalog.flows.keys.sorted()
    Terminal.error(
      "Note: the catalog has no flow '\(flow)', so no policy was selected by it.\(Suggestion.didYouMean(flow, among: codes)) "
        + "Its flows: \(codes.joined(separator: ", ")).")
  }

  /// The catalog that runs today: the store's published one, else the folder's; nil when neither loads.
  static func currentCatalog(_ store: PolicyStore, _ invocation: Invocation) -> Catalog? {
    if let published = try? store.activeCatalog() { return published }
    return CatalogLoader.load(directory: CommonOptions.catalogDirectory(invocation)).catalog
  }
}
