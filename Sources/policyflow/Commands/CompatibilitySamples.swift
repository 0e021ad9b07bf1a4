import Foundation
import PolicyFlowCore

/// The sample policies `flows check` tries the catalog's expressions on (``CatalogCompatibility``).
enum CompatibilitySamples {
  /// The files named with `--sample` (a policy file or a directory of them), else the catalog's
  /// own examples (`<catalog>/examples/policies`) when it has them; read as import reads them.
  /// A sample that cannot be read is a warning at its place and the others are still tried: the
  /// catalog is not at fault. So is a catalog's examples folder that holds no policy file (only a
  /// path given with `--sample` that does not exist or holds none is the caller's error).
  static func load(_ paths: [String], catalog directory: String) throws -> (
    samples: [CatalogCompatibility.Sample], findings: [Finding]
  ) {
    let files: [String]
    if paths.isEmpty {
      let examples = directory == "." ? "examples/policies" : directory + "/examples/policies"
      guard FileManager.default.fileExists(atPath: examples) else { return ([], []) }
      do {
        files = try PolicyFiles.expand([examples])
      } catch {
        // A folder of no policy file, or one that cannot be read (its permissions).
        let folder = CatalogLoader.displayPath(directory, "examples/policies")
        let reason = (error as? CommandFailure)?.message ?? "it cannot be read (\(error.localizedDescription))"
        let warning = Finding(
          file: folder, location: SourceLocation(line: 1, column: 1), severity: .warning,
          message: "the sample policies were not tried: " + reason)
        return ([], [warning])
      }
    } else {
      files = try PolicyFiles.expand(paths)
    }
    var unread: [Finding] = []
    var parses: [PolicyImport.Result] = []
    for file in files {
      do {
        parses.append(PolicyImport.parse(try PolicyFiles.readText(file), file: file))
      } catch let error as FindingError {
        unread.append(notUsed(error.finding))
      } catch {
        let reason = (error as? CommandFailure)?.message ?? "'\(file)' cannot be read (\(error.localizedDescription))"
        unread.append(notUsed(Finding(file: file, location: SourceLocation(line: 1, column: 1), message: reason)))
      }
    }
    let parsed = PolicyImport.combine(parses)
    let samples = parsed.documents.map { document in
      let name = document.file.hasSuffix(".json") ? document.file : "\(document.file):\(document.line)"
      return CatalogCompatibility.Sample(name: name, data: document.data)
    }
    return (samples, unread + parsed.findings.map(notUsed))
  }

  /// A problem with a sample, as the warning that it was not tried.
  private static func notUsed(_ finding: Finding) -> Finding {
    var warning = finding
    warning.severity = .warning
    warning.message = "sample policy not used: " + finding.message
    return warning
  }
}
