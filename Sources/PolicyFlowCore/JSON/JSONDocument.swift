/// A parsed JSON file that remembers where each value and each key came from, so that
/// problems found later can point at the offending text.
///
/// Locations are keyed by JSON Pointer (RFC 6901): `""` is the root, `/steps/0/sequence` a
/// member of the first step.
public struct JSONDocument: Sendable {
  public var root: JSON
  /// Where each value starts.
  public var valueLocations: [String: SourceLocation]
  /// Where the key of each object member starts, keyed by the member's pointer.
  public var keyLocations: [String: SourceLocation]
  /// Members whose key appears twice in one object (the later one wins), by pointer.
  public var duplicateKeys: [String]

  /// Parses `text`, recording locations. `isStrict`: a member name given twice in one object, or an
  /// integer beyond 64 bits, is refused (``JSONParseError/isValidJSON``), as an import refuses them.
  public init(parsing text: String, isStrict: Bool = false) throws(JSONParseError) {
    var text = text
    let parsed = try text.withUTF8 { JSONParser.parse($0, recordLocations: true, isStrict: isStrict) }.get()
    root = parsed.root
    valueLocations = parsed.valueLocations
    keyLocations = parsed.keyLocations
    duplicateKeys = parsed.duplicateKeys
  }

  /// Where the value at `pointer` starts, or the nearest enclosing value that was recorded.
  public func location(of pointer: String) -> SourceLocation {
    var current = pointer
    while true {
      if let location = valueLocations[current] { return location }
      guard let slash = current.lastIndex(of: "/") else { return SourceLocation(line: 1, column: 1) }
      current = String(current[..<slash])
    }
  }

  /// Where the key of the member at `pointer` starts (falls back to its value).
  public func keyLocation(of pointer: String) -> SourceLocation {
    keyLocations[pointer] ?? location(of: pointer)
  }

  /// Escapes one reference token for use in a JSON Pointer.
  public static func escape(_ token: String) -> String {
    guard token.contains("~") || token.contains("/") else { return token }
    return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
