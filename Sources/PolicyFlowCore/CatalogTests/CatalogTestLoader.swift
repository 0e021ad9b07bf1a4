import Foundation

/// Reads catalog test files (`tests/*.json`), validates each against `schemas/test.schema.json`
/// and against the catalog it tests, and builds one ``CatalogTest`` per test or per case.
///
/// Like ``CatalogLoader``, it never stops at the first problem: every bad test is a finding at
/// its file, line and column with a plain sentence (an unknown key, a message code the catalog
/// does not define, a policy file that is missing, a path a case cannot set).
public enum CatalogTestLoader {
  /// Message codes the engine attaches itself; a test may expect them beside the catalog's.
  public static let engineMessageCodes: Set<String> = [
    "RULE_ERROR", "CALCULATION_ERROR", "FLOW_NOT_CHOSEN", "FLOW_NOT_FOUND", "FLOW_INACTIVE",
  ]

  /// The test files that `paths` name: each file as given, each directory's `.json` files (not
  /// its subdirectories, where the policy files tests name may live), in name order.
  public static func files(in paths: [String]) -> (files: [String], findings: [Finding]) {
    var files: [String] = []
    var findings: [Finding] = []
    let start = SourceLocation(line: 1, column: 1)
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        findings.append(
          Finding(
            file: path, location: start,
            message: "no such test file or directory; a catalog's tests are the .json files in its tests/ directory"))
        continue
      }
      guard isDirectory.boolValue else {
        files.append(path)
        continue
      }
      let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
      let inside = names.filter { !$0.hasPrefix(".") && $0.hasSuffix(".json") }.map {
        CatalogLoader.displayPath(path, $0)
      }
      let tests = inside.filter { !isFolder($0) }
      if tests.isEmpty {
        findings.append(
          Finding(file: path, location: start, message: "no test files (.json) directly in this directory"))
      }
      files += tests
    }
    return (files, findings)
  }

  /// Loads the tests in `files` for `catalog`. A test without `at` runs at `now`.
  public static func load(files: [String], catalog: Catalog, now: Timestamp) -> CatalogTestLoadResult {
    var reader = TestFileReader(catalog: catalog, now: now)
    for file in files { reader.read(file) }
    return CatalogTestLoadResult(tests: reader.tests, findings: reader.findings.sorted())
  }

  private static func isFolder(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }

  /// The UTF-8 text of a file, or nil after a finding that says why there is none.
  static func text(of file: String, findings: inout [Finding]) -> String? {
    let start = SourceLocation(line: 1, column: 1)
    guard let data = FileManager.default.contents(atPath: file) else {
      findings.append(Finding(file: file, location: start, message: "cannot read the file"))
      return nil
    }
    guard let text = String(validating: Array(data), as: UTF8.self) else {
      findings.append(Finding(file: file, location: start, message: "the file is not UTF-8 text"))
      return nil
    }
    return text
  }

  /// The parsed document, or nil after a finding at the place the JSON goes wrong.
  static func document(_ text: String, file: String, findings: inout [Finding]) -> JSONDocument? {
    do {
      return try JSONDocument(parsing: text)
    } catch {
      findings.append(Finding(file: file, location: error.location, message: error.message))
      return nil
    }
  }
}

/// What loading test files produced: the tests, and every finding sorted by file and position.
public struct CatalogTestLoadResult: Sendable {
  /// Every test or case of the files, in file order; a file with errors contributes none.
  public var tests: [CatalogTest]
  public var findings: [Finding]

  public init(tests: [CatalogTest], findings: [Finding]) {
    self.tests = tests
    self.findings = findings
  }
}
