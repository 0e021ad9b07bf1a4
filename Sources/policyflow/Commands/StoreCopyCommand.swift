import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// `policyflow store copy`: move a whole store between an SQLite file and a PostgreSQL database.
enum StoreCopyCommand {
  static let command = Command(
    name: "store", abstract: "Move a whole store between an SQLite file and a PostgreSQL database.",
    subcommands: [copy])

  static let copy = Command(
    name: "copy",
    abstract: "Copy every row of a store into an empty store, then verify each table.",
    discussion: """
      --from and --to each take an SQLite file or a PostgreSQL URI (postgresql://…). The target is created \
      (migrated) when it has no schema yet, and must hold no rows. Everything is copied in one transaction on the \
      target, read from one consistent snapshot of the source: every version, history row, pend, user, catalog \
      snapshot, calculation and queued activity. Each table's row count and checksum are compared before the \
      commit; any difference leaves the target empty. Only an administrator of the source may copy it (--as).
      """,
    options: [
      .value("--from", "path|uri", "The store to copy."),
      .value("--to", "path|uri", "The empty store to copy into."),
      StoreOptions.actor, CommonOptions.json,
      .flag("--quiet", "Print nothing but errors: no progress bar, no summary."),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    guard let from = invocation.value("--from"), let to = invocation.value("--to") else {
      throw UsageError(message: "Give both --from and --to.", commandPath: invocation.commandPath)
    }
    let source = try StoreOptions.open(location: from, create: false)
    // The copy reads one snapshot: what a live worker commits after it is not in the copy.
    if let live = try? source.queueStatus().workers, !live.isEmpty {
      Terminal.error(
        "Warning: \(live.count) worker\(live.count == 1 ? " is" : "s are") running on \(from) ("
          + live.map(\.owner).joined(separator: ", ") + "): what \(live.count == 1 ? "it commits" : "they commit")"
          + " after the copy reads the store is not in the copy; stop the workers before copying a store to move it.")
    }
    // The files a copy into an SQLite file creates (the store and its side files) are removed
    // again when the copy fails: a refused copy leaves nothing. Only those that were not there
    // before, a symbolic link included (lstat does not follow it).
    let created =
      PostgresURI.isPostgres(to)
      ? []
      : [to, to + "-wal", to + "-shm", to + "-journal"].filter { path in
        var status = stat()
        return lstat(path, &status) != 0
      }
    let bar = invocation.flag("--quiet") ? nil : PercentBar()
    let started = StoreTime.now()
    let copied: (report: PolicyStore.CopyReport, target: String)
    do {
      copied = try copy(source, to: to, by: StoreOptions.actor(invocation), bar: bar)
    } catch {
      bar?.finish()
      for file in created { try? FileManager.default.removeItem(atPath: file) }
      throw error
    }
    let report = copied.report
    bar?.finish()
    let tenths = (StoreTime.now().milliseconds - started.milliseconds + 50) / 100
    if invocation.flag("--json") {
      let tables = report.tables.map { table -> JSON in
        ["table": .string(table.name), "rows": .int(table.rows), "checksum": .string(table.checksum)]
      }
      let json: JSON = [
        "from": .string(source.path), "to": .string(copied.target), "tables": .array(tables),
        "rows": .int(report.tables.reduce(0) { $0 + $1.rows }),
      ]
      Terminal.out(json.serialized(pretty: true))
    } else if !invocation.flag("--quiet") {
      for table in report.tables {
        Terminal.out(
          "  \(table.name): \(table.rows) row\(table.rows == 1 ? "" : "s"), checksum \(table.checksum.prefix(16))… verified"
        )
      }
      let rows = report.tables.reduce(0) { $0 + $1.rows }
      Terminal.out(
        "Copied \(rows) rows from \(source.path) to \(copied.target) in \(tenths / 10).\(tenths % 10) s; "
          + "every table verified.")
    }
    return 0
  }

  /// Opens (creating when need be) the store at `location` and copies `source` into it; the target
  /// is closed when this returns, so a file it created can be removed.
  private static func copy(_ source: PolicyStore, to location: String, by actor: String, bar: PercentBar?) throws
    -> (report: PolicyStore.CopyReport, target: String)
  {
    // Refused before the target is made or migrated.
    try StoreCommand.run { try source.requireMayCopy(by: actor) }
    let target = try StoreOptions.open(location: location, create: true)
    let report = try StoreCommand.run {
      try source.copy(to: target, by: actor) { progress in
        bar?.show("Copying \(progress.table)", done: progress.allCopied, total: progress.allRows)
      }
    }
    return (report, target.path)
  }
}
