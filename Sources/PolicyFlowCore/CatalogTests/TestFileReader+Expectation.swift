extension TestFileReader {
  /// Reads an `expect` object and checks it against the catalog: codes it names must exist
  /// (a misspelt code would make a test that can never pass, or never fail), and so must the
  /// step. Findings are appended; the expectation is built from what is valid.
  mutating func expectation(_ reader: ObjectReader) -> TestExpectation {
    var expectation = TestExpectation()
    if let status = reader.located("status") {
      // The schema allows only these three; a cycle reaches no other status.
      let value = PolicyStatus(rawValue: status.value) ?? .edit
      expectation.status = .init(value, at: status.site.location)
    }
    if let step = reader.located("step") {
      let steps = Set(catalog.flows.values.flatMap { $0.steps.map(\.name) })
      if !steps.contains(step.value) {
        report(step.site, unknown: step.value, kind: "step", among: steps)
      }
      expectation.step = .init(step.value, at: step.site.location)
    }
    let messages = Set(catalog.messages.keys).union(CatalogTestLoader.engineMessageCodes)
    expectation.messages = codes(reader, "messages", among: messages, kind: "message")
    expectation.messagesExactly = reader.bool("messagesExactly") ?? false
    expectation.absentMessages = codes(reader, "absentMessages", among: messages, kind: "message")
    expectation.pendReasons = codes(reader, "pendReasons", among: Set(catalog.pendReasons.keys), kind: "pend reason")
    if expectation.messagesExactly, expectation.messages == nil {
      findings.append(
        Finding(
          file: reader.source.path, location: reader.site("messagesExactly").location,
          message: "'messagesExactly' needs 'messages', the list the attached messages must equal"))
    }
    if let derived = reader.child("derived") {
      for (path, value) in derived.object {
        if path.isEmpty || path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
          findings.append(
            Finding(
              file: reader.source.path, location: derived.keySite(path).location,
              message: "'\(path)' is not a dotted path; write field names separated by dots (derived.ageAtStart)"))
        }
        expectation.derived.append((path, .init(value, at: derived.site(path).location)))
      }
    }
    if reader.object["premium"] == .null {
      expectation.expectsNoPremium = .init(true, at: reader.site("premium").location)
    } else if let premium = reader.child("premium") {
      for (name, value) in premium.object where name != "lines" {
        expectation.premium.append((name, .init(value, at: premium.site(name).location)))
      }
      if let lines = premium.child("lines") {
        for (code, amount) in lines.object {
          expectation.premium.append(("lines.\(code)", .init(amount, at: lines.site(code).location)))
        }
      }
    }
    // A key unknown, or known with a value of the wrong kind, was named by the schema already; an
    // expectation of known keys that checks nothing (`"derived": {}`) is named here.
    if expectation.isEmpty, !reader.object.names.contains(where: { !Self.expectationKeyHolds($0, reader.object[$0]) }) {
      findings.append(
        Finding(
          file: reader.source.path, location: reader.site.location,
          message: "the expectation checks nothing; give at least one of status, step, messages, absentMessages, "
            + "pendReasons, derived or premium"))
    }
    return expectation
  }

  /// The codes of a list member, each checked against `known`.
  private mutating func codes(
    _ reader: ObjectReader, _ name: String, among known: Set<String>, kind: String
  ) -> TestExpectation.Member<[String]>? {
    guard let items = reader.strings(name) else { return nil }
    for item in items where !known.contains(item.value) {
      report(item.site, unknown: item.value, kind: kind, among: known)
    }
    return .init(items.map(\.value), at: reader.site(name).location)
  }

  /// An unknown code or step: the closest known one when there is one, else the list of them.
  private mutating func report(
    _ site: DefinitionLocation, unknown value: String, kind: String, among known: Set<String>
  ) {
    var message = "unknown \(kind) '\(value)' in the expectation"
    if let close = Suggestion.closest(to: value, among: known) {
      message += "; did you mean '\(close)'?"
    } else {
      let sorted = known.sorted()
      message += "; the catalog defines " + sorted.prefix(12).joined(separator: ", ") + (sorted.count > 12 ? ", …" : "")
    }
    findings.append(Finding(file: site.file, location: site.location, message: message))
  }

  /// Whether `key` is a key of an expectation with a value of its kind (what the test schema
  /// accepts), so that no finding was made of it already.
  private static func expectationKeyHolds(_ key: String, _ value: JSON?) -> Bool {
    switch (key, value) {
    case ("status", .string?), ("step", .string?), ("messagesExactly", .bool?): true
    case ("messages", .array?), ("absentMessages", .array?), ("pendReasons", .array?), ("derived", .object?): true
    case ("premium", .null?), ("premium", .object?): true
    default: false
    }
  }
}
