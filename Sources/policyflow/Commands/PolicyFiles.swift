import Foundation
import PolicyFlowCore

/// A problem in an input file, reported as `file:line:col: error: …`.
struct FindingError: Error {
  var finding: Finding
}

/// Reading policy documents from files named on the command line.
enum PolicyFiles {
  /// Files as given, with each directory replaced by its policy files (an extension of
  /// ``PolicyImport/Format``, not hidden), in name order. A file named on its own must have one of them
  /// too, unless it is a pipe or device (`validate --file <(…)`), which is read as JSON.
  static func expand(_ paths: [String]) throws -> [String] {
    let extensions = PolicyImport.Format.allExtensions
    guard paths.filter({ $0 == "-" }).count < 2 else {
      throw CommandFailure(
        message: "'-' (standard input) is named twice; it can be read once: name it once.",
        exitCode: Runner.usageExitCode)
    }
    var files: [String] = []
    for path in paths {
      // Standard input, read to its end; its text says its format.
      if path == "-" {
        files.append("/dev/stdin")
        continue
      }
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CommandFailure(message: "No such file or directory: '\(path)'.", exitCode: ExitCode.invalidInput)
      }
      if isDirectory.boolValue {
        // Hidden entries are not read nor mentioned (`.DS_Store`, or `._x.json` beside `x.json`).
        let entries = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
        let names = entries.filter { PolicyImport.Format(fileName: $0) != nil }
        let inside = { (name: String) in path.hasSuffix("/") ? path + name : path + "/" + name }
        if names.isEmpty {
          // Folders inside are not read: name them, since the files are likely there.
          let folders = entries.map(inside).filter { entry in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: entry, isDirectory: &isFolder) && isFolder.boolValue
          }
          let hint =
            folders.isEmpty
            ? "" : " (folders inside it are not read; name one, such as '\(folders[0])')"
          throw CommandFailure(
            message: "The directory '\(path)' holds no \(extensions.joined(separator: ", ")) files\(hint).",
            exitCode: ExitCode.invalidInput)
        }
        noteSkipped(entries.filter { PolicyImport.Format(fileName: $0) == nil }, of: path, inside)
        files += names.map(inside)
      } else {
        // The extension picks the format; any other file used to be read as JSON and failed
        // at its first byte with a message about JSON.
        guard PolicyImport.Format(fileName: path) != nil || !isRegularFile(path) else {
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

  /// Says on stderr which entries of a directory are not read: a
  /// subdirectory of policies skipped without a word would be policies missing from the store.
  private static func noteSkipped(_ skipped: [String], of directory: String, _ path: (String) -> String) {
    guard !skipped.isEmpty else { return }
    let named = skipped.map { name in
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: path(name), isDirectory: &isDirectory) && isDirectory.boolValue
        ? name + "/" : name
    }
    Terminal.error(
      "Note: skipped \(named.count) entr\(named.count == 1 ? "y" : "ies") of '\(directory)' that "
        + "\(named.count == 1 ? "is" : "are") not policy files: \(named.joined(separator: ", ")). Only the "
        + "\(PolicyImport.Format.allExtensions.joined(separator: ", ")) files directly in a directory are read; "
        + "name a subdirectory to read its files too.")
  }

  private static func isRegularFile(_ path: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
  }

  /// The file's text, or the failure that names it. Read through a handle, to its end, so that
  /// a pipe (`--file <(…)`, `/dev/stdin`) reads as well as a file. Bytes that are not UTF-8 are
  /// invalid input (exit 65), found at the line where the text stops.
  static func readText(_ file: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: file), let data = try? handle.readToEnd() ?? Data() else {
      var isDirectory: ObjCBool = false
      let reason =
        !FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory)
        ? "there is no such file"
        : isDirectory.boolValue ? "it is a directory; give a file" : "it cannot be read (check its permissions)"
      throw CommandFailure(message: "Cannot read '\(file)': \(reason).", exitCode: ExitCode.invalidInput)
    }
    if let text = String(data: data, encoding: .utf8) { return text }
    let (location, byte) = UTF8Text.firstInvalidByte(in: data) ?? (SourceLocation(line: 1, column: 1), 0)
    throw FindingError(finding: Finding(file: file, location: location, message: UTF8Text.problem(byte)))
  }

  /// One policy document as `policies edit --data` reads it, read once (`-` is standard input):
  /// the document, where it starts (`FILE:LINE`) and where each of its fields is written
  /// (``fieldOrigins(in:of:)``). Malformed JSON or a non-object is a finding at its location, as
  /// are what an import refuses too (a number beyond 64 bits, a name given twice in an object).
  static func document(_ path: String) throws -> (data: JSON, origin: String, fieldOrigin: (String) -> String?) {
    let file = path == "-" ? "/dev/stdin" : path
    let text = try readText(file)
    let data = try parsed(text, of: file)
    guard case .object = data else {
      throw FindingError(
        finding: Finding(
          file: file, location: SourceLocation(line: 1, column: 1),
          message: "a policy must be a JSON object, found \(data.typeName)"))
    }
    let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
    let origin = "\(file):\(text[..<start].filter(\.isNewline).count + 1)"
    return (data, origin, try fieldOrigins(in: text, of: file))
  }

  /// `text` parsed as an import parses it; a problem is a finding in `file`.
  private static func parsed(_ text: String, of file: String) throws -> JSON {
    do {
      return try JSON.parsingStrictly(text)
    } catch let error as JSONParseError {
      throw FindingError(finding: Finding(file: file, location: error.location, message: error.message))
    }
  }

  /// `FILE:LINE` of each field of the document `text` read from `file` (a dotted path,
  /// `policyholder.country`): the line its name is written on; nil for a field it does not hold.
  private static func fieldOrigins(in text: String, of file: String) throws -> (String) -> String? {
    let document = try JSONDocument(parsing: text)
    return { field in
      let pointer = field.split(separator: ".", omittingEmptySubsequences: false).map {
        "/" + JSONDocument.escape(String($0))
      }.joined()
      guard document.root[path: field] != nil else { return nil }
      return "\(file):\(document.keyLocation(of: pointer).line)"
    }
  }
}
