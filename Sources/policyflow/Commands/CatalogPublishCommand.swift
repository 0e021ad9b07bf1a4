import PolicyFlowCore
import PolicyFlowStore

/// `policyflow catalog publish|list|activate`: one catalog for every worker of a store.
enum CatalogPublishCommand {
  static let publish = Command(
    name: "publish",
    abstract: "Check the catalog, store it, and make it the one every worker runs.",
    discussion: """
      A catalog with errors is refused with its findings (exit 65). Its warnings, with what trying it on the \
      catalog's sample policies finds (as 'flows check' does: a rule that would fail with a fatal RULE_ERROR, a \
      path no sample has), are printed on stderr (`warnings` and `findings` in --json) and do not stop the \
      publication. Workers switch to the published catalog at their next batch, within seconds, and log the \
      switch; a worker started later runs it without reading its own files. Only administrators may publish.
      """,
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog, CommonOptions.json],
    run: runPublish)

  static let list = Command(
    name: "list",
    abstract: "List the published catalogs: hash, publisher, time, and which is active.",
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.json],
    run: runList)

  static let activate = Command(
    name: "activate",
    abstract: "Make an earlier published catalog active again (roll back a publication).",
    arguments: [Positional(name: "hash", help: "The catalog's hash (sha256:…), or a unique prefix of it.")],
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.json],
    run: runActivate)

  static func runPublish(_ invocation: Invocation) throws -> Int32 {
    let directory = CommonOptions.catalogDirectory(invocation)
    let loaded = CatalogLoader.load(directory: directory)
    let catalog = try CatalogCommand.catalog(of: loaded, in: directory)
    let store = try StoreOptions.open(invocation)
    // What `flows check` would warn of: a publication puts the catalog before every worker.
    // Samples that cannot be read (an empty examples folder, a file in another encoding) are
    // warnings of their own, never a reason to refuse the publication.
    let tried = try FlowsCheck.sampleFindings(catalog, in: directory, samples: [], commandPath: invocation.commandPath)
    let warnings = loaded.findings + tried.findings
    let publication = try StoreCommand.run { try store.publish(catalog, by: StoreOptions.actor(invocation)) }
    for warning in warnings { Terminal.error(warning.description) }
    if tried.samples == 0, tried.findings.isEmpty { Terminal.error(FlowsCheck.noSamplesNote(directory)) }
    if !warnings.isEmpty {
      Terminal.error(
        "Warning: the catalog was published with \(warnings.count) warning\(warnings.count == 1 ? "" : "s") "
          + "(above); 'policyflow flows check --catalog \(directory)' shows the same.")
    }
    print(
      publication, warnings: warnings, samples: tried.samples, json: invocation.flag("--json"),
      verb: "Published the catalog in \(directory)")
    return 0
  }

  static func runList(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    let publications = try StoreCommand.run { try store.publications() }
    if invocation.flag("--json") {
      Terminal.out(JSON.array(publications.map(json)).serialized(pretty: true))
      return 0
    }
    Table.print(
      ["ACTIVE", "HASH", "PUBLISHED BY", "PUBLISHED AT"],
      publications.map { [$0.isActive ? "*" : "", $0.hash, $0.publishedBy, $0.publishedAt] },
      empty: "No catalog is published; each worker runs the catalog in its own --catalog directory.")
    return 0
  }

  static func runActivate(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    let hash = invocation.positionals.first ?? ""
    let publication = try StoreCommand.run { try store.activate(hash, by: StoreOptions.actor(invocation)) }
    print(publication, json: invocation.flag("--json"), verb: "Activated")
    return 0
  }

  private static func json(_ publication: PolicyStore.Publication) -> JSON {
    [
      "hash": .string(publication.hash), "publishedBy": .string(publication.publishedBy),
      "publishedAt": .string(publication.publishedAt), "active": .bool(publication.isActive),
    ]
  }

  /// The publication, and whether this command changed which catalog is active.
  private static func print(
    _ publication: PolicyStore.Publication, warnings: [Finding]? = nil, samples: Int = 0, json asJSON: Bool,
    verb: String
  ) {
    if asJSON {
      var output = json(publication)
      output.set(path: "changed", to: .bool(publication.changed))
      if let warnings {
        output.set(path: "samples", to: .int(samples))
        output.set(path: "warnings", to: .int(warnings.count))
        output.set(path: "findings", to: .array(warnings.map(FindingOutput.json)))
      }
      Terminal.out(output.serialized(pretty: true))
    } else if !publication.changed {
      Terminal.out(
        "\(publication.hash) is the active catalog already (published by \(publication.publishedBy) at "
          + "\(publication.publishedAt)); nothing changed.")
    } else {
      Terminal.out("\(verb): \(publication.hash) is the active catalog; workers switch to it at their next batch.")
    }
  }
}
