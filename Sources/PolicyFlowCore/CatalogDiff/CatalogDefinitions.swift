/// Reads the definitions of a loaded catalog from its files, for ``CatalogDiff``.
enum CatalogDefinitions {
  /// Every definition of `catalog`, by ``CatalogDefinition/key``; sites are reported under
  /// `directory`, as findings are.
  static func of(_ catalog: Catalog, directory: String) -> [String: CatalogDefinition] {
    var definitions: [String: CatalogDefinition] = [:]
    for file in catalog.files {
      // A loaded catalog's files parsed once already; a file that does not parse now has changed
      // underneath, and holds nothing to compare.
      guard let document = try? JSONDocument(parsing: file.contents) else { continue }
      let source = SourceDocument(path: CatalogLoader.displayPath(directory, file.path), document: document)
      guard let root = ObjectReader(source, document.root, at: "") else { continue }
      let found = file.path.hasPrefix("flows/") ? flowDefinitions(root) : ruleDefinitions(root)
      for definition in found { definitions[definition.key] = definition }
    }
    return definitions
  }

  private static func flowDefinitions(_ root: ObjectReader) -> [CatalogDefinition] {
    guard let code = root.string("code") else { return [] }
    var found = [definition(.flow, code, root, leaving: ["$schema", "steps", "calculation"])]
    for step in root.objects("steps") {
      guard let name = step.string("name") else { continue }
      found.append(definition(.step, "\(code) \(name)", step, leaving: []))
    }
    // Each line of money is a definition of its own: "calculation" alone did not say which line
    // changed, nor that a line was added or removed.
    if let calculation = root.child("calculation") {
      var settings = definition(.calculation, code, calculation, leaving: ["lines"])
      let cancellation = calculation.child("cancellation")
      if let cancellation {
        var members = definition(.calculation, code, cancellation, leaving: ["lines"]).members
        members = Dictionary(uniqueKeysWithValues: members.map { ("cancellation.\($0.key)", $0.value) })
        settings.members.removeValue(forKey: "cancellation")
        settings.members.merge(members) { _, new in new }
      }
      found.append(settings)
      for (kind, owner) in [(CatalogDefinition.Kind.premiumLine, calculation), (.cancellationLine, cancellation)] {
        for line in owner?.objects("lines") ?? [] {
          guard let lineCode = line.string("code") else { continue }
          found.append(definition(kind, "\(code) \(lineCode)", line, leaving: []))
        }
      }
    }
    return found
  }

  private static func ruleDefinitions(_ root: ObjectReader) -> [CatalogDefinition] {
    let sections: [(String, CatalogDefinition.Kind)] = [
      ("messages", .message), ("messageGroups", .messageGroup), ("pendReasons", .pendReason),
      ("validationRules", .validationRule), ("pendRules", .pendRule),
    ]
    return sections.flatMap { section, kind in
      root.objects(section).compactMap { item in
        item.string("code").map { definition(kind, $0, item, leaving: []) }
      }
    }
  }

  private static func definition(
    _ kind: CatalogDefinition.Kind, _ name: String, _ reader: ObjectReader, leaving excluded: Set<String>
  ) -> CatalogDefinition {
    var members: [String: String] = [:]
    for (member, value) in reader.object where !excluded.contains(member) {
      members[member] = value.canonicalText
    }
    return CatalogDefinition(kind: kind, name: name, members: members, site: reader.site)
  }
}
