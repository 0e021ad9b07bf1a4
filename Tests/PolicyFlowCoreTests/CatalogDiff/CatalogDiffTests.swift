import Testing

@testable import PolicyFlowCore

struct CatalogDiffTests {
  static let shipped = CatalogTestFixture.catalog

  /// The shipped catalog with `edit` applied to the text of the file at `path`.
  static func edited(_ path: String, _ edit: (String) -> String) throws -> Catalog {
    let files = shipped.files.map { $0.path == path ? CatalogFile(path: path, contents: edit($0.contents)) : $0 }
    let result = CatalogLoader.load(files: files, directory: "new")
    return try #require(result.catalog, "\(result.findings)")
  }

  @Test func aCatalogDoesNotDifferFromItselfNorFromAReformattedCopy() throws {
    #expect(CatalogDiff(from: Self.shipped, in: "old", to: Self.shipped, in: "new").changes.isEmpty)
    let reformatted = try Self.edited("rules/underwriting.json") {
      $0.replacingOccurrences(of: "\n      ", with: "\n ")
        .replacingOccurrences(of: #""reattach": false,"#, with: #""reattach" :false ,"#)
    }
    #expect(reformatted.hash != Self.shipped.hash)
    #expect(CatalogDiff(from: Self.shipped, in: "old", to: reformatted, in: "new").changes.isEmpty)
  }

  @Test func aChangedConditionIsReportedAtTheRuleInTheNewCatalog() throws {
    let new = try Self.edited("rules/underwriting.json") {
      $0.replacingOccurrences(
        of: #"{ ">": [{ "var": "sumAssured" }, 50000000] }"#, with: #"{ ">": [{ "var": "sumAssured" }, 60000000] }"#)
    }
    let changes = CatalogDiff(from: Self.shipped, in: "old", to: new, in: "new").changes
    #expect(
      changes.map(\.description) == [
        "new/rules/underwriting.json:102:5: changed pend rule SUM_ASSURED_ABOVE_LIMIT: condition"
      ])
  }

  /// Each line of money is a definition: a flow's diff said only "calculation" changed, not
  /// which line, nor that one was added; the calculation's own settings are listed apart.
  @Test func premiumAndCancellationLinesAreEachADefinition() throws {
    let new = try Self.edited("flows/individual-health.json") {
      $0.replacingOccurrences(
        of: #"{ "code": "POLICY_FEE", "description": "Policy fee", "amount": 2500, "refundable": false },"#,
        with: #"{ "code": "POLICY_FEE", "description": "Policy fee", "amount": 3000, "refundable": false }, "#
          + #"{ "code": "LEVY", "description": "Levy", "amount": 100 },"#
      )
      .replacingOccurrences(of: #""calculateOnCancellation": true,"#, with: #""calculateOnCancellation": false,"#)
      .replacingOccurrences(
        of: #"{ "<=": [{ "var": "cancellation.daysCovered" }, 14] }, 0,"#,
        with: #"{ "<=": [{ "var": "cancellation.daysCovered" }, 30] }, 0,"#)
    }
    let changes = CatalogDiff(from: Self.shipped, in: "old", to: new, in: "new").changes
    #expect(
      changes.map { "\($0.change.rawValue) \($0.kind.noun) \($0.name) \($0.members)" } == [
        "changed calculation INDIVIDUAL_HEALTH [\"calculateOnCancellation\"]",
        "added premium line INDIVIDUAL_HEALTH LEVY []",
        "changed premium line INDIVIDUAL_HEALTH POLICY_FEE [\"amount\"]",
        "changed cancellation line INDIVIDUAL_HEALTH CANCELLATION_FEE [\"amount\"]",
      ])
    #expect(changes.map(\.site.location.line) == [50, 104, 104, 114])
    #expect(changes.map { $0.json[path: "kind"] } == ["calculation", "premiumLine", "premiumLine", "cancellationLine"])
  }

  /// Running a step's rules in another order can change which fires first: the rules moved are
  /// named with their sequences (the diff said only "rules", with none added or removed).
  @Test func rulesRunInAnotherOrderAreNamedWithTheirSequences() throws {
    let flow = try Self.edited("flows/individual-health.json") {
      $0.replacingOccurrences(
        of: #"{ "sequence": 10, "rule": "POLICYHOLDER_AGE_OUT_OF_RANGE" }"#,
        with: #"{ "sequence": 65, "rule": "POLICYHOLDER_AGE_OUT_OF_RANGE" }"#)
    }
    let changes = CatalogDiff(from: Self.shipped, in: "old", to: flow, in: "new").changes
    #expect(
      changes.map(\.description) == [
        "new/flows/individual-health.json:28:5: changed step INDIVIDUAL_HEALTH underwriting: "
          + "rules (POLICYHOLDER_AGE_OUT_OF_RANGE 10→65)"
      ])
    #expect(
      changes.first?.json[path: "rulesResequenced"] == [
        ["rule": "POLICYHOLDER_AGE_OUT_OF_RANGE", "from": 10, "to": 65]
      ])
    #expect(changes.first?.json[path: "rulesAdded"] == [])
  }

  @Test func addedRemovedAndMovedDefinitionsAreEachListedInKindOrder() throws {
    let flow = try Self.edited("flows/individual-health.json") {
      $0.replacingOccurrences(of: #"        { "sequence": 60, "rule": "UNDERWRITER_REFERRAL" }"#, with: "")
        .replacingOccurrences(
          of: #"{ "sequence": 50, "rule": "SUM_ASSURED_ABOVE_LIMIT" },"#,
          with: #"{ "sequence": 50, "rule": "SUM_ASSURED_ABOVE_LIMIT" }"#
        )
        .replacingOccurrences(of: #""displayName": "Underwriting review""#, with: #""displayName": "Underwriting""#)
    }
    let changes = CatalogDiff(from: Self.shipped, in: "old", to: flow, in: "new").changes
    #expect(
      changes.map(\.description) == [
        "new/flows/individual-health.json:28:5: changed step INDIVIDUAL_HEALTH underwriting: displayName, "
          + "rules (-UNDERWRITER_REFERRAL)"
      ])
    #expect(changes.first?.json[path: "rulesRemoved"] == ["UNDERWRITER_REFERRAL"])

    let renamed = try Self.edited("rules/group.json") {
      $0.replacingOccurrences(of: "MSG_LARGE_GROUP", with: "MSG_BIG_GROUP")
    }
    let diff = CatalogDiff(from: Self.shipped, in: "old", to: renamed, in: "new")
    #expect(
      diff.changes.map { "\($0.change.rawValue) \($0.kind.noun) \($0.name) \($0.members)" } == [
        "changed validation rule LARGE_GROUP [\"message\"]",
        "added message MSG_BIG_GROUP []",
        "removed message MSG_LARGE_GROUP []",
        "changed message group GROUP_SETUP_REVIEW_MESSAGES [\"messages\"]",
      ])
    #expect(diff.changes[2].site.file == "old/rules/group.json")
    #expect(diff.summary == "1 added, 1 removed, 2 changed")
  }

  @Test func canonicalTextSortsMembersAtEveryLevel() throws {
    let a = try JSON(parsing: #"{"b": [1, {"d": 1, "c": 2}], "a": null}"#)
    #expect(a.canonicalText == #"{"a":null,"b":[1,{"c":2,"d":1}]}"#)
  }
}
