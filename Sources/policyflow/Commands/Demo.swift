import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// `policyflow demo`: the whole path on a fresh store, in one command.
enum Demo {
  static let command = Command(
    name: "demo",
    abstract: "Run the example policies through a fresh store and worker, and summarize the outcomes.",
    discussion: """
      Creates a store in a new directory, loads the catalog, imports and submits every example policy, runs \
      the worker until the queue is empty, and prints each policy's status and the open pends. The store is \
      kept, so you can look around afterwards with --db.
      """,
    options: [
      CommonOptions.catalog,
      .value("--examples", "dir", "The policies to import.", default: "examples/policies in the catalog's directory"),
      .value("--dir", "dir", "Where to create the store; must not hold one yet.", default: "a new temporary directory"),
      CommonOptions.json,
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let catalogDirectory = CommonOptions.catalogDirectory(invocation)
    let catalog = try CatalogCommand.load(catalogDirectory)
    // The examples that come with the catalog (the repository has both), wherever it is run from.
    let given = invocation.value("--examples")
    let examples =
      given ?? URL(fileURLWithPath: catalogDirectory).appendingPathComponent("examples/policies").relativePath
    if given == nil, access(examples, F_OK) != 0 {
      throw CommandFailure(
        message: "The catalog in \(catalogDirectory) has no examples/policies beside it; give the policies to run "
          + "with --examples DIR.",
        exitCode: ExitCode.invalidInput)
    }
    let files = try PolicyFiles.expand([examples])
    let directory = try prepareDirectory(invocation.value("--dir"))
    let path = directory + "/policyflow.sqlite"
    let store = try PolicyStore(path: path)
    let actor = "demo"
    try store.ensureAdministrator(actor)
    let imported = try ImportFiles.importAll(
      files, into: store, source: .integration, actor: actor, submit: true, showProgress: false)
    var configuration = WorkerConfiguration(owner: "demo-worker")
    configuration.drain = true
    let worker = Worker(store: store, catalog: catalog, configuration: configuration)
    try worker.run()
    let policies = try store.policySummaries(readBy: actor)
    let pends = try store.openPends(readBy: actor)
    if invocation.flag("--json") {
      let report: JSON = [
        "store": .string(path), "catalogHash": .string(catalog.hash), "imported": .int(imported),
        "policies": .array(
          policies.map {
            [
              "code": .string($0.code), "version": .int($0.version), "status": .string($0.status),
              "flow": $0.flow.map(JSON.string) ?? .null,
            ]
          }),
        "openPends": .array(
          pends.map {
            [
              "policy": .string($0.policy), "reason": .string($0.reason), "description": .string($0.description),
              "step": .string($0.step),
            ]
          }),
      ]
      Terminal.out(report.serialized(pretty: true))
      return 0
    }
    Terminal.out("Store: \(path)")
    Terminal.out("Catalog: \(catalog.hash)")
    Terminal.out("Imported and submitted \(imported) policies; the worker processed \(worker.totals.processed).\n")
    let width = max(4, policies.map(\.code.count).max() ?? 0)
    Terminal.out("POLICY".padding(width) + "  STATUS      FLOW")
    for policy in policies {
      Terminal.out(policy.code.padding(width) + "  " + policy.status.padding(10) + "  " + (policy.flow ?? "-"))
    }
    let counts = Dictionary(grouping: policies, by: \.status).mapValues(\.count)
    Terminal.out("\n" + counts.keys.sorted().map { "\($0): \(counts[$0]!)" }.joined(separator: ", "))
    Terminal.out("\nOpen pends (\(pends.count)):")
    for pend in pends {
      Terminal.out("  \(pend.policy.padding(width))  \(pend.reason): \(pend.description) (step \(pend.step))")
    }
    Terminal.out("\nLook around: policyflow queue --db \(path)")
    return 0
  }

  private static func prepareDirectory(_ requested: String?) throws -> String {
    let manager = FileManager.default
    guard let requested else {
      let url = manager.temporaryDirectory.appendingPathComponent(
        "policyflow-demo-\(getpid())-\(Int(Date().timeIntervalSince1970))")
      try manager.createDirectory(at: url, withIntermediateDirectories: true)
      return url.path
    }
    if manager.fileExists(atPath: requested + "/policyflow.sqlite") {
      throw CommandFailure(
        message: "\(requested)/policyflow.sqlite already exists; give --dir a new or empty directory.")
    }
    try manager.createDirectory(atPath: requested, withIntermediateDirectories: true)
    return requested
  }
}

extension String {
  /// Left-aligned in a column of `width` characters.
  func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
