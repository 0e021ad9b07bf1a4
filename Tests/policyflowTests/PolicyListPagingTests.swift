import Foundation
import PolicyFlowCore
import Testing

/// `policies list --limit N [--after CODE]`: pages in code order, each a query of its own rows,
/// with a hint on stderr while more follow; the filters and data access apply before the page
/// is cut, so no page comes out short while more follow. Listing changes nothing.
@Suite(.serialized) struct PolicyListPagingTests {
  func codes(_ result: PolicyFlowBinary.Result) throws -> [String] {
    try JSON(parsing: result.stdout).arrayValue?.compactMap { $0[path: "code"]?.stringValue } ?? []
  }

  /// A `--flow` that selects nothing and is no flow of the catalog is most likely misspelt: said,
  /// with the flows there are; a flow that simply has no policies is not.
  @Test func aFlowFilterNamingNoFlowSaysSo() throws {
    let store = try StoreFixture()
    try store.importCopies([(code: "P-1", group: nil)], submit: true)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    let misspelt = try store.run(["policies", "list", "--flow", "INDIVIDUAL_HEALT", "--as", "tester"])
    #expect(misspelt.exitCode == 0)
    #expect(misspelt.stdout == "No policies.\n")
    #expect(
      misspelt.stderr
        == "Note: the catalog has no flow 'INDIVIDUAL_HEALT', so no policy was selected by it. Did you mean "
        + "'INDIVIDUAL_HEALTH'? Its flows: EMPLOYER_GROUP, INDIVIDUAL_HEALTH.\n")
    let none = try store.run(["policies", "list", "--flow", "EMPLOYER_GROUP", "--as", "tester"])
    #expect(none.stdout == "No policies.\n")
    #expect(none.stderr.isEmpty, "\(none.stderr)")
    let replayed = try store.run([
      "policies", "replay", "--catalog", PolicyFlowBinary.packageRoot.path, "--flow", "NOPE", "--as", "tester",
    ])
    #expect(replayed.exitCode == 0)
    #expect(replayed.stderr.contains("Note: the catalog has no flow 'NOPE'"), "\(replayed.stderr)")
  }

  @Test func pagesInTextSayHowToGetTheNextOne() throws {
    let store = try StoreFixture()
    try store.importCopies((1...5).map { (code: "P-\($0)", group: nil) }, submit: true)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    let before = try store.snapshot()

    let first = try store.run(["policies", "list", "--limit", "2", "--as", "tester"])
    #expect(first.exitCode == 0)
    #expect(
      first.stdout == """
        POLICY  VERSION  STATUS    FLOW
        P-1     1        Approved  INDIVIDUAL_HEALTH
        P-2     1        Approved  INDIVIDUAL_HEALTH

        """)
    #expect(first.stderr == "More policies follow: add --after P-2 for the next page.\n")
    let second = try store.run(["policies", "list", "--limit", "2", "--after", "P-2", "--as", "tester"])
    #expect(second.exitCode == 0)
    #expect(second.stdout.split(separator: "\n").dropFirst().map { String($0.prefix(3)) } == ["P-3", "P-4"])
    #expect(second.stderr == "More policies follow: add --after P-4 for the next page.\n")
    let last = try store.run(["policies", "list", "--limit", "2", "--after", "P-4", "--as", "tester"])
    #expect(last.exitCode == 0)
    #expect(last.stdout.split(separator: "\n").dropFirst().map { String($0.prefix(3)) } == ["P-5"])
    #expect(last.stderr == "", "the last page says nothing more follows")
    let beyond = try store.run(["policies", "list", "--limit", "2", "--after", "P-5", "--as", "tester"])
    #expect(beyond.stdout == "No policies.\n")
    #expect(beyond.stderr == "")
    #expect(try store.snapshot() == before)
  }

  /// Pages of a filtered list, read as a script would (--json until a page comes back short),
  /// hold every policy the full list holds, once; an Edit policy without a cycle shows the flow
  /// it names, or none.
  @Test func jsonPagesTogetherAreTheWholeFilteredList() throws {
    let store = try StoreFixture()
    try store.importCopies((1...7).map { (code: "P-\($0)", group: nil) }, submit: true)
    #expect(try store.run(["worker", "--drain"]).exitCode == 0)
    try store.importCopies([(code: "P-0", group: nil)], submit: true)
    let whole = try store.run(["policies", "list", "--status", "Approved", "--json", "--as", "tester"])
    #expect(try codes(whole) == (1...7).map { "P-\($0)" })

    var pages: [[String]] = []
    var after: [String] = []
    while true {
      let page = try store.run(
        ["policies", "list", "--status", "Approved", "--flow", "INDIVIDUAL_HEALTH", "--limit", "3", "--json"]
          + after + ["--as", "tester"])
      #expect(page.exitCode == 0, "\(page.stderr)")
      let listed = try codes(page)
      pages.append(listed)
      #expect(page.stderr.isEmpty == (listed.count < 3 || listed.last == "P-7"))
      guard listed.count == 3, let lastCode = listed.last else { break }
      after = ["--after", lastCode]
    }
    #expect(pages == [["P-1", "P-2", "P-3"], ["P-4", "P-5", "P-6"], ["P-7"]])

    let unprocessed = try JSON(parsing: try store.run(["policies", "list", "--limit", "1", "--json"]).stdout)
    #expect(unprocessed == [["code": "P-0", "version": 1, "status": "In Process", "processFlow": nil]])
  }

  /// A policy no worker has processed yet is listed under the flow it names, filtered or not.
  @Test func aPolicyNotProcessedYetIsListedUnderTheFlowItNames() throws {
    let store = try StoreFixture()
    var policy = try JSON(
      parsing: String(
        contentsOf: PolicyFlowBinary.packageRoot.appendingPathComponent("examples/policies/health-approved.json"),
        encoding: .utf8))
    policy.set(path: "processFlow", to: "INDIVIDUAL_HEALTH")
    let file = store.directory.appendingPathComponent("named.json")
    try policy.serialized().write(to: file, atomically: true, encoding: .utf8)
    #expect(try store.run(["policies", "import", file.path, "--as", "tester"]).exitCode == 0)
    try store.importCopies([(code: "P-1", group: nil)], submit: false)
    let all = try store.run(["policies", "list", "--limit", "5", "--json", "--as", "tester"])
    #expect(
      try JSON(parsing: all.stdout) == [
        ["code": "HP-2026-000101", "version": 1, "status": "Edit", "processFlow": "INDIVIDUAL_HEALTH"],
        ["code": "P-1", "version": 1, "status": "Edit", "processFlow": nil],
      ])
    let named = try store.run(["policies", "list", "--flow", "INDIVIDUAL_HEALTH", "--limit", "1", "--as", "tester"])
    #expect(named.exitCode == 0)
    #expect(named.stdout.contains("HP-2026-000101  1        Edit    INDIVIDUAL_HEALTH"))
    #expect(named.stderr == "")
  }

  /// Policies in groups the reader does not hold are left out before the page is cut: a page
  /// is full while more follow, and the hint names the last code the reader sees.
  @Test func pagesOfAReaderInADataAccessGroupAreFull() throws {
    let store = try StoreFixture()
    try store.addUsers([("north", ["--roles", "underwriter", "--groups", "north"])])
    try store.importCopies(
      [("P-1", "south"), ("P-2", "north"), ("P-3", "south"), ("P-4", nil), ("P-5", "south"), ("P-6", "north")],
      submit: true)
    let first = try store.run(["policies", "list", "--limit", "2", "--json", "--as", "north"])
    #expect(first.exitCode == 0)
    #expect(try codes(first) == ["P-2", "P-4"])
    #expect(first.stderr == "More policies follow: add --after P-4 for the next page.\n")
    let second = try store.run(["policies", "list", "--limit", "2", "--after", "P-4", "--json", "--as", "north"])
    #expect(try codes(second) == ["P-6"])
    #expect(second.stderr == "")
  }

  @Test(arguments: ["0", "-1", "ten", ""])
  func aLimitThatIsNotAPositiveWholeNumberIsAUsageError(limit: String) throws {
    let store = try StoreFixture()
    let result = try store.run(["policies", "list", "--limit=\(limit)", "--as", "tester"])
    #expect(result.exitCode == 64)
    #expect(result.stdout == "")
    #expect(
      result.stderr.hasPrefix(
        "Error: Invalid value '\(limit)' for '--limit <n>': expected a whole number above zero.\n"))
  }
}
