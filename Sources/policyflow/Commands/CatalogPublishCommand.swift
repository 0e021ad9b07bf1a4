import PolicyFlowCore
import PolicyFlowStore

/// `policyflow catalog publish|list|activate`: one catalog for every worker of a store.
enum CatalogPublishCommand {
  static let publish = Command(
    name: "publish",
    abstract: "Check the catalog, store it, and make it the one every worker runs.",
    discussion: """
      A catalog with errors is refused with its findings (exit 65). Workers switch to the published catalog at \
      their next batch, within seconds, and log the switch; a worker started later runs it without reading its \
      own files. Only administrators may publish.
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
    let catalog = try CatalogCommand.load(directory)
    let store = try StoreOptions.open(invocation)
    let publication = try StoreCommand.run { try store.publish(catalog, by: StoreOptions.actor(invocation)) }
    print(publication, json: invocation.flag("--json"), verb: "Published the catalog in \(directory)")
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
  private static func print(_ publication: PolicyStore.Publication, json asJSON: Bool, verb: String) {
    if asJSON {
      var output = json(publication)
      output.set(path: "changed", to: .bool(publication.changed))
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
