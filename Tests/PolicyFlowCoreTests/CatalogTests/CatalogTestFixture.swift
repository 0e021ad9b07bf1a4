import Foundation
import PolicyFlowCore

/// Test files written into a fresh temporary directory, loaded against the shipped catalog.
struct CatalogTestFixture {
  let directory: String

  init(_ files: [String: String]) throws {
    directory =
      FileManager.default.temporaryDirectory.appendingPathComponent("catalog-tests-\(UUID().uuidString)")
      .path
    for (name, text) in files {
      let path = directory + "/" + name
      try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
  }

  static let catalog: Catalog = {
    guard let catalog = CatalogLoader.load(directory: CatalogTestPaths.packageRoot).catalog else {
      preconditionFailure("the shipped catalog does not load")
    }
    return catalog
  }()

  static let now = Timestamp(iso8601: "2026-11-22")!

  /// Loads the `.json` files directly in the fixture's directory.
  func load() -> CatalogTestLoadResult {
    let (files, findings) = CatalogTestLoader.files(in: [directory])
    var result = CatalogTestLoader.load(files: files, catalog: Self.catalog, now: Self.now)
    result.findings += findings
    return result
  }

  /// Findings as `name:line:col: severity: message`, the directory left out.
  func describe(_ findings: [Finding]) -> [String] {
    CatalogTestPaths.describe(findings, under: directory)
  }

  func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
