import PolicyFlowCore
import PolicyFlowStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `policyflow policies replay`: what a candidate catalog would do to the stored book.
enum PoliciesReplay {
  static let command = Command(
    name: "replay",
    abstract: "Run a candidate catalog on the stored policies, read-only, and show whose outcome would change.",
    discussion: """
      Runs one processing cycle with the catalog in --catalog on each current version you may see that is not \
      Canceled (--status Canceled replays those: none is processed again unless edited) (its \
      document as stored, at the reference time, with the pend reasons resolved on it as the worker would) \
      and compares each outcome with the one its last cycle recorded (none when never processed). Prints a \
      matrix of recorded outcome → new outcome with counts, how many policies each rule is on the outcome \
      of now (recorded cycles) and would be (the candidate), the policies whose outcome would change, in \
      code order, and the approved ones the candidate would price differently (premium now, as it would \
      be, the difference, and the total per currency). Nothing is written: no cycle, no history, no catalog snapshot. Policies in data access \
      groups you do not hold are left out, and stderr says how many (on PostgreSQL, where the server hides \
      them from a person's login, that they may have been; 'loginSeesOnlyItsGroups' in --json). Progress is \
      shown on a terminal.
      """,
    options: [
      StoreOptions.db, StoreOptions.actor,
      .value(
        "--catalog", "dir", "The candidate catalog directory, holding flows/ and rules/.", required: true),
      .repeating(
        "--status", "status",
        "Only versions whose status is now this one: Edit, \"In Process\", Pended, Approved or Canceled (without it, "
          + "every status but Canceled)."),
      .value("--flow", "flow", "Only versions of this flow (their last cycle's, else the one they name)."),
      .value("--at", "time", "The reference time of the cycles (ISO 8601).", default: "now"),
      limit, CommonOptions.json,
    ],
    run: run)

  static let limit = Option.value(
    "--limit", "n", "List at most n changed policies in text (--json lists all).", default: "20")

  static func run(_ invocation: Invocation) throws -> Int32 {
    let statuses = try PoliciesList.statuses(invocation)
    let limit = try invocation.positiveInteger(Self.limit) ?? 20
    let at = try PoliciesValidate.referenceTime(invocation.value("--at"), commandPath: invocation.commandPath)
    let directory = invocation.value("--catalog")!
    let catalog = try CatalogCommand.load(directory)
    let store = try StoreOptions.open(invocation)
    let actor = StoreOptions.actor(invocation)
    let selection = PolicyStore.ReplaySelection(statuses: statuses, flow: invocation.value("--flow"))
    let progress = try ReplayProgress(total: isatty(2) == 1 ? store.currentVersionCount() : nil)
    let (report, leftOut, canceled) = try StoreCommand.run {
      let report = try store.replay(
        CatalogReplay(catalog: catalog, at: at, keptChanges: invocation.flag("--json") ? nil : limit),
        selection: selection, actor: actor, progress: progress?.show)
      let canceled = statuses.isEmpty ? try store.canceledVersionCount(flow: selection.flow, actor: actor) : 0
      return (report, try store.replayLeftOut(selection: selection, actor: actor), canceled)
    }
    progress?.finish()
    // The flows a stored version can have are those it ran, today's among them.
    if report.replayed == 0 {
      FlowFilterNote.noteIfUnknown(
        invocation.value("--flow"), catalog: try TodaysCatalog.of(store, invocation).catalog(in: store))
    }
    if !leftOut.isEmpty {
      let total = leftOut.reduce(0) { $0 + $1.count }
      Terminal.error(
        "Note: left out \(total) \(total == 1 ? "policy" : "policies") in data access groups '\(actor)' does not "
          + "hold: \(leftOut.map { "\($0.group) (\($0.count))" }.joined(separator: ", ")).")
    }
    // On PostgreSQL row-level security hides the other groups' policies from the login itself: the
    // replay neither sees nor can count them, and said nothing (PostgreSQL trial).
    var seesOnlyItsGroups = false
    if store.dialect == .postgres, let login = store.databaseLogin {
      seesOnlyItsGroups = !(try store.seesEveryPolicy(login))
    }
    if seesOnlyItsGroups {
      Terminal.error(
        "Note: your login '\(store.databaseLogin ?? actor)' sees only the policies of its data access groups (the "
          + "server's row-level security): any in other groups were not replayed, and cannot be counted here; a "
          + "worker's or an administrator's login replays them all.")
    }
    if canceled > 0 {
      Terminal.error(
        "Note: left out \(canceled) Canceled version\(canceled == 1 ? "" : "s"): none is processed again unless "
          + "edited (a new version); '--status Canceled' replays them.")
    }
    for unreadable in report.unreadable {
      Terminal.error(
        "Warning: policy \(unreadable.code) version \(unreadable.version) was not replayed: its stored document "
          + "cannot be read (\(unreadable.error)).")
    }
    if invocation.flag("--json") {
      var json = ReplayOutput.json(report)
      json.set(path: "catalog", to: ["directory": .string(directory), "hash": .string(catalog.hash)] as JSON)
      json.set(path: "at", to: .string(at.iso8601))
      json.set(
        path: "leftOut",
        to: .array(leftOut.map { ["group": .string($0.group), "policies": .int($0.count)] as JSON }))
      json.set(path: "loginSeesOnlyItsGroups", to: .bool(seesOnlyItsGroups))
      json.set(path: "statuses", to: .array(selection.replayedStatuses.map(JSON.string)))
      json.set(path: "canceledLeftOut", to: .int(canceled))
      Terminal.out(json.serialized(pretty: true))
    } else {
      ReplayOutput.print(report, catalog: "\(directory) (\(catalog.hash))", at: at, limit: limit)
    }
    return 0
  }
}

/// The replay's progress on stderr, drawn only when stderr is a terminal.
final class ReplayProgress {
  private let total: Int

  init?(total: Int?) {
    guard let total else { return nil }
    self.total = total
  }

  func show(_ done: Int) {
    // The total is every current version: a selection (--status, --flow, groups) replays fewer.
    Terminal.write("\rReplaying: \(done) replayed, of \(total) current versions in the store", to: 2)
  }

  func finish() { Terminal.write("\r\u{1B}[2K", to: 2) }
}
