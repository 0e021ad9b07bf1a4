import Testing

@testable import PolicyFlowCore

struct CatalogSchemaTests {
  /// Each schema's text and parsed form by name; the tests take the names as arguments, so that
  /// the test log names a case instead of printing a whole schema.
  static let schemas: [String: (text: String, schema: JSONSchema)] = [
    "flow": (EmbeddedSchemas.flow, .flow), "rules": (EmbeddedSchemas.rules, .rules),
    "policy": (EmbeddedSchemas.policy, .policy), "test": (EmbeddedSchemas.test, .test),
  ]

  @Test(arguments: ["flow", "rules", "policy", "test"])
  func publishedSchemaIsTheEmbeddedOne(name: String) throws {
    // Rerun schemas/embed.sh after editing a schema.
    #expect(try CatalogTestPaths.read("schemas/\(name).schema.json") == Self.schemas[name]?.text)
  }

  /// Editors show these descriptions while completing a file, so none may be missing.
  @Test(arguments: ["flow", "rules", "policy", "test"])
  func describesEveryProperty(name: String) throws {
    let schema = try #require(Self.schemas[name]?.schema)
    func resolved(_ node: JSON) -> JSON {
      guard let reference = node.objectValue?["$ref"]?.stringValue else { return node }
      let name = String(reference.split(separator: "/").last ?? "")
      return schema.root[path: "$defs.\(name)"] ?? node
    }
    var undescribed: [String] = []
    func visit(_ node: JSON, at path: String) {
      guard let object = node.objectValue else { return }
      for (name, property) in object["properties"]?.objectValue ?? JSONObject() {
        if property.objectValue?["description"] == nil && resolved(property).objectValue?["description"] == nil {
          undescribed.append("\(path).\(name)")
        }
      }
      for (name, definition) in object["$defs"]?.objectValue ?? JSONObject() { visit(definition, at: name) }
    }
    visit(schema.root, at: "")
    #expect(undescribed == [])
  }

  static let shippedFiles: [String] = {
    let folders = ["flows", "rules", "examples/policies"]
    return folders.flatMap { (try? CatalogTestPaths.jsonFiles(in: $0)) ?? [] }
  }()

  @Test func shipsFilesOfEveryKind() {
    #expect(Self.shippedFiles.filter { $0.hasPrefix("flows/") }.count == 2)
    #expect(Self.shippedFiles.filter { $0.hasPrefix("rules/") }.count >= 1)
    #expect(Self.shippedFiles.filter { $0.hasPrefix("examples/") }.count >= 6)
  }

  @Test(arguments: shippedFiles)
  func shippedFileIsValidAgainstItsSchema(path: String) throws {
    let schema: JSONSchema =
      path.hasPrefix("flows/") ? .flow : path.hasPrefix("rules/") ? .rules : .policy
    let document = try JSONDocument(parsing: CatalogTestPaths.read(path))
    #expect(schema.validate(document, file: path).map(\.description) == [])
  }

  @Test(arguments: [
    (
      #"{"code": "A", "description": "d", "default": true, "active": true, "steps": [{"sequnce": 1, "#
        + #""name": "n", "displayName": "N", "resolvers": {"roles": ["r"]}, "rules": []}]}"#,
      [
        "f.json:1:79: error: unknown key 'sequnce' in step; did you mean 'sequence'? "
          + "Allowed keys: sequence, name, displayName, resolvers, rules"
      ]
    ),
    (
      #"{"code": "A", "description": "d", "default": true, "active": true, "steps": [{"sequence": "10", "#
        + #""name": "n", "displayName": "N", "resolvers": {"roles": ["r", "r"]}, "rules": []}]}"#,
      [
        "f.json:1:91: error: 'sequence' must be an integer, found string \"10\"",
        "f.json:1:159: error: 'roles' lists string \"r\" twice (first as item 1)",
      ]
    ),
    (
      #"{"code": "a", "default": "yes", "active": true, "steps": [{"sequence": 0}], "extra": 1}"#,
      [
        "f.json:1:1: error: missing required key 'description' in process flow",
        "f.json:1:10: error: 'code' must match the pattern ^[A-Z][A-Z0-9_]*$, found string \"a\"",
        "f.json:1:26: error: 'default' must be a boolean, found string \"yes\"",
        "f.json:1:59: error: missing required key 'displayName' in step",
        "f.json:1:59: error: missing required key 'name' in step",
        "f.json:1:59: error: missing required key 'resolvers' in step",
        "f.json:1:59: error: missing required key 'rules' in step",
        "f.json:1:72: error: 'sequence' must be at least 1, found 0",
        "f.json:1:77: error: unknown key 'extra' in process flow. Allowed keys: $schema, code, description, "
          + "lineOfBusiness, default, active, steps, calculation",
      ]
    ),
    (
      #"[1]"#,
      ["f.json:1:1: error: the file must be an object, found an array"]
    ),
  ])
  func reportsFlowSchemaViolations(text: String, expected: [String]) throws {
    let document = try JSONDocument(parsing: text)
    #expect(JSONSchema.flow.validate(document, file: "f.json").map(\.description) == expected)
  }

  @Test func reportsEnumValuesWithASuggestion() throws {
    let document = try JSONDocument(parsing: #"{"messages": [{"code": "M", "severity": "fatl", "text": "t"}]}"#)
    #expect(
      JSONSchema.rules.validate(document, file: "r.json").map(\.description) == [
        "r.json:1:41: error: 'severity' must be one of \"fatal\", \"informative\", found string \"fatl\"; "
          + "did you mean \"fatal\"?"
      ])
  }

  @Test func validatesPolicyEngineFieldsOnly() throws {
    let document = try JSONDocument(
      parsing: #"{"code": "P", "lineOfBusiness": "health", "brand": "b", "source": "batch", "anything": [1]}"#)
    #expect(
      JSONSchema.policy.validate(document, file: "p.json").map(\.description) == [
        "p.json:1:67: error: 'source' must be one of \"integration\", \"manual\", found string \"batch\""
      ])
  }

  @Test(arguments: [
    (#"{"v": 1}"#, []),
    (#"{"v": "x"}"#, []),
    (#"{"v": true}"#, ["/v: 'v' must be an integer, a string or null, found boolean true"]),
    (#"{"v": -1}"#, ["/v: 'v' must be at least 0, found -1"]),
    (#"{"v": null}"#, ["/v: 'v' matches more than one of its alternatives; make it match exactly one"]),
  ])
  func choosesBetweenAlternativesByType(text: String, expected: [String]) throws {
    let schema = try JSONSchema(
      parsing: #"""
        {"properties": {"v": {"oneOf": [{"$ref": "#/$defs/count"}, {"type": "string"}, {"type": "null"},
          {"const": null}]}},
         "$defs": {"count": {"type": "integer", "minimum": 0}}}
        """#)
    let violations = schema.violations(of: try JSON(parsing: text))
    #expect(violations.map { "\($0.pointer): \($0.message)" } == expected)
  }
}
