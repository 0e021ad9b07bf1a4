import Foundation
import PolicyFlowCore

/// A problem in an input file, reported as `file:line:col: error: …`.
struct FindingError: Error {
  var finding: Finding
}

/// Reading policy documents from files named on the command line.
enum PolicyFiles {
  /// The files that hold policies: what `validate`, `import` and `demo` read from a directory.
  static let extensions = [".json", ".jsonl", ".ndjson", ".csv"]

  /// Files as given, with each directory replaced by its files of these extensions, in name
  /// order. A file named on its own must have one of them too.
  static func expand(_ paths: [String], extensions: [String] = PolicyFiles.extensions) throws -> [String] {
    var files: [String] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CommandFailure(message: "No such file or directory: '\(path)'.")
      }
      if isDirectory.boolValue {
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
          .filter { name in hasPolicyExtension(name, extensions) }.sorted()
        if names.isEmpty {
          throw CommandFailure(message: "The directory '\(path)' holds no \(extensions.joined(separator: ", ")) files.")
        }
        files += names.map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
      } else {
        // The extension picks the format; any other file used to be read as JSON and failed
        // at its first byte with a message about JSON. A pipe or device (validate --file
        // <(…)) has no extension to go by and is still read as JSON.
        guard hasPolicyExtension(path, extensions) || !isRegularFile(path) else {
          throw CommandFailure(
            message:
              "'\(path)' is not a policy file: the extension says the format, one of "
              + "\(extensions.joined(separator: ", ")) (a .jsonl or .ndjson file holds one policy per line).",
            exitCode: ExitCode.invalidInput)
        }
        files.append(path)
      }
    }
    return files
  }

  /// Whether `name` ends in one of `extensions`, in any case.
  static func hasPolicyExtension(_ name: String, _ extensions: [String]) -> Bool {
    let lowercased = name.lowercased()
    return extensions.contains { lowercased.hasSuffix($0) }
  }

  private static func isRegularFile(_ path: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
  }

  /// One policy document; malformed JSON or a non-object is a finding at its location.
  static func read(_ file: String) throws -> JSON {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
      throw CommandFailure(message: "Cannot read '\(file)': it is missing, unreadable or not UTF-8 text.")
    }
    do {
      let data = try JSON(parsing: text)
      guard case .object = data else {
        throw FindingError(
          finding: Finding(
            file: file, location: SourceLocation(line: 1, column: 1),
            message: "a policy must be a JSON object, found \(data.typeName)"))
      }
      return data
    } catch let error as JSONParseError {
      throw FindingError(finding: Finding(file: file, location: error.location, message: error.message))
    }
  }
}
