import Foundation
import PolicyFlowCore
import PolicyFlowStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `policyflow catalog diff`: what changed between two catalogs, each a directory or a snapshot
/// in the store.
enum CatalogDiffCommand {
  static let command = Command(
    name: "diff",
    abstract: "List the flows, steps, premium lines, rules, messages and pend reasons added, removed or changed.",
    discussion: """
      Compares two catalogs definition by definition (as canonical JSON: key order and layout are no \
      change) and prints one line per difference, FILE:LINE:COLUMN: added|removed|changed KIND NAME, with \
      the members that changed (condition, text, rules…); the location is in --to, or in --from for a \
      removed definition. Then 'N added, N removed, N changed' on a line of its own. Each side is a \
      directory, or the hash of a catalog snapshot in the store (--db): the catalog a recorded cycle ran \
      with, 'sha256:…' or a unique start of it; its files are shown under 'sha256:' and the first 12 \
      digits. Both catalogs must be valid, and a hash must name one snapshot (exit 65 otherwise, listing \
      the snapshots the store holds); exit 0 whether or not they differ.
      """,
    options: [
      .value(
        "--from", "dir|hash", "The catalog as it was: a directory holding flows/ and rules/, or a hash.", required: true
      ),
      .value("--to", "dir|hash", "The catalog as it would be.", required: true),
      StoreOptions.db,
      CommonOptions.json,
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    var store: PolicyStore?
    func side(_ option: String) throws -> (catalog: Catalog, label: String, directory: String?) {
      let text = invocation.value(option)!
      guard isHash(text) else {
        // A typo of either kind: said as both, not as a catalog directory's one error.
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: text, isDirectory: &isDirectory), isDirectory.boolValue else {
          let found =
            access(text, F_OK) == 0
            ? "it is a file" : "there is none at that path, from \(FileManager.default.currentDirectoryPath)"
          throw CommandFailure(
            message:
              "\(option) \(Excerpt.name(text)) is neither a catalog directory (\(found)) nor a catalog snapshot's "
              + "hash (hexadecimal digits, or 'sha256:' and them: 'policyflow catalog list' shows the published "
              + "ones; a catalog a worker ran is stored too).",
            exitCode: ExitCode.invalidInput)
        }
        return (try CatalogCommand.load(text), text, text)
      }
      if store == nil {
        do {
          store = try StoreOptions.open(invocation)
        } catch let failure as CommandFailure {
          // "No store" alone did not say why a store was wanted.
          throw CommandFailure(
            message:
              "\(option) \(Excerpt.name(text)) is no directory here, so it names a catalog snapshot in the store; "
              + failure.message.prefix(1).lowercased() + failure.message.dropFirst(),
            exitCode: failure.exitCode, details: failure.details)
        }
      }
      let catalog = try snapshot(text, in: store!)
      return (catalog, "sha256:" + catalog.hash.dropFirst("sha256:".count).prefix(12), nil)
    }
    let old = try side("--from")
    let new = try side("--to")
    let diff = CatalogDiff(from: old.catalog, in: old.label, to: new.catalog, in: new.label)
    if invocation.flag("--json") {
      let report: JSON = [
        "from": ["directory": old.directory.map(JSON.string) ?? .null, "hash": .string(old.catalog.hash)],
        "to": ["directory": new.directory.map(JSON.string) ?? .null, "hash": .string(new.catalog.hash)],
        "changes": .array(diff.changes.map(\.json)),
      ]
      Terminal.out(report.serialized(pretty: true))
    } else {
      for change in diff.changes { Terminal.out(change.description) }
      Terminal.out(diff.summary)
    }
    return 0
  }

  /// Whether `text` names a snapshot: `sha256:…`, or hexadecimal digits where no file is.
  static func isHash(_ text: String) -> Bool {
    if text.hasPrefix("sha256:") { return true }
    return !text.isEmpty && text.allSatisfy(\.isHexDigit) && access(text, F_OK) != 0
  }

  /// The catalog of the one snapshot whose hash starts with `text`.
  static func snapshot(_ text: String, in store: PolicyStore) throws -> Catalog {
    let prefix = text.hasPrefix("sha256:") ? text : "sha256:" + text
    let known = try store.snapshotHashes()
    let matching = known.filter { $0.hash.hasPrefix(prefix) }
    func listing(_ snapshots: [(hash: String, storedAt: String)]) -> String {
      snapshots.map { "\n  \($0.hash) (stored \($0.storedAt))" }.joined()
    }
    guard matching.count == 1 else {
      let message =
        matching.isEmpty
        ? "no catalog snapshot in the store at \(store.path) has the hash \(Excerpt.name(text)) (nor is it a "
          + "directory); "
          + (known.isEmpty
            ? "the store holds none yet (a worker stores each catalog it runs with)."
            : "it holds \(known.count):\(listing(known))")
        : "\(Excerpt.name(text)) starts \(matching.count) snapshots' hashes; give more of it:\(listing(matching))"
      throw CommandFailure(message: message, exitCode: ExitCode.invalidInput)
    }
    guard let catalog = try store.snapshotCatalog(matching[0].hash) else {
      throw CommandFailure(
        message: "the catalog snapshot \(matching[0].hash) in the store at \(store.path) does not load any more.",
        exitCode: ExitCode.invalidInput)
    }
    return catalog
  }
}
