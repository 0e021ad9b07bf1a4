import Foundation

/// A file of policy codes, for a command that takes many (`policies submit --file`): one code a
/// line, surrounding blanks ignored; blank lines and lines starting with `#` are skipped.
struct CodeListFile {
  /// A code and where it was read.
  struct Entry: Equatable {
    var code: String
    /// `FILE:LINE`, as problems with the code are reported.
    var location: String
  }

  /// What `path` names: a file, or `-` for standard input.
  var path: String

  /// The name problems are reported under.
  var label: String { path == "-" ? "<stdin>" : path }

  /// The codes in the order written; a file that cannot be read is an error naming it.
  func entries() throws -> [Entry] {
    parse(try PolicyFiles.readText(path == "-" ? "/dev/stdin" : path))
  }

  func parse(_ text: String) -> [Entry] {
    // `isNewline` takes a CRLF file's "\r\n" (one Character) as one line break.
    text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().compactMap { index, line in
      let code = line.trimmingCharacters(in: .whitespaces)
      guard !code.isEmpty, !code.hasPrefix("#") else { return nil }
      return Entry(code: code, location: "\(label):\(index + 1)")
    }
  }
}
