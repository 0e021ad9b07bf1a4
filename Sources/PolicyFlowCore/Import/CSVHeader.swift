/// The header row of a CSV import, turned into the shape of the policy each row builds.
///
/// A header names a field by its dotted path: `policyholder.country` builds a nested object,
/// `enrollments.0.role` an array element (a component of digits is an index). A suffix says
/// how the cells are read: `:json` for JSON values (`true`, `12.5`, `["a"]`), `:string` for
/// text that must never become a number; without one, ``CSVCellTyping`` decides.
struct CSVHeader {
  /// How one column's cells become JSON.
  enum Typing: Equatable {
    /// ``CSVCellTyping``: canonical Int64 integers become numbers, anything else stays text.
    case inferred
    /// Always text.
    case string
    /// A JSON value.
    case json
  }

  /// What a row builds: an object, an array (elements in index order) or one column's cell.
  indirect enum Node {
    case object([(key: JSONKey, node: Node)])
    case array([Node])
    case cell(column: Int, path: String, typing: Typing)
  }

  /// The policy's shape; always an object.
  let root: Node
  /// Problems with the header itself, each as (column name, sentence).
  let problems: [(name: String, sentence: String)]
  let columnCount: Int
  /// The dotted path each column fills, without its suffix.
  let paths: [String]

  /// Top-level fields that hold text whatever their cells look like: the policy schema's
  /// string fields and the engine's currency and date fields. A code such as `123456` stays
  /// the string the engine expects.
  static let textFields: Set<String> = {
    var fields = EngineFieldCheck.dateFields.union(["currency"])
    for (name, schema) in JSONSchema.policy.root[path: "properties"]?.objectValue ?? JSONObject() {
      if schema[path: "type"] == "string"
        || schema[path: "enum"]?.arrayValue?.allSatisfy({ $0.stringValue != nil }) == true
      {
        fields.insert(name)
      }
    }
    return fields
  }()

  /// The fields the engine reads at the top of a policy, for misspelt header columns and members:
  /// not the names it keeps for itself (`status`, `version`), which a record may not give at all,
  /// so that "did you mean 'status'?" was advice to write what is refused next (`Status` from a
  /// feed; review).
  static let engineFields: Set<String> = EngineFieldCheck.underivableFields.union(EngineFieldCheck.checkedFields)
    .subtracting(EngineFieldCheck.reservedFields.map(\.name))

  /// The engine field a top-level column name misspells, or nil: one that differs from it in case
  /// alone (`Source`, `startdate`), or a long one by one letter (`sumAsured`, `lineOfBusines`). A
  /// header is typed by a person, and such a near miss is a typo; a shorter name one letter off
  /// (`band`, `node`, `guid`) is as likely a field of its own, and is left alone.
  static func misspeltEngineField(_ name: String) -> String? {
    guard !engineFields.contains(name) else { return nil }
    if let field = engineFields.first(where: { $0.lowercased() == name.lowercased() }) { return field }
    guard name.count >= 8 else { return nil }
    return engineFields.first { Suggestion.editDistance(Array(name.lowercased()), Array($0.lowercased())) == 1 }
  }

  init(names: [String]) {
    let tree = Builder()
    var problems: [(String, String)] = []
    var paths: [String] = []
    var firstColumn: [String: Int] = [:]
    for (column, fullName) in names.enumerated() {
      // A column name is quoted back in findings: a long one as an excerpt.
      let name = fullName.utf8.count > Excerpt.length ? Excerpt.name(fullName) : fullName
      var path = Substring(fullName)
      var typing = Typing.inferred
      if path.hasSuffix(":json") {
        path = path.dropLast(5)
        typing = .json
      } else if path.hasSuffix(":string") {
        path = path.dropLast(7)
        typing = .string
      }
      let pathText = String(path)
      paths.append(pathText)
      let components = path.split(separator: ".", omittingEmptySubsequences: false)
      // Empty columns (a spreadsheet leaves them at the end) are each named as such below, not as
      // a name given twice: ": appears twice" named no field (operator trial).
      if !pathText.isEmpty, let first = firstColumn[pathText] {
        problems.append(
          (name, "appears twice in the header (columns \(first + 1) and \(column + 1)); name each field once"))
        continue
      }
      firstColumn[pathText] = column
      // Each level is a level of nesting in the policy (whose root is one), built recursively.
      if components.count > PolicyImport.maximumDepth {
        problems.append(
          (name, "has \(components.count) levels; a field path has at most \(PolicyImport.maximumDepth)"))
        continue
      }
      // White space at either end of a level (`policyholder.name ` from a spreadsheet) made a
      // member named with it, beside the one meant, and the import went through.
      if let spaced = components.first(where: { $0.first?.isWhitespace == true || $0.last?.isWhitespace == true }) {
        problems.append(
          (
            name,
            "has white space around '\(String(spaced.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()))'; a field's name has none (the "
              + "policy would get a member named with the spaces beside the one meant): remove it"
          ))
        continue
      }
      if components.contains(where: \.isEmpty) {
        problems.append(
          (
            fullName.isEmpty ? "column \(column + 1)" : name,
            "is not a field path; name the field, with dots between levels (policyholder.country)"
          ))
        continue
      }
      if let field = Self.misspeltEngineField(String(components[0])) {
        problems.append(
          (
            name,
            "names '\(components[0])', which is not a field the engine reads but is close to '\(field)', which it "
              + "does: did you mean '\(field)'? (the policy would be imported without it, and could not be imported "
              + "again to mend it)"
          ))
        continue
      }
      if typing == .inferred, components.count == 1, Self.textFields.contains(pathText) { typing = .string }
      if let conflict = tree.insert(components[...], column: column, path: pathText, typing: typing) {
        problems.append((name, conflict))
      }
    }
    problems += tree.gaps()
    self.root = tree.freeze()
    self.problems = problems
    self.columnCount = names.count
    self.paths = paths
  }

  /// The mutable tree the header is assembled in before it is frozen into ``Node``s.
  private final class Builder {
    var cell: (column: Int, path: String, typing: Typing)?
    var members: [(name: Substring, node: Builder)] = []
    /// Where each member is in ``members``: a header of many columns under one parent would
    /// otherwise search the members once per column.
    var memberIndex: [Substring: Int] = [:]
    var isArray = false
    var path = ""

    /// Adds one column; returns a sentence when it clashes with an earlier one.
    func insert(_ components: ArraySlice<Substring>, column: Int, path: String, typing: Typing) -> String? {
      guard let first = components.first else {
        if cell != nil || !members.isEmpty {
          return "clashes with another column under '\(self.path)'; a field is either a value or has fields of its own"
        }
        cell = (column, path, typing)
        return nil
      }
      if let cell { return "clashes with column '\(cell.path)', which holds a value, not fields" }
      let isIndex = self.path.isEmpty ? false : first.allSatisfy { $0 >= "0" && $0 <= "9" }
      if isIndex, (first.count > 1 && first.first == "0") || first.count > 6 {
        return "has the array index \(Excerpt.name(first)); write indexes from 0 to 999999 without leading zeros"
      }
      if members.isEmpty {
        isArray = isIndex
      } else if isArray != isIndex {
        return "mixes array indexes and field names under '\(self.path)'; use one or the other"
      }
      let child: Builder
      if let existing = memberIndex[first] {
        child = members[existing].node
      } else {
        child = Builder()
        child.path = self.path.isEmpty ? String(first) : "\(self.path).\(first)"
        memberIndex[first] = members.count
        members.append((first, child))
      }
      return child.insert(components.dropFirst(), column: column, path: path, typing: typing)
    }

    /// An array whose items are not numbered 0, 1, 2… without a gap: its items would move up to
    /// fill the gap, into indexes the header does not name.
    func gaps() -> [(String, String)] {
      var found: [(String, String)] = []
      if isArray {
        let indexes = Set(members.compactMap { Int($0.name) })
        if let missing = (0..<indexes.count).first(where: { !indexes.contains($0) }) {
          let highest = indexes.max() ?? 0
          found.append(
            (
              "\(path).\(highest)",
              "numbers the items of '\(path)' up to \(highest) with no column for item \(missing); number them from 0 "
                + "without gaps"
            ))
        }
      }
      return found + members.flatMap { $0.node.gaps() }
    }

    func freeze() -> Node {
      if let cell { return .cell(column: cell.column, path: cell.path, typing: cell.typing) }
      if isArray {
        return .array(members.sorted { Int($0.name)! < Int($1.name)! }.map { $0.node.freeze() })
      }
      return .object(members.map { (JSONKey(String($0.name)), $0.node.freeze()) })
    }
  }
}
