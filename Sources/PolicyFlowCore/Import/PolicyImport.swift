/// Reads policy documents from import files: `.json` (one policy or an array of them) and
/// `.jsonl` (one policy per line; blank lines are skipped). Every bad document is a finding at
/// its line, so a user fixes the whole file in one pass.
public enum PolicyImport {
  /// A document and the line it starts on.
  public struct Document: Sendable {
    public var data: JSON
    public var line: Int
  }

  public struct Result: Sendable {
    public var documents: [Document] = []
    public var findings: [Finding] = []
  }

  /// Parses `text` read from `file`; the format follows the file's extension.
  public static func parse(_ text: String, file: String) -> Result {
    var result =
      file.hasSuffix(".jsonl") || file.hasSuffix(".ndjson") ? parseLines(text, file: file) : parseJSON(text, file: file)
    var firstLine: [String: Int] = [:]
    for document in result.documents {
      guard case .string(let code)? = document.data[path: "code"] else { continue }
      if let first = firstLine[code] {
        result.findings.append(
          finding(
            file, document.line, "code: '\(code)' appears twice in this file (first on line \(first)); codes are unique"
          ))
      } else {
        firstLine[code] = document.line
      }
    }
    result.findings.sort()
    return result
  }

  private static func parseJSON(_ text: String, file: String) -> Result {
    var result = Result()
    let document: JSONDocument
    do {
      document = try JSONDocument(parsing: text)
    } catch {
      result.findings.append(Finding(file: file, location: error.location, message: error.message))
      return result
    }
    let items: [(JSON, String)]
    switch document.root {
    case .array(let array): items = array.enumerated().map { ($1, "/\($0)") }
    default: items = [(document.root, "")]
    }
    for (data, pointer) in items {
      let line = document.location(of: pointer).line
      check(data, file: file, line: line, into: &result)
    }
    return result
  }

  private static func parseLines(_ text: String, file: String) -> Result {
    var result = Result()
    for (index, line) in lines(text).enumerated() {
      let trimmed = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
      guard !trimmed.isEmpty else { continue }
      do {
        check(try JSON(parsing: Array(line)), file: file, line: index + 1, into: &result)
      } catch {
        result.findings.append(
          Finding(
            file: file, location: SourceLocation(line: index + 1, column: error.location.column), message: error.message
          ))
      }
    }
    return result
  }

  /// The lines of `text` as UTF-8 bytes, split where `String.split(separator: "\n")` splits:
  /// at every line feed that does not end a "\r\n" pair (that pair is one `Character`, not a
  /// separator). Splitting the bytes avoids walking the text `Character` by `Character`.
  private static func lines(_ text: String) -> [ArraySlice<UInt8>] {
    let bytes = Array(text.utf8)
    var lines: [ArraySlice<UInt8>] = []
    var start = 0
    for i in 0..<bytes.count where bytes[i] == 0x0A && (i == 0 || bytes[i - 1] != 0x0D) {
      lines.append(bytes[start..<i])
      start = i + 1
    }
    lines.append(bytes[start..<bytes.count])
    return lines
  }

  private static func check(_ data: JSON, file: String, line: Int, into result: inout Result) {
    guard case .object = data else {
      result.findings.append(finding(file, line, "a policy must be a JSON object, found \(data.typeName)"))
      return
    }
    if let source = data[path: "source"], source != "integration", source != "manual" {
      result.findings.append(
        finding(file, line, "source: must be \"integration\" or \"manual\", found \(source.serialized())"))
      return
    }
    switch data[path: "code"] {
    case .string(let code)? where isValidCode(code):
      result.documents.append(Document(data: data, line: line))
    case .string(let code)?:
      result.findings.append(
        finding(
          file, line,
          "code: '\(code)' is not a valid policy code; use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        ))
    case let other?:
      result.findings.append(
        finding(file, line, "code: must be a string such as \"HP-000123\", found \(other.typeName)"))
    case nil:
      result.findings.append(finding(file, line, "code: missing; every policy needs a code such as \"HP-000123\""))
    }
  }

  /// 1 to 64 characters: letters, digits, `.`, `_`, `-`, starting with a letter or digit.
  public static func isValidCode(_ code: String) -> Bool {
    guard let first = code.unicodeScalars.first, code.utf8.count <= 64 else { return false }
    func alphanumeric(_ s: Unicode.Scalar) -> Bool {
      (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9")
    }
    return alphanumeric(first)
      && code.unicodeScalars.allSatisfy { alphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
  }

  private static func finding(_ file: String, _ line: Int, _ message: String) -> Finding {
    Finding(file: file, location: SourceLocation(line: line, column: 1), message: message)
  }
}
