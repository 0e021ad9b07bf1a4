/// A parsed definition file with the path findings report for it.
struct SourceDocument {
  /// The path as reported in findings (`flows/x.json`, or `catalog/flows/x.json`).
  let path: String
  let document: JSONDocument

  /// Where the value at `pointer` starts.
  func site(_ pointer: String) -> DefinitionLocation {
    DefinitionLocation(file: path, location: document.location(of: pointer))
  }

  /// Where the key of the member at `pointer` starts.
  func keySite(_ pointer: String) -> DefinitionLocation {
    DefinitionLocation(file: path, location: document.keyLocation(of: pointer))
  }
}

/// A value together with where it is written.
struct Located<Value> {
  var value: Value
  var site: DefinitionLocation
}

/// Reads the members of one JSON object leniently: a member of the wrong type reads as absent,
/// because the schema has already reported it, and the loader keeps going to find more problems.
struct ObjectReader {
  let source: SourceDocument
  let object: JSONObject
  let pointer: String

  init?(_ source: SourceDocument, _ value: JSON?, at pointer: String) {
    guard let object = value?.objectValue else { return nil }
    self.source = source
    self.object = object
    self.pointer = pointer
  }

  /// Where the object starts.
  var site: DefinitionLocation { source.site(pointer) }

  func pointer(_ name: String) -> String { "\(pointer)/\(JSONDocument.escape(name))" }
  func site(_ name: String) -> DefinitionLocation { source.site(pointer(name)) }
  func keySite(_ name: String) -> DefinitionLocation { source.keySite(pointer(name)) }

  func string(_ name: String) -> String? { object[name]?.stringValue }

  func located(_ name: String) -> Located<String>? {
    string(name).map { Located(value: $0, site: site(name)) }
  }

  func int(_ name: String) -> Int? {
    if case .int(let value)? = object[name] { return value }
    return nil
  }

  func bool(_ name: String) -> Bool? {
    if case .bool(let value)? = object[name] { return value }
    return nil
  }

  /// The string items of an array member, each with its location; nil when absent or not an array.
  func strings(_ name: String) -> [Located<String>]? {
    guard let items = object[name]?.arrayValue else { return nil }
    return items.enumerated().compactMap { index, item in
      item.stringValue.map { Located(value: $0, site: source.site("\(pointer(name))/\(index)")) }
    }
  }

  /// The object items of an array member.
  func objects(_ name: String) -> [ObjectReader] {
    guard let items = object[name]?.arrayValue else { return [] }
    return items.enumerated().compactMap { index, item in
      ObjectReader(source, item, at: "\(pointer(name))/\(index)")
    }
  }

  func child(_ name: String) -> ObjectReader? { ObjectReader(source, object[name], at: pointer(name)) }
}
