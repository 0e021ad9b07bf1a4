import Foundation

/// Reads test files one by one for ``CatalogTestLoader``, collecting tests and findings.
struct TestFileReader {
  let catalog: Catalog
  let now: Timestamp
  var tests: [CatalogTest] = []
  var findings: [Finding] = []
  /// Policy files read so far, by path: tables often share one.
  private var policies: [String: JSON?] = [:]

  init(catalog: Catalog, now: Timestamp) {
    self.catalog = catalog
    self.now = now
  }

  mutating func read(_ file: String) {
    let firstOfFile = findings.count
    guard let text = CatalogTestLoader.text(of: file, findings: &findings),
      let document = CatalogTestLoader.document(text, file: file, findings: &findings)
    else { return }
    // A file with an unknown key is still read for its other problems, each named at once, as a
    // catalog file is; its tests are not run.
    findings += JSONSchema.test.validate(document, file: file)
    guard let root = ObjectReader(SourceDocument(path: file, document: document), document.root, at: "") else {
      return
    }
    var built: [CatalogTest] = []
    let base = policy(root)
    let at = time(root, default: now)
    switch (root.child("expect"), root.object["cases"]) {
    case (nil, nil) where root.object["expect"] != nil:
      break  // not an object: named by the schema
    case (nil, nil):
      findings.append(finding(root.site, "a test needs 'expect' (one test) or 'cases' (a table of them)"))
    case (.some, .some):
      findings.append(
        finding(root.keySite("cases"), "give either 'expect' (one test) or 'cases' (a table), not both"))
    case (let expect?, nil):
      let expectation = self.expectation(expect)
      if let base, let at {
        built.append(
          CatalogTest(
            file: file, caseName: nil, location: expect.site.location, policy: base, at: at, expectation: expectation))
      }
    case (nil, .some):
      var names = Set<String>()
      for item in root.objects("cases") {
        guard let name = item.string("name") else { continue }
        if !names.insert(name).inserted {
          findings.append(finding(item.site("name"), "two cases are named '\(name)'; give each case its own name"))
        }
        let expectation = item.child("expect").map { self.expectation($0) } ?? TestExpectation()
        let caseTime = at.flatMap { time(item, default: $0) }
        if let policy = base.flatMap({ changed($0, by: item) }), let caseTime {
          built.append(
            CatalogTest(
              file: file, caseName: name, location: item.site.location, policy: policy, at: caseTime,
              expectation: expectation))
        }
      }
    }
    if Array(findings[firstOfFile...]).errors.isEmpty { tests += built }
  }

  private func finding(_ site: DefinitionLocation, _ message: String) -> Finding {
    Finding(file: site.file, location: site.location, message: message)
  }

  /// The policy the test names, inline or in a file relative to the test; nil after a finding.
  private mutating func policy(_ root: ObjectReader) -> JSON? {
    if case .object = root.object["policy"] { return root.object["policy"] }
    guard let relative = root.located("policy") else { return nil }
    let directory = (root.source.path as NSString).deletingLastPathComponent
    let path =
      relative.value.hasPrefix("/")
      ? relative.value : CatalogLoader.displayPath(directory.isEmpty ? "." : directory, relative.value)
    if let known = policies[path] {
      if known == nil { findings.append(finding(relative.site, "the policy file '\(path)' could not be used")) }
      return known
    }
    var loaded: JSON?
    if !FileManager.default.fileExists(atPath: path) {
      findings.append(
        finding(
          relative.site, "no policy file '\(path)'; name a .json file relative to this test, or write the policy here"))
    } else {
      if let text = CatalogTestLoader.text(of: path, findings: &findings),
        let value = CatalogTestLoader.document(text, file: path, findings: &findings)?.root
      {
        if case .object = value {
          loaded = value
        } else {
          findings.append(
            Finding(
              file: path, location: SourceLocation(line: 1, column: 1),
              message: "a policy file for a test holds one policy, a JSON object; found \(value.typeName)"))
        }
      }
    }
    policies[path] = .some(loaded)
    return loaded
  }

  /// The reference time written in `reader`'s `at`, else `fallback`; nil after a finding.
  private mutating func time(_ reader: ObjectReader, default fallback: Timestamp) -> Timestamp? {
    guard let text = reader.located("at") else { return fallback }
    guard let time = Timestamp(iso8601: text.value) else {
      findings.append(
        finding(
          text.site,
          "'at' must be an ISO 8601 date (2026-11-22) or date-time with an offset (2026-11-22T09:00:00+01:00), "
            + "found \"\(text.value)\""))
      return nil
    }
    return time
  }

  /// `base` with a case's `set` and `remove` applied; nil after a finding.
  private mutating func changed(_ base: JSON, by item: ObjectReader) -> JSON? {
    var policy = base
    var failed = false
    for (path, value) in item.child("set")?.object ?? JSONObject() {
      let field = String(path.prefix { $0 != "." })
      if let reserved = EngineFieldCheck.reservedFields.first(where: { $0.name == field }) {
        // No document holds them; a value an import would refuse elsewhere may be set on purpose,
        // to test the rules that guard against it.
        findings.append(
          finding(item.child("set")!.keySite(path), "cannot set '\(path)': '\(field)' \(reserved.sentence)"))
        failed = true
        continue
      }
      if let problem = TestPolicyChanges.set(path, to: value, in: &policy) {
        findings.append(finding(item.child("set")!.keySite(path), "cannot set '\(path)': \(problem)"))
        failed = true
      }
    }
    for path in item.strings("remove") ?? [] {
      if let problem = TestPolicyChanges.remove(path.value, from: &policy) {
        findings.append(finding(path.site, "cannot remove '\(path.value)': \(problem)"))
        failed = true
      }
    }
    return failed ? nil : policy
  }
}
