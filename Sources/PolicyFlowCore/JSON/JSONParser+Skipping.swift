/// Checking values without building them. An import needs a policy's top-level fields and the
/// certainty that the whole record is valid JSON; building the tree of everything inside it,
/// and freeing it again, was most of what an import spent per policy.
extension JSONParser {
  /// Parses `bytes` as one JSON document but builds only its top level: every object and array
  /// inside the top-level value is checked as the full parser checks it, and stands in the
  /// result as an empty object or array. Accepts exactly what ``parse(_:recordLocations:)``
  /// accepts; a document it refuses is parsed in full for the error, so the message and its
  /// location are the full parser's too.
  /// With the value, the deepest nesting of objects and arrays the document has (its top
  /// level is 1), which the stand-ins no longer show.
  static func parseTopLevel(_ bytes: UnsafeBufferPointer<UInt8>, isStrict: Bool = false)
    -> Result<(JSON, depth: Int), JSONParseError>
  {
    var parser = JSONParser(bytes: bytes, skipsNested: true, isStrict: isStrict)
    do throws(JSONParseError) {
      let value = try parser.parseDocument()
      return .success((value, parser.deepest))
    } catch {
      return parse(bytes, recordLocations: false, isStrict: isStrict).map { ($0.root, JSONParser.maximumDepth) }
    }
  }

  /// Checks the object or array at the current byte and returns `standIn` for it.
  mutating func skipNested(_ standIn: JSON) throws(JSONParseError) -> JSON {
    _ = try checkContainer()
    return standIn
  }
}

extension JSON {
  /// Parses JSON text, reading the string's own UTF-8, but builds only the top level: objects
  /// and arrays inside the top-level value are checked and stand in the result empty. Refuses
  /// exactly what ``init(parsing:)-(String)`` refuses, with the same error.
  /// `depth` is the deepest nesting of objects and arrays in the whole document.
  static func topLevel(parsing text: String, isStrict: Bool = false) throws(JSONParseError) -> (
    value: JSON, depth: Int
  ) {
    var text = text
    return try text.withUTF8 { JSONParser.parseTopLevel($0, isStrict: isStrict) }.get()
  }
}
