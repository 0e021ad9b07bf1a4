import PolicyFlowCore
import Testing

/// Limits of authority per role, and the catalog checks around resolutions that depend on data.
struct AuthorityTests {
  /// The valid fixture's two files, with `change` applied to their text.
  func load(flow change: (String) -> String = { $0 }, rules: (String) -> String = { $0 }) throws -> CatalogLoadResult {
    let directory = "Tests/PolicyFlowCoreTests/Fixtures/catalogs/valid"
    return CatalogLoader.load(files: [
      CatalogFile(path: "flows/main.json", contents: change(try CatalogTestPaths.read(directory + "/flows/main.json"))),
      CatalogFile(
        path: "rules/rules.json", contents: rules(try CatalogTestPaths.read(directory + "/rules/rules.json"))),
    ])
  }

  /// Every sum assured, however large, has a role of the shipped catalog's underwriting step
  /// whose authority covers it: no pend is left that nobody may resolve.
  @Test(arguments: [0, 1, 50_000_001, 200_000_000, 200_000_001, 1_000_000_000_000, Int.max / 4])
  func everyAmountHasSomeoneWhoMayResolveIt(sumAssured: Int) throws {
    let catalog = try #require(CatalogLoader.load(directory: CatalogTestPaths.packageRoot).catalog)
    let data: JSON = ["sumAssured": .int(sumAssured)]
    for flow in catalog.flows.values {
      for step in flow.steps {
        let mayResolve = try step.resolvers.roles.filter { role in
          try step.resolvers.authority(of: role)?.isTrue(for: data) ?? true
        }
        #expect(!mayResolve.isEmpty, "nobody may resolve a pend of step \(step.name) at sum \(sumAssured)")
      }
    }
    let underwriting = try #require(catalog.flows["INDIVIDUAL_HEALTH"]?.steps.last?.resolvers)
    #expect(try underwriting.authority(of: "underwriter")!.isTrue(for: data) == (sumAssured <= 200_000_000))
    #expect(try underwriting.authority(of: "senior-underwriter")!.isTrue(for: data))
  }

  @Test func aRoleGivenItsOwnLimitMustBeOneOfTheStepsRoles() throws {
    let result = try load(flow: {
      $0.replacingOccurrences(
        of: #""resolvers": { "roles": ["administrator"] }"#,
        with: #""resolvers": { "roles": ["administrator"], "authorityByRole": { "adminstrator": true } }"#)
    })
    #expect(result.catalog == nil)
    #expect(
      result.findings.errors.map(\.message) == [
        "authorityByRole names role 'adminstrator', which is not one of the step's roles (administrator); "
          + "did you mean 'administrator'?"
      ])
  }

  @Test func warnsAboutADataDependentReasonThatNeverReattaches() throws {
    let neverReattaches = { (text: String) in
      text.replacingOccurrences(of: #""reattach": true"#, with: #""reattach": false"#)
    }
    let result = try load(rules: neverReattaches)
    #expect(result.catalog != nil, "a warning, not an error")
    #expect(
      result.findings.map(\.description) == [
        #"flows/main.json:14:35: warning: pend rule 'HIGH_SUM' depends on the policy data (its condition, or the "#
          + #"messages it waits for, read it), but its pend reason 'REVIEW' says "reattach": false: once resolved it "#
          + #"never fires again on this policy, even after an edit changes that data; set "reattach": true, or give "#
          + #"the step an authority limit"#
      ])
    // In a step that limits authority, the resolution is checked again anyway: no warning.
    let limited = try load(
      flow: {
        $0.replacingOccurrences(
          of: #""resolvers": { "roles": ["administrator"] }"#,
          with: #""resolvers": { "roles": ["administrator"], "authority": { "<": [{ "var": "sumAssured" }, 1000] } }"#)
      }, rules: neverReattaches)
    #expect(limited.catalog != nil)
    #expect(!limited.findings.contains { $0.message.contains("reattach") }, "\(limited.findings)")
  }

  /// A step whose every role has a limit leaves a policy beyond all of them with no one who may
  /// resolve or decline its pend: it stayed Pended for good (rule author trial). One role with no
  /// limit (true) is someone for every amount.
  @Test func warnsWhenEveryRoleOfAStepHasALimit() throws {
    let limited = try load(flow: {
      $0.replacingOccurrences(
        of: #""resolvers": { "roles": ["administrator"] }"#,
        with: #""resolvers": { "roles": ["administrator", "junior"], "authorityByRole": { "administrator": "#
          + #"{ "<": [{ "var": "sumAssured" }, 1000] }, "junior": false } }"#)
    })
    #expect(limited.catalog != nil, "a warning, not an error")
    #expect(
      limited.findings.map(\.message) == [
        "every role of step 'checks' (administrator, junior) has a limit of authority: a pend on a policy beyond all "
          + "of them can be resolved by no one, nor declined; give one role no limit (true), as a senior underwriter has"
      ])
    let someone = try load(flow: {
      $0.replacingOccurrences(
        of: #""resolvers": { "roles": ["administrator"] }"#,
        with: #""resolvers": { "roles": ["administrator", "junior"], "authorityByRole": { "administrator": true, "#
          + #""junior": { "<": [{ "var": "sumAssured" }, 1000] } } }"#)
    })
    #expect(someone.findings.isEmpty, "\(someone.findings)")
  }

  @Test func warnsAboutARoleLeftWithoutALimit() throws {
    let result = try load(flow: {
      $0.replacingOccurrences(
        of: #""resolvers": { "roles": ["administrator"] }"#,
        with: #""resolvers": { "roles": ["administrator", "junior"], "authorityByRole": { "administrator": true } }"#)
    })
    #expect(result.catalog != nil)
    #expect(
      result.findings.map(\.message) == [
        "role 'junior' of step 'checks' has no limit of authority: authorityByRole names other roles and the step "
          + "gives no 'authority', so it may resolve any amount; give it a limit, or true to say it has none"
      ])
  }

  /// A pend rule that waits for a message attached on what the data says depends on the data too.
  @Test func warnsAboutAMessageDrivenReasonThatNeverReattaches() throws {
    let catalog = try CatalogTestPaths.read("rules/group.json")
    #expect(catalog.contains(#""GROUP_SETUP_REVIEW""#))
    let result = CatalogLoader.load(directory: CatalogTestPaths.packageRoot)
    #expect(result.findings.isEmpty, "the shipped catalog reattaches GROUP_SETUP_REVIEW: \(result.findings)")
    var files = try #require(result.catalog?.files)
    for index in files.indices where files[index].path == "rules/group.json" {
      files[index].contents = files[index].contents.replacingOccurrences(
        of: #""reattach": true"#, with: #""reattach": false"#)
    }
    let changed = CatalogLoader.load(files: files)
    #expect(changed.findings.map(\.message).contains { $0.hasPrefix("pend rule 'GROUP_SETUP_REFERRAL' depends on") })
  }
}
