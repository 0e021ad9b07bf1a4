import Foundation
import PolicyFlowCore

/// Where the package's files are, found from this source file so tests need no SwiftPM resources.
enum CatalogTestPaths {
  /// The package root: this file is `Tests/PolicyFlowCoreTests/Catalog/CatalogTestPaths.swift`.
  static let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
  }()

  static let fixtures = packageRoot + "/Tests/PolicyFlowCoreTests/Fixtures/catalogs"

  static func fixture(_ name: String) -> String { fixtures + "/" + name }

  static func read(_ relativePath: String) throws -> String {
    try String(contentsOfFile: packageRoot + "/" + relativePath, encoding: .utf8)
  }

  /// The `.json` files directly inside a folder of the package, sorted.
  static func jsonFiles(in folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/" + folder)
      .filter { $0.hasSuffix(".json") }.sorted().map { folder + "/" + $0 }
  }

  /// Findings as `file:line:col: severity: message` with `directory/` removed from the path.
  static func describe(_ findings: [Finding], under directory: String) -> [String] {
    findings.map { finding in
      var finding = finding
      if finding.file.hasPrefix(directory + "/") { finding.file.removeFirst(directory.count + 1) }
      return finding.description.split(separator: directory + "/", omittingEmptySubsequences: false)
        .joined()
    }
  }
}
