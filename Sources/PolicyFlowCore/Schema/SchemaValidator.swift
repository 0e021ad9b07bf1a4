/// Walks a value alongside its schema and collects every violation with a plain sentence.
///
/// Sentences name the offending member the way an analyst sees it in the file ('sequence',
/// "an item of 'roles'") and say what would be accepted.
struct SchemaValidator {
  let root: JSON
  var violations: [SchemaViolation] = []

  init(root: JSON) { self.root = root }

  mutating func check(_ value: JSON, against schema: JSON, at pointer: String) {
    guard let schema = resolve(schema)?.objectValue else { return }
    let subject = Self.subject(of: pointer)

    if let types = schema["type"].map(Self.typeNames), !types.contains(where: { Self.value(value, hasType: $0) }) {
      report(pointer, "\(subject) must be \(Self.describe(types: types)), found \(Self.describe(value))")
      return
    }
    if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
      let list = allowed.map { $0.serialized() }.joined(separator: ", ")
      var message = "\(subject) must be one of \(list), found \(Self.describe(value))"
      if let word = value.stringValue,
        let close = Suggestion.closest(to: word, among: allowed.compactMap(\.stringValue))
      {
        message += "; did you mean \"\(close)\"?"
      }
      report(pointer, message)
    }
    if let expected = schema["const"], expected != value {
      report(pointer, "\(subject) must be \(expected.serialized()), found \(Self.describe(value))")
    }
    if let alternatives = schema["anyOf"]?.arrayValue ?? schema["oneOf"]?.arrayValue {
      checkAlternatives(value, alternatives, exactlyOne: schema["oneOf"] != nil, at: pointer, subject: subject)
    }

    switch value {
    case .string(let string):
      checkString(string, schema, at: pointer, subject: subject)
    case .int, .double:
      if let minimum = schema["minimum"], let order = JSON.compareNumbers(value, minimum), order == .orderedAscending {
        report(pointer, "\(subject) must be at least \(minimum.serialized()), found \(Excerpt.json(value))")
      }
    case .array(let items):
      checkArray(items, schema, at: pointer, subject: subject)
    case .object(let object):
      checkObject(object, schema, at: pointer)
    case .null, .bool:
      break
    }
  }

  private mutating func checkString(_ string: String, _ schema: JSONObject, at pointer: String, subject: String) {
    if case .int(let minLength) = schema["minLength"], string.count < minLength {
      report(
        pointer,
        minLength == 1
          ? "\(subject) must not be empty" : "\(subject) must have at least \(minLength) characters")
    }
    if let pattern = schema["pattern"]?.stringValue, let regex = try? Regex(pattern),
      (try? regex.firstMatch(in: string)) == nil
    {
      report(pointer, "\(subject) must match the pattern \(pattern), found \(Self.describe(.string(string)))")
    }
  }

  private mutating func checkArray(_ items: [JSON], _ schema: JSONObject, at pointer: String, subject: String) {
    if case .int(let minItems) = schema["minItems"], items.count < minItems {
      let found = items.isEmpty ? "an empty array" : "\(items.count)"
      report(pointer, "\(subject) must have at least \(minItems) item\(minItems == 1 ? "" : "s"), found \(found)")
    }
    if let itemSchema = schema["items"] {
      for (index, item) in items.enumerated() {
        check(item, against: itemSchema, at: "\(pointer)/\(index)")
      }
    }
    if schema["uniqueItems"] == .bool(true) {
      for (index, item) in items.enumerated() {
        if let first = items[..<index].firstIndex(of: item) {
          report("\(pointer)/\(index)", "\(subject) lists \(Self.describe(item)) twice (first as item \(first + 1))")
        }
      }
    }
  }

  private mutating func checkObject(_ object: JSONObject, _ schema: JSONObject, at pointer: String) {
    let properties = schema["properties"]?.objectValue ?? JSONObject()
    let noun = schema["title"]?.stringValue?.lowercased() ?? "object"
    // A missing key that an unknown key is a typo of is reported once, as the typo.
    let unknownKeys = object.names.filter { properties[$0] == nil }
    let meant =
      schema["additionalProperties"] == .bool(false)
      ? Set(unknownKeys.compactMap { Suggestion.closest(to: $0, among: properties.names) }) : []
    for case .string(let name) in schema["required"]?.arrayValue ?? []
    where object[name] == nil && !meant.contains(name) {
      report(pointer, "missing required key \(Excerpt.name(name)) in \(noun)")
    }
    for (name, member) in object {
      let memberPointer = "\(pointer)/\(JSONDocument.escape(name))"
      if let memberSchema = properties[name] {
        check(member, against: memberSchema, at: memberPointer)
        continue
      }
      switch schema["additionalProperties"] {
      case .bool(false)?:
        let allowed = properties.names
        var message = "unknown key \(Excerpt.name(name)) in \(noun)"
        if let close = Suggestion.closest(to: name, among: allowed) {
          message += "; did you mean '\(close)'?"
        } else {
          message += "."
        }
        message += " Allowed keys: \(allowed.joined(separator: ", "))"
        violations.append(SchemaViolation(pointer: memberPointer, atKey: true, message: message))
      case .object?:
        check(member, against: schema["additionalProperties"]!, at: memberPointer)
      default:
        break
      }
    }
  }

  private mutating func checkAlternatives(
    _ value: JSON, _ alternatives: [JSON], exactlyOne: Bool, at pointer: String, subject: String
  ) {
    var failures: [[SchemaViolation]] = []
    for alternative in alternatives {
      var branch = SchemaValidator(root: root)
      branch.check(value, against: alternative, at: pointer)
      failures.append(branch.violations)
    }
    let matching = failures.filter(\.isEmpty).count
    if matching == 1 || (matching > 1 && !exactlyOne) { return }
    if matching > 1 {
      report(pointer, "\(subject) matches more than one of its alternatives; make it match exactly one")
      return
    }
    // Report the alternative meant by the value's type, when only one admits it.
    let typed = alternatives.indices.filter { index in
      guard let types = resolve(alternatives[index])?.objectValue?["type"].map(Self.typeNames) else { return false }
      return types.contains { Self.value(value, hasType: $0) }
    }
    if typed.count == 1 {
      violations.append(contentsOf: failures[typed[0]])
    } else {
      let types = alternatives.flatMap { resolve($0)?.objectValue?["type"].map(Self.typeNames) ?? [] }
      let expected = types.isEmpty ? "one of its alternatives" : Self.describe(types: types)
      report(pointer, "\(subject) must be \(expected), found \(Self.describe(value))")
    }
  }

  private mutating func report(_ pointer: String, _ message: String) {
    violations.append(SchemaViolation(pointer: pointer, atKey: false, message: message))
  }

  /// Follows `$ref` (`#` or `#/$defs/name`, any local JSON Pointer) to the schema it names.
  private func resolve(_ schema: JSON) -> JSON? {
    var current = schema
    var hops = 0
    while let reference = current.objectValue?["$ref"]?.stringValue, hops < 32 {
      guard reference.hasPrefix("#") else { return nil }
      var target: JSON? = root
      for token in reference.dropFirst().split(separator: "/") {
        target = target?.child(Self.unescape(token))
      }
      guard let target else { return nil }
      current = target
      hops += 1
    }
    return current
  }
}

extension SchemaValidator {
  static func unescape(_ token: Substring) -> String {
    token.split(separator: "~1", omittingEmptySubsequences: false).joined(separator: "/")
      .split(separator: "~0", omittingEmptySubsequences: false).joined(separator: "~")
  }

  /// How a message names the value at `pointer`: `'sequence'`, `an item of 'roles'`, `the file`.
  static func subject(of pointer: String) -> String {
    let tokens = pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { unescape($0) }
    guard let last = tokens.last else { return "the file" }
    guard Int(last) != nil else { return Excerpt.name(last) }
    let parent = tokens.dropLast().last.map { Excerpt.name($0) } ?? "the file"
    return "an item of \(parent)"
  }

  static func typeNames(_ type: JSON) -> [String] {
    if let name = type.stringValue { return [name] }
    return type.arrayValue?.compactMap(\.stringValue) ?? []
  }

  static func value(_ value: JSON, hasType type: String) -> Bool {
    switch (type, value) {
    case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
      ("string", .string), ("array", .array), ("object", .object):
      return true
    default:
      return false
    }
  }

  static func describe(types: [String]) -> String {
    let phrases = types.map { type in
      switch type {
      case "null": "null"
      case "integer", "object", "array": "an \(type)"
      default: "a \(type)"
      }
    }
    return phrases.count <= 1 ? phrases.joined() : phrases.dropLast().joined(separator: ", ") + " or " + phrases.last!
  }

  /// `string "10"`, `integer 10`, `boolean true`, `null`, `an array`, `an object`.
  static func describe(_ value: JSON) -> String {
    switch value {
    case .null: return "null"
    case .bool, .int, .double: return "\(value.typeName) \(value.serialized())"
    case .string(let string):
      let shown = string.count > 40 ? String(string.prefix(40)) + "…" : string
      return "string \(JSON.string(shown).serialized())"
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}
