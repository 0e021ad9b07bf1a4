import Foundation
import PolicyFlowCore

/// The sample policies `flows check` tries the catalog's expressions on (``CatalogCompatibility``).
enum CompatibilitySamples {
  /// The files named with `--sample` (a policy file or a directory of them), else the catalog's
  /// own examples (`<catalog>/examples/policies`) when it has them; read as import reads them.
  /// A sample that cannot be read is a warning: the catalog is not at fault.
  static func load(_ paths: [String], catalog directory: String) throws -> (
    samples: [CatalogCompatibility.Sample], findings: [Finding]
  ) {
    var paths = paths
    if paths.isEmpty {
      let examples = directory == "." ? "examples/policies" : directory + "/examples/policies"
      guard FileManager.default.fileExists(atPath: examples) else { return ([], []) }
      paths = [examples]
    }
    let files = try PolicyFiles.expand(paths)
    let parsed = PolicyImport.combine(try files.map { PolicyImport.parse(try PolicyFiles.readText($0), file: $0) })
    let samples = parsed.documents.map { document in
      let name = document.file.hasSuffix(".json") ? document.file : "\(document.file):\(document.line)"
      return CatalogCompatibility.Sample(name: name, data: document.data)
    }
    let findings = parsed.findings.map { finding in
      var warning = finding
      warning.severity = .warning
      warning.message = "sample policy not used: " + finding.message
      return warning
    }
    return (samples, findings)
  }
}
