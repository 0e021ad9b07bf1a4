import Testing

@testable import PolicyFlowCore

struct ShippedCatalogTests {
  let result = CatalogLoader.load(directory: CatalogTestPaths.packageRoot)

  @Test func loadsWithoutFindings() throws {
    #expect(CatalogTestPaths.describe(result.findings, under: CatalogTestPaths.packageRoot) == [])
    let catalog = try #require(result.catalog)
    #expect(catalog.hash.hasPrefix("sha256:") && catalog.hash.count == 71)
    #expect(
      catalog.files.map(\.path) == [
        "flows/employer-group.json", "flows/individual-health.json", "rules/group.json", "rules/policy-data.json",
        "rules/underwriting.json",
      ])
  }

  @Test func hasTheTwoDefaultFlows() throws {
    let catalog = try #require(result.catalog)
    #expect(catalog.flows.keys.sorted() == ["EMPLOYER_GROUP", "INDIVIDUAL_HEALTH"])
    #expect(catalog.flowCode(explicit: nil, lineOfBusiness: "health") == "INDIVIDUAL_HEALTH")
    #expect(catalog.flowCode(explicit: nil, lineOfBusiness: "group") == "EMPLOYER_GROUP")
    let health = try #require(catalog.flows["INDIVIDUAL_HEALTH"])
    #expect(health.steps.map(\.name) == ["data-quality", "underwriting"])
    #expect(health.definedAt?.description.hasSuffix("/flows/individual-health.json:3:11") == true)
  }

  @Test func resolvesStepsInRuleStepOrder() throws {
    let catalog = try #require(result.catalog)
    let underwriting = try #require(catalog.flows["INDIVIDUAL_HEALTH"]?.steps.last)
    #expect(underwriting.displayName == "Underwriting review")
    #expect(underwriting.resolvers.roles == ["underwriter", "senior-underwriter"])
    #expect(underwriting.resolvers.authority == nil)
    #expect(underwriting.resolvers.authority(of: "underwriter") != nil)
    #expect(underwriting.resolvers.authority(of: "senior-underwriter") != nil)
    #expect(underwriting.resolvers.hasAuthority)
    #expect(underwriting.resolvers.makerChecker)
    #expect(
      underwriting.validationRules.map(\.code) == [
        "POLICYHOLDER_AGE_OUT_OF_RANGE", "AGE_AT_START_RECORDED", "SENIOR_APPLICANT",
        "PRE_EXISTING_CONDITIONS_DECLARED",
      ])
    #expect(underwriting.pendRules.map(\.code) == ["SUM_ASSURED_ABOVE_LIMIT", "UNDERWRITER_REFERRAL"])
  }

  @Test func usesEveryRuleFeature() throws {
    let catalog = try #require(result.catalog)
    #expect(catalog.validationRules.count + catalog.pendRules.count >= 12)
    let referral = try #require(catalog.pendRules["UNDERWRITER_REFERRAL"])
    #expect(referral.requiredMessages == ["MSG_SENIOR_APPLICANT", "MSG_PRE_EXISTING_CONDITIONS"])
    #expect(catalog.pendRules["MANUAL_HIGH_VALUE_CHECK"]?.filter.source == .manual)
    #expect(catalog.pendRules["MANUAL_HIGH_VALUE_CHECK"]?.reason.reattach == true)
    #expect(catalog.validationRules["VITALIS_EMAIL_REQUIRED"]?.filter.brands == ["vitalis-direct"])
    #expect(catalog.validationRules["POLICYHOLDER_DATE_OF_BIRTH_REQUIRED"]?.filter.flows == ["INDIVIDUAL_HEALTH"])
    #expect(catalog.validationRules["AGE_AT_START_RECORDED"]?.derivations.map(\.path) == ["derived.ageAtStart"])
    #expect(catalog.validationRules["AGE_AT_START_RECORDED"]?.message.severity == .informative)
    #expect(catalog.validationRules["ENROLLMENTS_EXCEED_MAX_USERS"]?.values.count == 2)
  }
}
