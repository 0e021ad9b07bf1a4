extension CatalogDiff.Change {
  /// `rules/underwriting.json:120:7: changed pend rule SUM_ASSURED_ABOVE_LIMIT: condition`, the
  /// form editors and CI logs link to; a step whose rules changed names them
  /// (`rules (+UNDERWRITER_REFERRAL, -SENIOR_APPLICANT, AGE_RANGE 10→60)`).
  public var description: String {
    var line = "\(site): \(change.rawValue) \(kind.noun) \(name)"
    if !members.isEmpty {
      line +=
        ": "
        + members.map { member in
          let moved =
            rulesAdded.map { "+\($0)" } + rulesRemoved.map { "-\($0)" }
            + rulesResequenced.map { "\($0.rule) \($0.from)→\($0.to)" }
          return member == "rules" && !moved.isEmpty ? "rules (\(moved.joined(separator: ", ")))" : member
        }.joined(separator: ", ")
    }
    return line
  }

  /// The change for scripts: `change`, `kind`, `name`, `file`, `line`, `column`, `members`,
  /// and for a step `rulesAdded`, `rulesRemoved` and `rulesResequenced` (each `rule`, `from`, `to`).
  public var json: JSON {
    var object: JSON = [
      "change": .string(change.rawValue), "kind": .string(kind.rawValue), "name": .string(name),
      "file": .string(site.file), "line": .int(site.location.line), "column": .int(site.location.column),
      "members": .array(members.map(JSON.string)),
    ]
    if kind == .step {
      object.set(path: "rulesAdded", to: .array(rulesAdded.map(JSON.string)))
      object.set(path: "rulesRemoved", to: .array(rulesRemoved.map(JSON.string)))
      object.set(
        path: "rulesResequenced",
        to: .array(
          rulesResequenced.map { ["rule": .string($0.rule), "from": .int($0.from), "to": .int($0.to)] as JSON }))
    }
    return object
  }
}

extension CatalogDiff {
  /// `1 added, 0 removed, 2 changed`.
  public var summary: String {
    let count = { (kind: Change.Kind) in self.changes.filter { $0.change == kind }.count }
    return "\(count(.added)) added, \(count(.removed)) removed, \(count(.changed)) changed"
  }
}
