import Foundation
import PolicyFlowCore
import PolicyFlowStore

/// The worker's log on stderr: one line per event, human or JSON; on a terminal, also a live
/// line with the processing rate. When stderr is systemd's journal, human lines carry their
/// syslog priority (`<4>`) instead of a time stamp. `quiet` keeps warnings and errors only.
final class WorkerLog {
  let json: Bool
  let journal = JournalStream.isStandardError
  var quiet = false
  /// Counted against the queue depth on the live line (`worker --drain`).
  var draining = false
  private(set) lazy var live = isatty(2) == 1 && !quiet
  let start = StoreTime.now()
  var processed = 0
  /// Reads the queue depth for the live line; asked at most once a second.
  var queueDepth: () -> Int? = { nil }
  private var lastDepth: (at: Int64, value: Int?, processed: Int) = (0, nil, 0)

  init?(format: String) {
    switch format {
    case "human": json = false
    case "json": json = true
    default: return nil
    }
  }

  func record(_ event: WorkerEvent) {
    switch event {
    case .started(let owner, let hash):
      line(
        "worker \(owner) started with catalog \(hash)",
        fields: ["event": "started", "owner": .string(owner), "catalog": .string(hash)])
    case .claimed(let count, let expires):
      line(
        "claimed \(count) activit\(count == 1 ? "y" : "ies"), lease until \(expires.iso8601)",
        fields: ["event": "claimed", "count": .int(count), "leaseExpires": .string(expires.iso8601)])
    case .claimedApart(let count, let expiredLeases):
      line(
        "\(count) activit\(count == 1 ? "y" : "ies") came back after the worker holding \(count == 1 ? "it" : "them") "
          + "stopped before committing (up to \(expiredLeases) time\(expiredLeases == 1 ? "" : "s")): "
          + "claimed apart, with nothing else in hand",
        fields: ["event": "claimed-apart", "count": .int(count), "expiredLeases": .int(expiredLeases)])
    case .committed(let count, let byStatus, let milliseconds):
      processed += count
      let mix = byStatus.keys.sorted().map { "\($0) \(byStatus[$0]!)" }.joined(separator: ", ")
      var fields: JSON = ["event": "committed", "count": .int(count), "milliseconds": .int(milliseconds)]
      for (status, n) in byStatus { fields.set(path: "byStatus.\(status)", to: .int(n)) }
      line("committed \(count) in \(milliseconds) ms (\(mix))", fields: fields)
      showRate()
    case .leaseLost(let ids, let held, let lease):
      // Held past the lease by this worker itself: a commit slower than the lease loses every
      // batch, and the policies end up parked as if their worker had crashed.
      let slow =
        held >= lease
        ? "; this worker held them \(held / 1000) s, longer than the lease (--lease \(lease / 1000)): if this repeats, "
          + "the store is too slow for the lease, so raise --lease" : ""
      line(
        "lease lost on \(ids.count) activit\(ids.count == 1 ? "y" : "ies") (\(ids.map(String.init).joined(separator: ", "))): "
          + "their lease expired before the commit (a stall, or another worker took them over); "
          + "nothing of them was applied" + slow,
        fields: ["event": "lease-lost", "activities": .array(ids.map { .int(Int($0)) })], priority: .warning)
    case .retrying(let attempt, let delay, let error):
      line(
        "transient failure (attempt \(attempt)), retrying in \(delay) ms: \(error)",
        fields: [
          "event": "retrying", "attempt": .int(attempt), "delayMilliseconds": .int(Int(delay)), "error": .string(error),
        ], priority: .notice)
    case .recovered(let attempts, let milliseconds):
      line(
        "recovered: the retried operation went through at attempt \(attempts), "
          + "\(milliseconds / 1000).\((milliseconds % 1000) / 100) s after its first try",
        fields: ["event": "recovered", "attempts": .int(attempts), "milliseconds": .int(Int(milliseconds))],
        priority: .notice)
    case .released(let ids, let error):
      line(
        "gave back \(ids.count) activit\(ids.count == 1 ? "y" : "ies") for a later retry: \(error)",
        fields: ["event": "released", "activities": .array(ids.map { .int(Int($0)) }), "error": .string(error)],
        priority: .warning)
    case .chainsUnchecked(let error):
      line(
        "a batch runs without its documents checked against their chains: \(error)",
        fields: ["event": "chainsUnchecked", "error": .string(error)], priority: .warning)
    case .parked(let id, let policy, let error):
      line(
        "parked activity \(id) (policy \(policy)) as failed: \(error); 'policyflow queue retry \(id) --as <administrator>' queues it again",
        fields: ["event": "parked", "activity": .int(Int(id)), "policy": .string(policy), "error": .string(error)],
        priority: .warning)
    case .catalogSwitched(let from, let to):
      line(
        "switched to the published catalog \(to) (was \(from))",
        fields: ["event": "catalog-switched", "from": .string(from), "catalog": .string(to)])
    case .drained:
      line("queue drained; exiting", fields: ["event": "drained"])
    case .stopping:
      line("the batches in hand are committed; exiting", fields: ["event": "stopping"])
    }
  }

  func summary(_ totals: WorkerTotals) {
    let mix = totals.processedByStatus.keys.sorted().map { "\($0) \(totals.processedByStatus[$0]!)" }.joined(
      separator: ", ")
    var fields: JSON = [
      "event": "summary", "processed": .int(totals.processed), "retries": .int(totals.retries),
      "failures": .int(totals.failures), "parked": .int(totals.parked),
    ]
    for (status, n) in totals.processedByStatus { fields.set(path: "byStatus.\(status)", to: .int(n)) }
    // Failures are named only when there were any, as what became of them: work given back is
    // queued again (and usually processed later), work parked waits in `policyflow queue`.
    let givenBack = totals.failures - totals.parked
    var failures = ""
    if givenBack > 0 {
      failures += ", \(givenBack) given back after a failed commit (queued again)"
    }
    if totals.parked > 0 { failures += ", \(totals.parked) parked as failed (see 'policyflow queue')" }
    line(
      "processed \(totals.processed)\(mix.isEmpty ? "" : " (\(mix))"), \(totals.retries) retries\(failures)",
      fields: fields)
  }

  func line(_ text: String, fields: JSON, priority: JournalStream.Priority = .info) {
    if let rendered = format.render(text, fields: fields, priority: priority) { Terminal.error(rendered) }
  }

  /// How lines are written, as a value that another thread (a signal's handler) may use.
  var format: WorkerLogFormat { WorkerLogFormat(json: json, journal: journal, live: live, quiet: quiet) }

  private func showRate() {
    guard live, !json else { return }
    let now = StoreTime.now().milliseconds
    let seconds = max(Double(now - start.milliseconds) / 1000, 0.001)
    if now - lastDepth.at >= 1000 { lastDepth = (now, queueDepth(), processed) }
    let rate = "\(Int(Double(processed) / seconds))/s"
    if draining, let depth = lastDepth.value {
      // The depth is read once a second; what this worker committed since comes off it.
      let left = max(0, depth - (processed - lastDepth.processed))
      // Draining has an end: how far along, as a share of what this worker has seen.
      let percent = processed + left == 0 ? 100 : processed * 100 / (processed + left)
      Terminal.write("draining: \(processed) processed (\(rate)), \(left) left, \(percent)%", to: 2)
      return
    }
    let depth = lastDepth.value.map { ", queue depth \($0)" } ?? ""
    Terminal.write("processed \(processed) (\(rate))\(depth)", to: 2)
  }
}

/// How the worker's log writes a line: JSON, the journal's priority prefix or a time stamp, and
/// whether warnings and errors only.
struct WorkerLogFormat: Sendable {
  let json: Bool
  let journal: Bool
  /// A live rate line is on the terminal: a line first clears it.
  let live: Bool
  let quiet: Bool

  /// The line to write for an event, nil when `quiet` drops it.
  func render(_ text: String, fields: JSON, priority: JournalStream.Priority = .info) -> String? {
    if quiet, priority == .info || priority == .notice { return nil }
    // One line per event: a driver's message may hold line breaks (libpq's "…\n\tIs the server
    // running…"), which would split an event in the human log and the journal.
    let text = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(
      separator: " ")
    let time = StoreTime.now().iso8601
    if json {
      var object = fields
      object.set(path: "time", to: .string(time))
      object.set(path: "message", to: .string(text))
      return object.serialized()
    } else if journal {
      return JournalStream.line(text, priority: priority)
    } else {
      return (live ? "\r\u{1B}[K" : "") + "\(time) \(text)"
    }
  }
}
