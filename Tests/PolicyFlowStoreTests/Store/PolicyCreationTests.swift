import PolicyFlowCore
import PolicyFlowTestSupport
import Testing

@testable import PolicyFlowStore

/// Creating a policy whose code the store already has is refused with a sentence, and leaves
/// the store as it was.
struct PolicyCreationTests {
  static func document(_ code: String) -> JSON {
    ["code": .string(code), "lineOfBusiness": "health", "brand": "b"]
  }

  @Test(arguments: TestStore.all) func aCodeTheStoreHasIsRefusedWithASentence(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
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

  /// An import reads its file on a second thread while this one creates the batches read
  /// before. A store error in a later batch (here a trigger refuses one policy's row) is the
  /// import's error: nothing is kept, and the reading ends instead of waiting forever for room
  /// to hand over its next batch (or reading the rest of the file).
  @Test(.timeLimit(.minutes(1)), arguments: [1_500, 2_500, 4_999])
  func aStoreErrorInALaterBatchOfAnImportKeepsNothing(_ line: Int) throws {
    try withTemporaryDatabase { path in
      let store = try PolicyStore(path: path)
      try store.ensureAdministrator("admin")
      let other = try SQLiteConnection(path: path)
      try other.execute(
        """
        CREATE TRIGGER refuse_one BEFORE INSERT ON policy WHEN NEW.code = 'I-\(line)'
        BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
        """, [])
      let text = (1...5_000).map { #"{"code": "I-\#($0)", "lineOfBusiness": "health", "brand": "b"}"# }
        .joined(separator: "\n")
      var fractions: [Double] = []
      let error = try #require(throws: SQLiteError.self) {
        try store.importPolicies([(name: "p.jsonl", text: text)], source: .integration, actor: "admin") {
          fractions.append($1)
        }
      }
      #expect(error.message.contains("refused by the test"))
      #expect(try store.existingCodes(among: ["I-1", "I-\(line - 1)", "I-5000"]).isEmpty)
      // Progress came in order, and stopped with the import: a batch before the error was
      // handed over before the file's first progress mark (line 4,096).
      #expect(fractions == fractions.sorted())
      if line < 4_000 { #expect(fractions.allSatisfy { $0 < 1 }) }

      try other.execute("DROP TRIGGER refuse_one", [])
      let imported = try store.importPolicies(
        [(name: "p.jsonl", text: text)], source: .integration, actor: "admin")
      #expect(imported == 5_000)
    }
  }

  /// When the importing thread cancels (its store failed), the reading thread stops after the
  /// record it is reading instead of reading the rest of the file: the bad record at the end
  /// of this one is never reached.
  @Test(.timeLimit(.minutes(1))) func aCancelledImportStopsReadingItsFile() {
    var lines = (1...5_000).map { #"{"code": "R-\#($0)", "lineOfBusiness": "health", "brand": "b"}"# }
    lines.append(#"{"code": "R-LAST", "lineOfBusiness": "health"}"#)
    let read = PolicyStore.read("r.jsonl", lines.joined(separator: "\n"))
    while let batch = read.batches.receive(), batch.documents.isEmpty {}
    read.batches.cancel()
    #expect(read.job.wait().rowFindings.isEmpty)
    let whole = PolicyStore.read("r.jsonl", lines.joined(separator: "\n"))
    while whole.batches.receive() != nil {}
    #expect(whole.job.wait().rowFindings.map(\.line) == [5_001])
  }

  /// Records in data access groups the importing user does not hold are all named, with file
  /// and line, and nothing is kept.
  @Test(arguments: TestStore.all) func anImportOutsideTheUsersGroupsNamesEveryRecord(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let store = try PolicyStore(path: path)
      try store.ensureAdministrator("admin")
      try store.addUser(PolicyStore.User(name: "clerk", groups: ["north"]), by: "admin")
      let text = (1...3_000).map { index in
        let group = index % 1_000 == 0 ? #", "accessGroup": "south""# : #", "accessGroup": "north""#
        return #"{"code": "I-\#(index)", "lineOfBusiness": "health", "brand": "b"\#(group)}"#
      }.joined(separator: "\n")
      let refusal = try #require(throws: ImportAccessRefusal.self) {
        try store.importPolicies([(name: "p.jsonl", text: text)], source: .integration, actor: "clerk")
      }
      #expect(refusal.records.map(\.line) == [1_000, 2_000, 3_000])
      #expect(refusal.records.map(\.group) == ["south", "south", "south"])
      #expect(try store.existingCodes(among: ["I-1", "I-999"]).isEmpty)
    }
  }

  /// Progress is read on the reading thread and shown on this one, also for a file that
  /// delivers no batch at all because every record is bad.
  @Test(arguments: TestStore.all) func anImportOfOnlyBadRecordsStillReportsProgress(_ kind: TestStore) throws {
    try withTemporaryStore(kind) { path in
      let store = try PolicyStore(path: path)
      try store.ensureAdministrator("admin")
      let text = (1...10_000).map { #"{"code": "B-\#($0)", "lineOfBusiness": "health"}"# }.joined(separator: "\n")
      var fractions: [Double] = []
      let refusal = try #require(throws: ImportRefusal.self) {
        try store.importPolicies([(name: "bad.jsonl", text: text)], source: .integration, actor: "admin") {
          fractions.append($1)
        }
      }
      #expect(refusal.findings.count == 10_000)
      #expect(refusal.findings.first?.description == "bad.jsonl:1: brand: missing; every policy needs a brand")
      #expect(fractions.contains { $0 > 0 && $0 < 1 })
      #expect(fractions.last == 1)
    }
  }
}
