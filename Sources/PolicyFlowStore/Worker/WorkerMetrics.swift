/// Prometheus text exposition of a worker's totals (node_exporter textfile collector format).
public enum WorkerMetrics {
  /// `isRunning` false for the last write, when the worker has stopped: its info gauge is 0 then,
  /// so a file left behind does not read as a live worker.
  public static func render(
    _ totals: WorkerTotals, queue: QueueStatus?, owner: String, catalogHash: String = "", isRunning: Bool = true
  ) -> String {
    let worker = "worker=\"\(escape(owner))\""
    var lines: [String] = []
    func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
      lines.append("# HELP \(name) \(help)")
      lines.append("# TYPE \(name) \(type)")
      for (labels, value) in samples {
        lines.append(labels.isEmpty ? "\(name) \(value)" : "\(name){\(labels)} \(value)")
      }
    }
    let statuses = ["Approved", "Pended", "Edit"]
    metric(
      "policyflow_processed_total", "counter", "Policies processed, by the status the cycle reached.",
      statuses.map { ("\(worker),status=\"\($0)\"", String(totals.processedByStatus[$0] ?? 0)) })
    metric(
      "policyflow_failures_total", "counter", "Activities parked as failed or given back after failures.",
      [(worker, String(totals.failures))])
    metric(
      "policyflow_retries_total", "counter", "Retries of transient database failures.",
      [(worker, String(totals.retries))])
    metric(
      "policyflow_leases_lost_total", "counter", "Activities whose lease another worker took over before commit.",
      [(worker, String(totals.leasesLost))])
    metric(
      "policyflow_worker_info", "gauge", "The catalog the worker runs (1 while it runs, 0 once it has stopped).",
      [("\(worker),catalog=\"\(escape(catalogHash))\"", isRunning ? "1" : "0")])
    // Said outright: the queue's gauges are left out while the store cannot be read, and an
    // outage showed only as series gone (SRE trial).
    metric(
      "policyflow_store_reachable", "gauge",
      "Whether the worker read the queue when it wrote this file (0: the store could not be read).",
      [(worker, queue == nil ? "0" : "1")])
    if let queue {
      let held = queue.workers.first { $0.owner == owner }?.claimed ?? 0
      metric(
        "policyflow_worker_leased", "gauge", "Activities this worker's live leases hold.", [(worker, String(held))])
      // 0 when nothing is due: an absent series reads as a broken exporter, not an empty queue.
      metric(
        "policyflow_queue_oldest_ready_seconds", "gauge", "How long the oldest activity due has waited (0: none).",
        [("", String(queue.oldestReadySeconds ?? 0))])
      metric(
        "policyflow_queue_depth", "gauge", "Activities in the queue, by state.",
        [
          ("state=\"queued\"", String(queue.queued)), ("state=\"leased\"", String(queue.leased)),
          ("state=\"failed\"", String(queue.failed.count)),
        ])
    }
    let name = "policyflow_cycle_latency_seconds"
    lines.append("# HELP \(name) Time from claiming a batch to committing it, per policy.")
    lines.append("# TYPE \(name) histogram")
    for (index, bound) in LatencyHistogram.bounds.enumerated() {
      lines.append("\(name)_bucket{\(worker),le=\"\(bound)\"} \(totals.latency.counts[index])")
    }
    lines.append("\(name)_bucket{\(worker),le=\"+Inf\"} \(totals.latency.count)")
    lines.append("\(name)_sum{\(worker)} \(totals.latency.sum)")
    lines.append("\(name)_count{\(worker)} \(totals.latency.count)")
    return lines.joined(separator: "\n") + "\n"
  }

  private static func escape(_ value: String) -> String {
    value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
