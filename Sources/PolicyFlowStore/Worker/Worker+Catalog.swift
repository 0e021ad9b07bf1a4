import PolicyFlowCore

/// The catalog a worker runs: the store's published one, followed as it changes.
extension Worker {
  /// Switches to the store's published catalog when it changed, asking at most once a second
  /// unless `now` (a batch was just claimed): at a batch boundary, since a batch computing
  /// meanwhile keeps the cycle it started with. With no published catalog the worker keeps the
  /// one it was given.
  func followPublishedCatalog(now asked: Bool = false) throws {
    let now = StoreTime.now().milliseconds
    guard asked || now - catalogCheckedAt >= 1000 else { return }
    catalogCheckedAt = now
    // A store that cannot be asked now (a server restarting) keeps the worker on its catalog: the
    // claim that follows waits the outage out, and the next look, a second later, asks again.
    let hash: String?
    let catalog: Catalog?
    do {
      hash = try store.activeCatalogHash()
      catalog = hash == nil || hash == cycle.catalog.hash ? nil : try store.activeCatalog()
    } catch let error as any DatabaseFailure where error.isTransient {
      return
    }
    guard let catalog else { return }
    let previous = cycle.catalog.hash
    cycle = ProcessingCycle(catalog: catalog)
    onEvent(.catalogSwitched(from: previous, to: catalog.hash))
  }
}
