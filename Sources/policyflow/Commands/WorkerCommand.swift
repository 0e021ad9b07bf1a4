import Dispatch
import Foundation
import PolicyFlowCore
import PolicyFlowStore
import Synchronization

/// Set by SIGTERM, SIGINT or SIGHUP; the worker commits the batches in hand and exits 0.
private let stopRequested = Atomic<Bool>(false)
/// When the first of those signals came (milliseconds since the epoch; 0 before any): one a
/// second or more later exits at once.
private let firstStopSignal = Atomic<Int64>(0)

/// `policyflow worker`: the daemon that processes submitted policies.
enum WorkerCommand {
  static let command = Command(
    name: "worker",
    abstract: "Process submitted policies from the queue until stopped.",
    discussion: """
      Claims batches under a lease, runs each policy's cycle against the catalog (snapshotted in the store \
      by hash), and commits each batch in one transaction; the next batch's cycles run on a second \
      thread while one commits. SIGTERM, SIGINT or SIGHUP: nothing more is claimed, the batches in hand are \
      committed, then the worker exits 0 (a log reader that goes away does not stop it); a second such signal \
      a second or more later exits at once (128 + the signal's number) without committing them: their policies go back to the queue \
      when the lease ends, as if the worker had been killed. Several workers \
      may share one store. Under systemd \
      (NOTIFY_SOCKET set) it reports READY=1 once the store and catalog are open, STOPPING=1 when it \
      stops, and WATCHDOG=1 at half of WATCHDOG_USEC; when stderr is the journal, log lines carry their \
      priority instead of a time stamp.
      """,
    options: [
      StoreOptions.db, CommonOptions.catalog,
      .value("--batch", "n", "Activities per claim and commit.", default: "100"),
      .value("--lease", "seconds", "How long a claim is held before another worker may take it.", default: "30"),
      .value("--poll-interval", "ms", "Wait between looks at an empty queue.", default: "500"),
      .flag(
        "--poll-only",
        "On PostgreSQL, only poll: do not LISTEN for submitted work (for connection poolers that break LISTEN)."),
      .value("--max-attempts", "n", "Failed commits after which an activity is parked.", default: "5"),
      .flag("--drain", "Exit 0 once nothing is left to process."),
      .value("--metrics-file", "path", "Write Prometheus metrics here (textfile collector format)."),
      .value("--log-format", "format", "human or json.", default: "human"),
      .flag("--quiet", "Log warnings and errors only: no line per batch, no live rate, no summary."),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    var configuration = WorkerConfiguration(owner: "\(WorkerOwner.thisHost):\(getpid())")
    configuration.batchSize = try positive(invocation, "--batch", "n") ?? configuration.batchSize
    let lease = try positive(invocation, "--lease", "seconds") ?? 30
    guard lease <= 86_400 else {
      throw UsageError(
        message:
          "Invalid value \(Excerpt.name(lease)) for '--lease <seconds>': at most 86400 (a day); a lease is how long a "
          + "crashed worker's work waits before another worker takes it.", commandPath: invocation.commandPath)
    }
    configuration.leaseMilliseconds = Int64(lease) * 1000
    configuration.pollIntervalMilliseconds =
      try positive(invocation, "--poll-interval", "ms") ?? configuration.pollIntervalMilliseconds
    configuration.maxAttempts = try positive(invocation, "--max-attempts", "n") ?? configuration.maxAttempts
    configuration.drain = invocation.flag("--drain")
    configuration.wakesOnNotification = !invocation.flag("--poll-only")
    #if DEBUG
      // Test-only hook, see WorkerConfiguration.commitDelayMilliseconds; a release build (what is
      // installed and run in production) has no such variable.
      if let delay = Terminal.environment("POLICYFLOW_TEST_COMMIT_DELAY_MS").flatMap(Int64.init) {
        configuration.commitDelayMilliseconds = delay
      }
    #endif
    let format = invocation.value("--log-format") ?? "human"
    guard let log = WorkerLog(format: format) else {
      throw UsageError(
        message: "Invalid value \(Excerpt.name(format)) for '--log-format <format>': expected human or json.",
        commandPath: invocation.commandPath)
    }
    log.quiet = invocation.flag("--quiet")
    log.draining = configuration.drain
    let notifier = ServiceNotifier()
    defer { notifier?.stopping(status: "stopped") }
    installSignalHandlers(log.format, leaseSeconds: lease)
    // Opening the store, checking the login (before any work is claimed) and reading the
    // published catalog all wait out a server restarting meanwhile: a worker restarted by its
    // supervisor while the server restarted died between the open and the login check.
    guard
      let (store, active) = try StoreCommand.run({
        try waitingOutTheDatabase(log) {
          let store = try StoreOptions.open(invocation, forPerson: false)
          try store.requireWorkerLogin()
          return (store, try store.activeCatalog())
        }
      })
    else { return 0 }
    // The store's published catalog when there is one (every worker runs the same rules), else
    // the local files.
    let catalog: Catalog
    if let published = active {
      catalog = published
      log.line(
        "running the store's published catalog \(published.hash) (local files are not read)",
        fields: ["event": "published-catalog", "catalog": .string(published.hash)])
    } else {
      catalog = try CatalogCommand.load(CommonOptions.catalogDirectory(invocation))
    }
    log.queueDepth = { try? store.queueStatus().pending }
    // An SQLite file removed or replaced under a running worker (a restore from a backup) would
    // be worked on as it was, deleted, while new work waits in the file now at its path.
    let storeFile = StoreFileWatch(path: PostgresURI.isPostgres(store.path) ? nil : store.path)
    var storeFileGone: String?
    let metricsFile = invocation.value("--metrics-file")
    if let metricsFile {
      // Fail now rather than log the same error after every batch.
      do {
        try AtomicFile.write("", to: metricsFile)
      } catch {
        throw CommandFailure(
          message: "Cannot write the metrics file: \((error as? CommandFailure)?.message ?? "\(error)").")
      }
    }
    var lastMetrics = 0 as Int64
    var worker: Worker!
    // Written at start, after commits and while idle (at most once a second), and at exit with
    // the worker no longer running: the file never stops at the last batch but one.
    func writeMetrics(force: Bool, isRunning: Bool = true) {
      guard let metricsFile else { return }
      let now = StoreTime.now().milliseconds
      guard force || now - lastMetrics >= 1000 else { return }
      lastMetrics = now
      let text = WorkerMetrics.render(
        worker.totals, queue: try? store.queueStatus(), owner: configuration.owner,
        catalogHash: worker.cycle.catalog.hash, isRunning: isRunning)
      do {
        try AtomicFile.write(text, to: metricsFile)
      } catch {
        log.line(
          "cannot write metrics: \((error as? CommandFailure)?.message ?? "\(error)")",
          fields: ["event": "metrics-error"], priority: .error)
      }
    }
    worker = Worker(
      store: store, catalog: catalog, configuration: configuration,
      onEvent: { event in
        log.record(event)
        switch event {
        case .started(let owner, let hash):
          notifier?.ready(status: "worker \(owner) ready with catalog \(hash)")
          writeMetrics(force: true)
        case .committed: writeMetrics(force: false)
        case .drained: notifier?.stopping(status: "queue drained")
        default: break
        }
        notifier?.pingIfDue(now: StoreTime.now().milliseconds)
      },
      shouldStop: {
        // Polled between batches and while idle: the loop's heartbeat for the watchdog, and
        // the metrics' (an idle worker's file still shows the queue as it is).
        notifier?.pingIfDue(now: StoreTime.now().milliseconds)
        writeMetrics(force: false)
        // Said once, and answered every time after: a loop that polls more than once (idle, then
        // between batches) took the first answer alone, and a worker with work in hand went on
        // with the replaced file's write-ahead log, which then damaged the store put back there
        // (operator trial).
        if storeFileGone != nil { return true }
        if let gone = storeFile.change() {
          storeFileGone = gone
          log.line(
            gone + "; stopping: start the worker again to work on the store now at that path",
            fields: ["event": "store-file-gone"], priority: .error)
          return true
        }
        guard stopRequested.load(ordering: .relaxed) else { return false }
        notifier?.stopping(status: "stop requested; committing the batches in hand")
        return true
      },
      sleep: { milliseconds in
        // The test hook says when it holds a commit, so that a test can stop the worker there
        // (between transactions) rather than guess the moment.
        if configuration.commitDelayMilliseconds > 0, milliseconds == configuration.commitDelayMilliseconds {
          log.line("test hook: holding the commit \(milliseconds) ms", fields: ["event": "test-commit-delay"])
        }
        // A long back-off still pings the watchdog: the loop is waiting, not hung.
        var left = milliseconds
        while left > 0 {
          let slice = min(left, notifier?.watchdogIntervalMilliseconds ?? left)
          Worker.sleep(slice)
          left -= slice
          notifier?.pingIfDue(now: StoreTime.now().milliseconds)
        }
      }, watchesCycles: true)
    do {
      try worker.run()
    } catch let error as any DatabaseFailure {
      // Said in one line by the runner, the SQL only with --verbose.
      writeMetrics(force: true, isRunning: false)
      throw error
    } catch {
      writeMetrics(force: true, isRunning: false)
      throw CommandFailure(message: "the worker stopped: \(error)")
    }
    writeMetrics(force: true, isRunning: false)
    log.summary(worker.totals)
    if let storeFileGone {
      // The write-ahead log the worker wrote is still at the store's path (the process ends
      // without closing its connections), and the file put back there would read its frames as
      // its own: the restored store was damaged at its next open (operator trial). Checkpointed
      // into the replaced file and emptied, it holds none.
      let emptied = (try? store.emptyWriteAheadLog()) ?? false
      throw CommandFailure(
        message: "the worker stopped: \(storeFileGone)."
          + (emptied
            ? ""
            : " Its write-ahead log (\(store.path)-wal) could not be emptied, as another process still reads the "
              + "store: stop every process that has it open before any opens the file now at that path, which would "
              + "read that log as its own."))
    }
    return 0
  }

  private static func positive(_ invocation: Invocation, _ name: String, _ placeholder: String) throws -> Int? {
    guard let text = invocation.value(name) else { return nil }
    guard let value = Int(text), value > 0 else {
      throw UsageError(
        message:
          "Invalid value \(Excerpt.name(text)) for '\(name) <\(placeholder)>': expected a whole number above zero.",
        commandPath: invocation.commandPath)
    }
    return value
  }

  /// Runs `body` (opening the store, reading its catalog) until it succeeds, waiting out a database
  /// that cannot be reached for a moment (a server restarting or shutting down, a failover) for up
  /// to a minute, with a warning each time: a worker its supervisor restarts meanwhile would
  /// otherwise exit at once. Nil when a stop is requested while it waits.
  private static func waitingOutTheDatabase<T>(_ log: WorkerLog, _ body: () throws -> T) throws -> T? {
    let deadline = StoreTime.now().milliseconds + 60_000
    var delay: Int64 = 100
    while true {
      do {
        return try body()
      } catch let error as any DatabaseFailure
        where error.isTransient && StoreTime.now().milliseconds + delay < deadline
      {
        log.line(
          "the database cannot be reached yet (\(error.message)); trying again in \(delay) ms",
          fields: ["event": "waiting-for-database", "error": .string(error.message)], priority: .warning)
        var waited: Int64 = 0
        while waited < delay {
          if stopRequested.load(ordering: .relaxed) { return nil }
          Worker.sleep(min(50, delay - waited))
          waited += 50
        }
        delay = min(delay * 2, 5_000)
      }
    }
  }

  nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []

  /// SIGTERM, SIGINT and SIGHUP (a closed terminal or ssh session) stop the worker cleanly, said
  /// at once (the batches in hand may take a while: a commit retried on a full disk); a second one
  /// exits there and then. A log reader that goes away (SIGPIPE: `| head`, a dead `| logger`)
  /// costs the log, not the batches in hand (writes to it fail and are dropped).
  private static func installSignalHandlers(_ format: WorkerLogFormat, leaseSeconds: Int) {
    signal(SIGPIPE, SIG_IGN)
    for (number, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT"), (SIGHUP, "SIGHUP")] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        let now = StoreTime.now().milliseconds
        let (isFirst, first) = firstStopSignal.compareExchange(expected: 0, desired: now, ordering: .relaxed)
        if isFirst {
          stopRequested.store(true, ordering: .relaxed)
          let text =
            "stop requested (\(name)): claiming nothing more, committing the batches in hand, then exiting; "
            + "a second signal exits at once"
          if let line = format.render(text, fields: ["event": "stop-requested", "signal": .string(name)]) {
            Terminal.error(line)
          }
          return
        }
        // One act can send two signals at once (Ctrl-C under a process runner that passes SIGTERM
        // on too; a hangup sent by the shell and the kernel): only a second signal a second or
        // more after the first is someone insisting.
        guard now - first >= 1_000 else { return }
        let text =
          "second stop signal (\(name)): exiting at once without committing the batches in hand; their policies "
          + "go back to the queue when the lease ends (--lease \(leaseSeconds) s) and a worker takes them again"
        if let line = format.render(
          text, fields: ["event": "stopped-at-once", "signal": .string(name)], priority: .warning)
        {
          Terminal.error(line)
        }
        _exit(128 + number)
      }
      source.resume()
      signalSources.append(source)
    }
  }
}

/// Whether the SQLite file a worker opened is still the one at its path: looked at no more than
/// every two seconds (a `stat`).
final class StoreFileWatch {
  private let path: String?
  private let identity: (device: UInt64, inode: UInt64)?
  private var lastLook = StoreTime.now().milliseconds

  init(path: String?) {
    self.path = path
    identity = path.flatMap(Self.identity)
  }

  private static func identity(_ path: String) -> (device: UInt64, inode: UInt64)? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return (UInt64(status.st_dev), UInt64(status.st_ino))
  }

  /// What became of the file, when it is no longer the one opened; nil while it is.
  func change() -> String? {
    guard let path, let identity else { return nil }
    let now = StoreTime.now().milliseconds
    guard now - lastLook >= 2_000 else { return nil }
    lastLook = now
    guard let current = Self.identity(path) else { return "the store file \(path) was removed" }
    guard current == identity else { return "the store file \(path) was replaced by another file" }
    return nil
  }
}

/// Writes a file so readers see the old or the new contents, never a partial one.
enum AtomicFile {
  static func write(_ text: String, to path: String) throws {
    let temporary = "\(path).tmp.\(getpid())"
    guard let file = fopen(temporary, "w") else {
      throw CommandFailure(message: "Cannot write \(path): \(String(cString: strerror(errno))).")
    }
    let written = fputs(text, file) >= 0
    let closed = fclose(file) == 0
    guard written, closed, rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw CommandFailure(message: "Cannot write \(path): \(reason).")
    }
  }
}
