import PolicyFlowCore
import Testing

struct LifecycleModelTests {
  @Test func statusesUseTheNamesUsersSee() {
    #expect(PolicyStatus.allCases.map(\.rawValue) == ["Edit", "In Process", "Pended", "Approved", "Canceled"])
    #expect(PolicyStatus(rawValue: "In Process") == .inProcess)
    #expect(PolicySource(rawValue: "integration") == .integration)
    #expect(PolicySource(rawValue: "manual") == .manual)
    #expect(PolicySource(rawValue: "either") == nil)
  }

  @Test(arguments: [
    ("0f8fad5b-d9cb-469f-a165-70867728950e", true),
    ("0F8FAD5B-D9CB-469F-A165-70867728950E", false),
    ("0f8fad5b-d9cb-469f-a165-70867728950", false),
    ("0f8fad5bd-9cb-469f-a165-70867728950e", false),
    ("0f8fad5b-d9cb-469f-a165-70867728950g", false),
    ("", false),
  ])
  func gidMustBeALowercaseUUID(_ gid: String, _ valid: Bool) {
    #expect(PolicyVersion.isWellFormedGID(gid) == valid)
  }

  @Test func versionsAreValuesAndAskTheirLifecycle() throws {
    let v2 = PolicyVersion(
      code: "P-1", version: 2, gid: "0f8fad5b-d9cb-469f-a165-70867728950e", status: .approved,
      source: .manual, processFlow: "standard", data: ["premium": 12_500, "country": "NL"])
    var copy = v2
    #expect(copy == v2)
    copy.data = ["premium": 13_000, "country": "NL"]
    #expect(copy != v2)
    #expect(Set([v2, copy, v2]).count == 2)

    #expect(try v2.lifecycle(isLatest: true).outcome(of: .edit).versionEffect == .newVersion(number: 3))
    let refusal = #expect(throws: LifecycleRefusal.self) { try v2.lifecycle(isLatest: false).outcome(of: .edit) }
    #expect(refusal?.reason == .notLatestVersion)
  }
}
