/// A JSON Schema (draft 2020-12) that a document can be validated against, with findings at the
/// offending value.
///
/// Only the keywords PolicyFlow's own schemas use are understood: `type`, `properties`,
/// `required`, `additionalProperties`, `items`, `enum`, `const`, `pattern`, `minimum`,
/// `minLength`, `minItems`, `uniqueItems`, `$ref` to `#/$defs/…`, `oneOf` and `anyOf`.
/// Annotations (`title`, `description`, `default`, `examples`, `$schema`, `$id`) are ignored,
/// except that an object schema's `title` names the object in messages ("unknown key 'x' in step").
/// The published files under `schemas/` are the same text as ``flow``, ``rules``, ``policy`` and
/// ``test``.
public struct JSONSchema: Sendable {
  /// The schema document.
  public let root: JSON

  /// Parses schema text. A schema that is not JSON is a programmer mistake for the embedded
  /// schemas, so this throws the parser's error for callers with their own schemas.
  public init(parsing text: String) throws(JSONParseError) {
    root = try JSON(parsing: text)
  }

  /// The schema of a `flows/*.json` file.
  public static let flow = embedded(EmbeddedSchemas.flow)
  /// The schema of a `rules/*.json` file.
  public static let rules = embedded(EmbeddedSchemas.rules)
  /// The schema of the engine fields of a policy; business fields are free-form.
  public static let policy = embedded(EmbeddedSchemas.policy)
  /// The schema of a catalog test file, `tests/*.json`.
  public static let test = embedded(EmbeddedSchemas.test)

  private static func embedded(_ text: String) -> JSONSchema {
    do {
      return try JSONSchema(parsing: text)
    } catch {
      preconditionFailure("embedded schema is not valid JSON: \(error)")
    }
  }

  /// Every way `document` departs from the schema, each at the offending value (or, for unknown
  /// and duplicate keys, at the key), sorted by location.
  public func validate(_ document: JSONDocument, file: String) -> [Finding] {
    var validator = SchemaValidator(root: root)
    validator.check(document.root, against: root, at: "")
    var findings = validator.violations.map { violation in
      Finding(
        file: file,
        location: violation.atKey
          ? document.keyLocation(of: violation.pointer) : document.location(of: violation.pointer),
        message: violation.message)
    }
    for pointer in document.duplicateKeys {
      let key = SchemaValidator.unescape(pointer.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
      findings.append(
        Finding(
          file: file, location: document.keyLocation(of: pointer),
          message:
            "duplicate key \(Excerpt.name(key)); a key may appear only once in an object (the later value would win)"))
    }
    return findings.sorted()
  }

  /// Every way `value` departs from the schema, by JSON Pointer, without locations.
  public func violations(of value: JSON) -> [SchemaViolation] {
    var validator = SchemaValidator(root: root)
    validator.check(value, against: root, at: "")
    return validator.violations
  }
}

/// One way a value departs from a schema.
public struct SchemaViolation: Sendable, Hashable {
  /// JSON Pointer of the offending value (or of the member, when ``atKey``).
  public var pointer: String
  /// True when the problem is the member's key (an unknown key), not its value.
  public var atKey: Bool
  public var message: String
}
