import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// `policyflow queue` and `policyflow queue retry`.
enum QueueCommand {
  static let command = Command(
    name: "queue",
    abstract: "Show the work queue: queued, leased and failed activities.",
    options: [StoreOptions.db, StoreOptions.actor, CommonOptions.catalog, CommonOptions.json],
    subcommands: [retry],
    run: show)

  static let retry = Command(
    name: "retry",
    abstract: "Queue failed activities again.",
    arguments: [
      Positional(
        name: "id", help: "Failed activity ids, as 'policyflow queue' lists them.", isRepeating: true, isOptional: true)
    ],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog, .flag("--all-failed", "Retry every failed activity."),
      CommonOptions.json,
    ],
    run: runRetry)

  static func show(_ invocation: Invocation) throws -> Int32 {
    let store = try StoreOptions.open(invocation)
    var status = try store.queueStatus()
    // A worker of this machine whose process is gone was killed (a clean stop removes its row):
    // it is not live, however lately it said it was.
    // Not seen for a few seconds too (a live worker says so every second): a worker in another
    // PID namespace of a host of the same name has a pid this one cannot see.
    let gone = status.workers.filter { $0.seenSecondsAgo >= 3 && WorkerOwner.isGoneFromThisMachine($0.owner) }
    status.workers.removeAll { worker in gone.contains { $0.owner == worker.owner } }
    if !gone.isEmpty {
      Terminal.error(
        "Note: \(gone.map(\.owner).joined(separator: ", ")) stopped without saying so (killed?): not listed as "
          + "live; the leases it held expire and other workers take their work")
    }
    // On PostgreSQL row-level security counts only what the login may see: a partial count
    // that reads as the whole queue is said to be partial.
    let seesOnlyItsGroups =
      try store.dialect == .postgres && store.databaseLogin.map { !(try store.seesEveryPolicy($0)) } ?? false
    if seesOnlyItsGroups, let login = store.databaseLogin {
      Terminal.error(
        "Note: these counts are of the policies your login '\(login)' may see (its data access groups); a worker's or "
          + "an administrator's login counts the whole queue.")
    }
    if invocation.flag("--json") {
      let failed = status.failed.map { item -> JSON in
        [
          "id": .int(Int(item.id)), "policy": .string(item.policy), "attempts": .int(item.attempts),
          "error": .string(item.error),
        ]
      }
      let workers = status.workers.map { worker -> JSON in
        [
          "owner": .string(worker.owner), "catalog": .string(worker.catalogHash),
          "startedAt": .string(worker.startedAt),
          "claimed": .int(worker.claimed), "lastCommitAt": worker.lastCommitAt.map(JSON.string) ?? .null,
          "processed": .int(worker.processed), "seenSecondsAgo": .int(worker.seenSecondsAgo),
        ]
      }
      let report: JSON = [
        "queued": .int(status.queued), "leased": .int(status.leased), "failed": .int(status.failed.count),
        "oldestReadySeconds": status.oldestReadySeconds.map(JSON.int) ?? .null, "workers": .array(workers),
        "goneWorkers": .array(gone.map { .string($0.owner) }),
        "failedActivities": .array(failed),
        // A script cannot read the note on stderr: counts of a part read as the whole queue.
        "loginSeesOnlyItsGroups": .bool(seesOnlyItsGroups),
      ]
      Terminal.out(report.serialized(pretty: true))
      return 0
    }
    Terminal.out(
      "queued \(status.queued), leased \(status.leased), failed \(status.failed.count)"
        + (status.oldestReadySeconds.map { ", the oldest ready for \(Self.duration($0))" } ?? ""))
    if !status.workers.isEmpty {
      Terminal.out("\nLive workers:")
      Table.print(
        ["WORKER", "CLAIMED", "PROCESSED", "LAST COMMIT", "CATALOG"],
        status.workers.map { worker in
          [
            worker.owner, String(worker.claimed), String(worker.processed), worker.lastCommitAt ?? "-",
            String(worker.catalogHash.prefix(19)) + "…",
          ]
        }, empty: "")
    }
    if !status.failed.isEmpty {
      Terminal.out("\nFailed activities (retry with 'policyflow queue retry ID...' or '--all-failed'):")
      // On a terminal each line fits its width (the error gives way); pipes get it whole.
      let columns = TerminalStyle.stdoutColumns
      for item in status.failed {
        let line = "  \(item.id)  policy \(item.policy)  attempts \(item.attempts)  \(item.error)"
        Terminal.out(columns.map { Table.shortened(line, to: $0) } ?? line)
      }
    }
    return 0
  }

  /// `42 s`, `5 min`, `3 h`, `12 d`.
  static func duration(_ seconds: Int) -> String {
    switch seconds {
    case ..<120: "\(seconds) s"
    case ..<7_200: "\(seconds / 60) min"
    case ..<172_800: "\(seconds / 3_600) h"
    default: "\(seconds / 86_400) d"
    }
  }

  static func runRetry(_ invocation: Invocation) throws -> Int32 {
    let all = invocation.flag("--all-failed")
    guard all != !invocation.positionals.isEmpty else {
      throw UsageError(
        message: "Give failed activity ids or --all-failed (one of them).", commandPath: invocation.commandPath)
    }
    var ids: [Int64] = []
    for text in invocation.positionals {
      guard let id = Int64(text), id > 0 else {
        throw UsageError(
          message: "Invalid activity id '\(text)': expected a whole number.", commandPath: invocation.commandPath)
      }
      ids.append(id)
    }
    do {
      let count = try StoreOptions.open(invocation).retryFailed(all ? nil : ids, by: StoreOptions.actor(invocation))
      Terminal.out(
        invocation.flag("--json")
          ? (["queuedAgain": .int(count)] as JSON).serialized(pretty: true)
          : "Queued \(count) failed activit\(count == 1 ? "y" : "ies") again.")
      return 0
    } catch let error as StoreError {
      throw CommandFailure(message: error.message, exitCode: StoreFailure.exitCode(error))
    }
  }
}

/// A worker's owner name, `HOST:PID`, as `policyflow worker` makes it.
enum WorkerOwner {
  /// This machine's part of an owner name.
  static var thisHost: String { ProcessInfo.processInfo.hostName }

  /// Whether `owner` names a process of this machine that no longer runs.
  static func isGoneFromThisMachine(_ owner: String) -> Bool {
    guard let colon = owner.lastIndex(of: ":"), owner[..<colon] == thisHost,
      let pid = Int32(owner[owner.index(after: colon)...]), pid > 0
    else { return false }
    return kill(pid, 0) != 0 && errno == ESRCH
  }
}
