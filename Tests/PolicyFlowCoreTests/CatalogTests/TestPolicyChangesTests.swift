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

  @Test(arguments: [
    (
      "enrollments.1.role",
      "'enrollments' is an array of 1 item, so 'enrollments.1' names no item; an item to change must exist (indexes start at 0)"
    ),
    ("maxUsers.value", "'maxUsers' is an integer, so 'maxUsers.value' cannot be set"),
    ("policyholder..name", "'policyholder..name' is not a dotted path; write field names separated by dots"),
  ])
  func setRefusesPathsThatWouldReshapeThePolicy(path: String, problem: String) {
    var policy = Self.base
    #expect(TestPolicyChanges.set(path, to: 1, in: &policy) == problem)
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
