import PolicyFlowCore
import PolicyFlowStore

/// The catalog a command compares with "today's": the folder `--catalog` names when given, else
/// the catalog published in the store (what every worker runs), else the catalog folder's.
enum TodaysCatalog {
  case published(hash: String)
  case folder(String)

  static func of(_ store: PolicyStore, _ invocation: Invocation) throws -> TodaysCatalog {
    if invocation.value("--catalog") == nil, let hash = try store.activeCatalogHash() { return .published(hash: hash) }
    return .folder(CommonOptions.catalogDirectory(invocation))
  }

  /// Its hash; nil for a folder whose catalog does not load.
  var hash: String? {
    switch self {
    case .published(let hash): hash
    case .folder(let directory): CatalogLoader.load(directory: directory).catalog?.hash
    }
  }

  /// The catalog itself; nil when it cannot be read.
  func catalog(in store: PolicyStore) -> Catalog? {
    switch self {
    case .published: try? store.activeCatalog()
    case .folder(let directory): CatalogLoader.load(directory: directory).catalog
    }
  }

  /// How a sentence names it: `The catalog published in the store`.
  var name: String {
    switch self {
    case .published: "The catalog published in the store"
    case .folder(let directory): "The catalog in \(directory)"
    }
  }
}

/// A `--flow` filter that selected nothing and names no flow of today's catalog: most likely
/// misspelt, so said on stderr with the flows there are (a list that is empty reads as "none of
/// those", not as "no such flow").
enum FlowFilterNote {
  /// Prints the note when `flow` is not a flow of `catalog`; nothing when there is no catalog.
  static func noteIfUnknown(_ flow: String?, catalog: Catalog?) {
    guard let flow, let catalog, catalog.flows[flow] == nil else { return }
    let codes = catalog.flows.keys.sorted()
    Terminal.error(
      "Note: the catalog has no flow '\(flow)', so no policy was selected by it.\(Suggestion.didYouMean(flow, among: codes)) "
        + "Its flows: \(codes.joined(separator: ", ")).")
  }
}
