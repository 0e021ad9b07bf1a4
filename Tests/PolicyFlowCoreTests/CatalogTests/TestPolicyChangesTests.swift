import Testing

@testable import PolicyFlowCore

struct TestPolicyChangesTests {
  static let base: JSON = ["policyholder": ["name": "A"], "enrollments": [["role": "employee"]], "maxUsers": 3]

  @Test func setCreatesObjectsAlongThePathAndChangesArrayItems() {
    var policy = Self.base
    #expect(TestPolicyChanges.set("medicalDeclaration.smoker", to: true, in: &policy) == nil)
    #expect(TestPolicyChanges.set("enrollments.0.role", to: "partner", in: &policy) == nil)
    #expect(policy[path: "medicalDeclaration.smoker"] == true)
    #expect(policy[path: "enrollments.0.role"] == "partner")
  }

  /// Refused as `policies edit --set` refuses the same path (a case could build `{"0": …}` where
  /// the edit refused it).
  @Test(arguments: [
    (
      "enrollments.1.role",
      "'enrollments' is an array of 1 item (items 0–0): an edit changes an item, it does not add item 1; set the "
        + "whole array instead"
    ),
    ("maxUsers.value", "'maxUsers' is an integer, not an object: setting 'maxUsers.value' would replace it"),
    ("policyholder..name", "'policyholder..name' has an empty name: give member names between the dots"),
    (
      "newlist.0",
      "'newlist' is missing: '0' would make it an object with a member '0', not an array; set 'newlist' whole "
        + "instead (a JSON array, or an object for names that are numbers)"
    ),
  ])
  func setRefusesPathsThatWouldReshapeThePolicy(path: String, problem: String) {
    var policy = Self.base
    #expect(TestPolicyChanges.set(path, to: 1, in: &policy) == problem)
    #expect(Self.base.problemSetting(path: path) == problem)
    #expect(policy == Self.base)
  }

  @Test func removeTakesAMemberOrAnItemAndRefusesWhatIsNotThere() {
    var policy = Self.base
    #expect(TestPolicyChanges.remove("policyholder.name", from: &policy) == nil)
    #expect(TestPolicyChanges.remove("enrollments.0", from: &policy) == nil)
    #expect(policy == ["policyholder": [:], "enrollments": [], "maxUsers": 3])
    #expect(
      TestPolicyChanges.remove("policyholder.email", from: &policy)
        == "there is no field 'policyholder.email' to remove")
  }
}
