import Foundation
import PolicyFlowCore
import PolicyFlowStore
import PolicyFlowTestSupport
import Testing

/// `catalog publish|list|activate` through the binary, on both stores: every worker runs the
/// store's published catalog, not its own files, switches to a new one while running, and a
/// publication is rolled back by activating the one before.
@Suite(.serialized) struct CatalogPublishTests {
  /// A copy of the shipped catalog whose automatic acceptance limit is 100.00 instead of
  /// 500,000.00, so that the approvable example pends.
  func strictCatalog(in store: StoreFixture, name: String = "strict") throws -> String {
    let directory = store.directory.appendingPathComponent(name).path
    let root = PolicyFlowBinary.packageRoot
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for folder in ["flows", "rules", "schemas"] {
      try FileManager.default.copyItem(
        atPath: root.appendingPathComponent(folder).path, toPath: directory + "/" + folder)
    }
    let rules = directory + "/rules/underwriting.json"
    let text = try String(contentsOfFile: rules, encoding: .utf8)
    #expect(text.contains("50000000"))
    try text.replacingOccurrences(of: "50000000", with: "10000").write(toFile: rules, atomically: true, encoding: .utf8)
    return directory
  }

  func processedStatus(_ store: StoreFixture, code: String, extra: [String] = []) throws -> String {
    let (path, _) = try store.writeExample("health-approved.json") { $0.set(path: "code", to: .string(code)) }
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    let worker = try store.run(["worker", "--drain", "--catalog", PolicyFlowBinary.packageRoot.path] + extra)
    #expect(worker.exitCode == 0, "\(worker.stderr)")
    return try store.status(code)
  }

  func publications(_ store: StoreFixture) throws -> [JSON] {
    let listed = try store.run(["catalog", "list", "--json", "--as", "tester"])
    #expect(listed.exitCode == 0, "\(listed.stderr)")
    return try JSON(parsing: listed.stdout).arrayValue ?? []
  }

  @Test(arguments: TestStore.all)
  func workersRunThePublishedCatalogAndActivatingAnEarlierOneRollsBack(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    #expect(try publications(store).isEmpty)
    #expect(try processedStatus(store, code: "LOCAL-1") == "Approved", "no publication: the local files")

    let shipped = try store.run([
      "catalog", "publish", "--catalog", PolicyFlowBinary.packageRoot.path, "--as", "tester", "--json",
    ])
    #expect(shipped.exitCode == 0, "\(shipped.stderr)")
    #expect(shipped.stderr == "", "the shipped catalog is clean on its samples")
    #expect(try JSON(parsing: shipped.stdout)[path: "warnings"] == 0)
    let shippedHash = try #require(try JSON(parsing: shipped.stdout)[path: "hash"]?.stringValue)
    let strict = try store.run(["catalog", "publish", "--catalog", try strictCatalog(in: store), "--as", "tester"])
    #expect(strict.exitCode == 0, "\(strict.stderr)")
    #expect(strict.stdout.contains("is the active catalog"))

    let listed = try publications(store)
    #expect(listed.count == 2)
    #expect(listed.map { $0[path: "active"] } == [false, true])
    let strictHash = try #require(listed.last?[path: "hash"]?.stringValue)

    // The worker is given the shipped files, and runs the strict published catalog instead.
    #expect(try processedStatus(store, code: "PUBLISHED-1") == "Pended")
    #expect(
      try store.count("SELECT count(*) FROM cycle WHERE catalog_hash = '\(strictHash)'") == 1,
      "the cycle names the published catalog")

    let rolledBack = try store.run([
      "catalog", "activate", String(shippedHash.dropFirst(7).prefix(12)), "--as", "tester",
    ])
    #expect(rolledBack.exitCode == 0, "\(rolledBack.stderr)")
    #expect(try publications(store).map { $0[path: "active"] } == [true, false])
    // A hash of no published catalog is bad input, refused with the list, and changes nothing.
    let unknown = try store.run(["catalog", "activate", "0000dead", "--as", "tester"])
    #expect(unknown.exitCode == 65)
    #expect(unknown.stderr.hasPrefix("Error: No published catalog has hash '0000dead'; published: sha256:"))
    #expect(try publications(store).map { $0[path: "active"] } == [true, false])
    #expect(try processedStatus(store, code: "ROLLED-BACK-1") == "Approved")

    // Publishing or activating the active catalog again says so and records nothing.
    let rows = try store.count("SELECT count(*) FROM catalog_publication")
    let again = try store.run(["catalog", "publish", "--catalog", PolicyFlowBinary.packageRoot.path, "--as", "tester"])
    #expect(again.exitCode == 0, "\(again.stderr)")
    #expect(again.stdout.hasPrefix("\(shippedHash) is the active catalog already (published by tester at "))
    #expect(again.stdout.hasSuffix("); nothing changed.\n"))
    let activated = try store.run(["catalog", "activate", shippedHash, "--as", "tester", "--json"])
    #expect(try JSON(parsing: activated.stdout)[path: "changed"] == false)
    #expect(try store.count("SELECT count(*) FROM catalog_publication") == rows)
    let changed = try store.run(["catalog", "activate", strictHash, "--as", "tester", "--json"])
    #expect(try JSON(parsing: changed.stdout)[path: "changed"] == true)
  }

  /// A publication puts the catalog before every worker: what `flows check` would warn of (here a
  /// rule that compares a date with a number, a fatal RULE_ERROR on every sample) is printed, and
  /// the catalog is published all the same, as `flows check` passes it.
  @Test func publishingSaysWhatFlowsCheckWouldWarnOf() throws {
    let store = try StoreFixture(.sqlite)
    let directory = try strictCatalog(in: store)
    try FileManager.default.copyItem(
      atPath: PolicyFlowBinary.packageRoot.appendingPathComponent("examples").path, toPath: directory + "/examples")
    let rules = directory + "/rules/underwriting.json"
    let text = try String(contentsOfFile: rules, encoding: .utf8)
    let limit = #"{ ">": [{ "var": "sumAssured" }, 10000] }"#
    #expect(text.contains(limit))
    try text.replacingOccurrences(of: limit, with: #"{ ">": [{ "var": "startDate" }, 10000] }"#)
      .write(toFile: rules, atomically: true, encoding: .utf8)
    let withWarnings = try store.run(["catalog", "publish", "--catalog", directory, "--as", "tester", "--json"])
    #expect(withWarnings.exitCode == 0, "\(withWarnings.stderr)")
    #expect(withWarnings.stderr.contains("SUM_ASSURED_ABOVE_LIMIT fails with NaN"), "\(withWarnings.stderr)")
    #expect(withWarnings.stderr.contains("Warning: the catalog was published with "), "\(withWarnings.stderr)")
    let output = try JSON(parsing: withWarnings.stdout)
    #expect(output[path: "changed"] == true)
    let findings = output[path: "findings"]?.arrayValue ?? []
    #expect(!findings.isEmpty)
    #expect(output[path: "samples"] == 13, "the shipped examples")
    #expect(findings.contains { ($0[path: "message"]?.stringValue ?? "").contains("fails with NaN") }, "\(findings)")

    // Samples that cannot be read are a warning, never a reason to refuse: a folder of none.
    let empty = try strictCatalog(in: store, name: "empty-samples")
    try FileManager.default.createDirectory(atPath: empty + "/examples/policies", withIntermediateDirectories: true)
    let published = try store.run(["catalog", "publish", "--catalog", empty, "--as", "tester"])
    #expect(published.exitCode == 0, "\(published.stderr)")
    #expect(
      published.stderr.contains(
        "\(empty)/examples/policies:1:1: warning: the sample policies were not tried: The directory "
          + "'\(empty)/examples/policies' holds no "), "\(published.stderr)")
    #expect(published.stdout.contains("is the active catalog"))
  }

  /// Publishing the active catalog again still stores its snapshot: the repair for an active
  /// catalog whose snapshot row went missing.
  @Test func publishingTheActiveCatalogAgainRestoresAMissingSnapshot() throws {
    let store = try StoreFixture(.sqlite)
    let root = PolicyFlowBinary.packageRoot.path
    let first = try store.run(["catalog", "publish", "--catalog", root, "--as", "tester", "--json"])
    let hash = try #require(try JSON(parsing: first.stdout)[path: "hash"]?.stringValue)
    // As the sqlite3 shell would, which enforces no foreign keys.
    try TestStore.connect(store.db).executeScript(
      "PRAGMA foreign_keys = OFF; DELETE FROM catalog_snapshot WHERE hash = '\(hash)'")
    let again = try store.run(["catalog", "publish", "--catalog", root, "--as", "tester", "--json"])
    #expect(try JSON(parsing: again.stdout)[path: "changed"] == false)
    #expect(try store.count("SELECT count(*) FROM catalog_snapshot WHERE hash = '\(hash)'") == 1)
  }

  /// A row written beforehand under the hash of the catalog being published, holding other files
  /// (planted behind the engine's back), is not published: workers would load it.
  @Test(arguments: TestStore.all) func aSnapshotPlantedUnderTheCatalogsHashIsNotPublished(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    let root = PolicyFlowBinary.packageRoot.path
    let first = try store.run(["catalog", "publish", "--catalog", root, "--as", "tester", "--json"])
    let hash = try #require(try JSON(parsing: first.stdout)[path: "hash"]?.stringValue)
    try store.tamper(
      (kind == .sqlite ? "PRAGMA foreign_keys = OFF; " : "SET session_replication_role = replica; ")
        + "DELETE FROM catalog_publication; UPDATE catalog_snapshot SET files = '[]' WHERE hash = '\(hash)'")
    let planted = try store.run(["catalog", "publish", "--catalog", root, "--as", "tester"])
    #expect(planted.exitCode == 1, "\(planted.stdout)")
    #expect(
      planted.stderr.contains("already holds a catalog snapshot under \(hash) whose files are not that catalog's"),
      "\(planted.stderr)")
    #expect(try store.count("SELECT count(*) FROM catalog_publication") == 0, "nothing was published")
  }

  @Test(arguments: TestStore.all) func aRunningWorkerSwitchesAtItsNextBatch(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.succeed(["catalog", "publish", "--catalog", PolicyFlowBinary.packageRoot.path, "--as", "tester"])
    let worker = try store.startWorker(["--poll-interval", "50"])
    defer {
      worker.signal(SIGTERM)
      _ = worker.wait(seconds: 10)
    }
    #expect(worker.waitForLog("running the store's published catalog"), "\(worker.log)")
    try store.succeed(["catalog", "publish", "--catalog", try strictCatalog(in: store), "--as", "tester"])
    #expect(worker.waitForLog("switched to the published catalog", seconds: 20), "\(worker.log)")
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    let deadline = Date().addingTimeInterval(20)
    while try store.status(code) == "In Process", Date() < deadline { usleep(50_000) }
    #expect(try store.status(code) == "Pended", "processed with the new catalog")
  }

  /// Work submitted right after a publication runs on the published catalog: a running worker
  /// asked for it at most once a second, so a submit made within that second was processed on
  /// the old one (PostgreSQL trial: a fee of 25.00 instead of 30.00, every time).
  @Test(arguments: TestStore.all) func workSubmittedRightAfterAPublicationRunsOnIt(_ kind: TestStore) throws {
    let store = try StoreFixture(kind)
    try store.succeed(["catalog", "publish", "--catalog", PolicyFlowBinary.packageRoot.path, "--as", "tester"])
    let worker = try store.startWorker(["--poll-interval", "50"])
    defer {
      worker.signal(SIGTERM)
      _ = worker.wait(seconds: 10)
    }
    #expect(worker.waitForLog("running the store's published catalog"), "\(worker.log)")
    let strict = try strictCatalog(in: store)
    let (path, code) = try store.writeExample("health-approved.json")
    try store.succeed(["catalog", "publish", "--catalog", strict, "--as", "tester"])
    try store.succeed(["policies", "import", path, "--submit", "--as", "tester"])
    let deadline = Date().addingTimeInterval(20)
    while try store.status(code) == "In Process", Date() < deadline { usleep(20_000) }
    #expect(try store.status(code) == "Pended", "processed with the catalog published before it was submitted")
  }

  @Test(arguments: TestStore.all) func aCatalogWithErrorsOrAUserWhoIsNoAdministratorIsRefused(_ kind: TestStore)
    throws
  {
    let store = try StoreFixture(kind)
    let broken = try strictCatalog(in: store)
    try "{ not json".write(toFile: broken + "/rules/broken.json", atomically: true, encoding: .utf8)
    let refused = try store.run(["catalog", "publish", "--catalog", broken, "--as", "tester"])
    #expect(refused.exitCode == 65)
    #expect(refused.stderr.contains("broken.json:1:"), "\(refused.stderr)")
    try store.succeed(["users", "add", "uma", "--roles", "underwriter", "--as", "tester"])
    let notAdmin = try store.run(["catalog", "publish", "--catalog", PolicyFlowBinary.packageRoot.path, "--as", "uma"])
    #expect(notAdmin.exitCode == 77)
    #expect(notAdmin.stderr.contains("may not publish a catalog: only administrators may"), "\(notAdmin.stderr)")
    #expect(try publications(store).isEmpty, "nothing was published")
    #expect(try store.count("SELECT count(*) FROM catalog_snapshot") == 0, "nor stored")
  }
}
