import Foundation

/// Reads a catalog directory (`flows/*.json`, `rules/*.json`), validates every file against its
/// published schema and the catalog as a whole, and resolves every reference.
///
/// Loading never stops at the first problem: each finding points at the offending JSON value
/// (or key) with a plain sentence, so an analyst fixes everything in one pass. Only `.json` files
/// directly inside `flows/` and `rules/` are read; a file beside them that looks meant for the
/// catalog (`smoker.josn`, `rules.JSON`) is named in a warning, anything else is ignored.
public enum CatalogLoader {
  /// Loads the catalog under `directory`. Finding paths are `directory` joined with the file's
  /// relative path, without a leading `./` (`flows/x.json` when `directory` is `.`).
  public static func load(directory: String) -> CatalogLoadResult {
    var findings: [Finding] = []
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      let finding = Finding(
        file: displayPath(directory, ""), location: SourceLocation(line: 1, column: 1),
        message: "catalog directory '\(directory)' does not exist or is not a directory")
      return CatalogLoadResult(catalog: nil, findings: [finding])
    }
    var files: [CatalogFile] = []
    for folder in ["flows", "rules"] {
      files += readFolder(folder, in: directory, findings: &findings)
    }
    let loaded = load(files: files, directory: directory)
    findings += loaded.findings
    return CatalogLoadResult(catalog: findings.errors.isEmpty ? loaded.catalog : nil, findings: findings.sorted())
  }

  /// Loads a catalog from files already read (`flows/…` and `rules/…` relative paths), reporting
  /// paths under `directory`. Used for snapshots stored with a policy (`isStored`: the checks
  /// added since a snapshot may have been stored are warnings, ``CatalogAssembler/isStored``).
  public static func load(files: [CatalogFile], directory: String = ".", isStored: Bool = false)
    -> CatalogLoadResult
  {
    let files = files.sorted { $0.path < $1.path }
    var assembler = CatalogAssembler()
    assembler.isStored = isStored
    for file in files {
      let path = displayPath(directory, file.path)
      let document: JSONDocument
      do {
        document = try JSONDocument(parsing: file.contents)
      } catch {
        assembler.findings.append(Finding(file: path, location: error.location, message: error.message))
        assembler.hasUnreadableFile = true
        continue
      }
      let source = SourceDocument(path: path, document: document)
      if file.path.hasPrefix("flows/") {
        assembler.findings += JSONSchema.flow.validate(document, file: path)
        assembler.collectFlow(source)
      } else {
        assembler.findings += JSONSchema.rules.validate(document, file: path)
        assembler.collectRules(source)
      }
    }
    let catalog = assembler.assemble(hash: contentHash(files), files: files)
    if let catalog, !isStored { assembler.findings += CatalogRuleOrder.findings(for: catalog) }
    return CatalogLoadResult(catalog: catalog, findings: assembler.findings.sorted())
  }

  /// `sha256:` + hex SHA-256 over the files sorted by path, each fed as its relative path, a
  /// newline, the UTF-8 byte count of its contents, a newline, then the contents. Lengths keep
  /// two different file sets from ever feeding the same bytes.
  public static func contentHash(_ files: [CatalogFile]) -> String {
    var hasher = SHA256()
    for file in files.sorted(by: { $0.path < $1.path }) {
      hasher.update("\(file.path)\n\(file.contents.utf8.count)\n")
      hasher.update(file.contents)
    }
    return "sha256:" + SHA256.hex(hasher.finalize())
  }

  /// `directory` joined with `relative`, dropping `./` so paths read as the user typed them.
  public static func displayPath(_ directory: String, _ relative: String) -> String {
    var base = directory
    while base.hasPrefix("./") { base.removeFirst(2) }
    while base.count > 1, base.hasSuffix("/") { base.removeLast() }
    if base == "." || base.isEmpty { return relative.isEmpty ? "." : relative }
    if relative.isEmpty { return base }
    return base == "/" ? "/\(relative)" : "\(base)/\(relative)"
  }

  /// Whether a file the catalog does not read looks like one meant for it (`smoker.josn`,
  /// `rules.JSON`, `rules.json.bak`), so that leaving it out is said; notes and other documents
  /// beside the definitions are left alone.
  static func looksMeantAsJSON(_ name: String) -> Bool {
    guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
    let lowered = name.lowercased()
    if lowered.hasSuffix(".json") || lowered.contains(".json.") || lowered.contains(".json~") { return true }
    let fileExtension = Array(lowered[lowered.index(after: dot)...])
    return (3...5).contains(fileExtension.count) && Suggestion.editDistance(fileExtension, Array("json")) <= 2
  }

  private static func readFolder(_ folder: String, in directory: String, findings: inout [Finding]) -> [CatalogFile] {
    let folderPath = displayPath(directory, folder)
    let fullPath = directory.hasSuffix("/") ? directory + folder : directory + "/" + folder
    let start = SourceLocation(line: 1, column: 1)
    let kind = folder == "flows" ? "process flow" : "rule"
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: fullPath) else {
      findings.append(
        Finding(
          file: folderPath, location: start,
          message: "missing directory '\(folder)/'; a catalog needs at least one \(kind) file in \(folder)/*.json"))
      return []
    }
    var files: [CatalogFile] = []
    for name in names.sorted() where !name.hasSuffix(".json") && looksMeantAsJSON(name) {
      findings.append(
        Finding(
          file: "\(folderPath)/\(name)", location: start, severity: .warning,
          message: "not read: the catalog reads only files ending in '.json' from \(folder)/; rename it to end in "
            + "'.json' if it belongs to the catalog"))
    }
    for name in names.sorted() where name.hasSuffix(".json") {
      var isDirectory: ObjCBool = false
      let filePath = fullPath + "/" + name
      guard FileManager.default.fileExists(atPath: filePath, isDirectory: &isDirectory), !isDirectory.boolValue
      else { continue }
      guard let data = FileManager.default.contents(atPath: filePath) else {
        findings.append(Finding(file: "\(folderPath)/\(name)", location: start, message: "cannot read the file"))
        continue
      }
      guard let contents = String(validating: Array(data), as: UTF8.self) else {
        let (location, byte) = UTF8Text.firstInvalidByte(in: data) ?? (start, 0)
        findings.append(Finding(file: "\(folderPath)/\(name)", location: location, message: UTF8Text.problem(byte)))
        continue
      }
      files.append(CatalogFile(path: "\(folder)/\(name)", contents: contents))
    }
    if files.isEmpty && names.allSatisfy({ !$0.hasSuffix(".json") }) {
      findings.append(
        Finding(
          file: folderPath, location: start,
          message: "no .json files in '\(folder)/'; a catalog needs at least one \(kind) file"))
    }
    return files
  }
}
