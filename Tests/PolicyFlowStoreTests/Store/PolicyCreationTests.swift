import PolicyFlowCore
import Testing

@testable import PolicyFlowStore

/// Creating a policy whose code the store already has is refused with a sentence, and leaves
/// the store as it was.
struct PolicyCreationTests {
  static func document(_ code: String) -> JSON {
    ["code": .string(code), "lineOfBusiness": "health", "brand": "b"]
  }

  @Test func aCodeTheStoreHasIsRefusedWithASentence() throws {
    try withTemporaryDatabase { path in
      let store = try PolicyStore(path: path)
      try store.ensureAdministrator("tester")
      try store.createPolicy(Self.document("P-1"), source: .manual, actor: "tester")

      let error = try #require(throws: StoreError.self) {
        try store.createPolicy(Self.document("P-1"), source: .manual, actor: "tester")
      }
      #expect(error.kind == .alreadyExists)
      #expect(error.message == "A policy with code 'P-1' already exists; edit it instead of importing it again.")

      // In a batch, the one existing code refuses the whole batch.
      let batch = try #require(throws: StoreError.self) {
        try store.createPolicies(
          [Self.document("P-2"), Self.document("P-1"), Self.document("P-3")], source: .integration, actor: "tester")
      }
      #expect(batch.kind == .alreadyExists)
      #expect(try store.currentPolicy("P-2") == nil)
      #expect(try store.currentPolicy("P-1")?.policy.data[path: "brand"] == "b")
    }
  }
}
