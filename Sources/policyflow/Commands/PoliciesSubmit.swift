import PolicyFlowCore
import PolicyFlowStore

/// `policyflow policies submit`: queue policies for a worker.
enum PoliciesSubmit {
  static let command = Command(
    name: "submit",
    abstract: "Submit policies for processing: they become In Process and are queued for a worker.",
    discussion: """
      All the policies are submitted in one transaction, or none when one is refused: then every refused \
      code is named (FILE:LINE for a code from --file). A policy already In Process is recorded as \
      "already submitted" and not queued twice. --file reads codes one a line, skipping blank lines and \
      lines starting with #; - reads them from stdin. Codes given as arguments come first; a code given \
      twice is submitted once.
      """,
    arguments: [Positional(name: "code", help: "Policy codes.", isRepeating: true, isOptional: true)],
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .repeating("--file", "path", "A file of policy codes, one a line; - reads stdin."), CommonOptions.json,
    ],
    run: run)

  /// A code to submit, and where it was read when it came from a file.
  private typealias Request = (code: String, location: String?)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let files = invocation.all("--file").map(CodeListFile.init(path:))
    guard !invocation.positionals.isEmpty || !files.isEmpty else {
      throw UsageError(
        message: "Missing expected argument '<code> ...' (or '--file <path>').", commandPath: invocation.commandPath)
    }
    var requests: [Request] = invocation.positionals.map { ($0, nil) }
    for file in files { requests += try file.entries().map { ($0.code, $0.location) } }
    // A code given twice (on the line and in a file, or twice in a list) is submitted once: its
    // second submission would be recorded in its history as "already submitted".
    var seen: Set<String> = []
    requests = requests.filter { seen.insert($0.code).inserted }
    guard !requests.isEmpty else {
      Terminal.error("Nothing to submit: \(files.map(\.label).joined(separator: ", ")) holds no policy codes.")
      return 0
    }
    let store = try StoreOptions.open(invocation)
    let codes = requests.map(\.code)
    let results: [PolicyStore.SubmitResult]
    do {
      results = try StoreCommand.run { try store.submit(codes, actor: StoreOptions.actor(invocation)) }
    } catch let refusal as SubmitRefusal {
      let failure = failure(refusal, requests)
      if invocation.flag("--json") {
        // Every refused code for a script, as stderr has them: where it was given and why.
        let refused = refusal.problems.map { problem -> JSON in
          [
            "code": .string(requests[problem.index].code),
            "place": requests[problem.index].location.map(JSON.string) ?? .null,
            "message": .string(problem.error.message),
          ]
        }
        let report: JSON = [
          "error": .string(failure.message), "exitCode": .int(Int(failure.exitCode)), "refused": .array(refused),
        ]
        Terminal.out(report.serialized(pretty: true))
      }
      throw failure
    }
    if invocation.flag("--json") {
      let entries = zip(codes, results).map { code, result -> JSON in
        ["code": .string(code), "result": .string(result == .queued ? "queued" : "alreadySubmitted")]
      }
      Terminal.out(JSON.array(entries).serialized(pretty: true))
      return 0
    }
    for (code, result) in zip(codes, results) {
      switch result {
      case .queued: Terminal.out("\(code): In Process, queued for a worker.")
      case .alreadySubmitted: Terminal.out("\(code): already submitted; recorded, not queued again.")
      }
    }
    return 0
  }

  /// Every refused code on stderr, prefixed with its FILE:LINE when it came from a file (the
  /// store's sentence names the code), then one failure. The exit code is that of the
  /// refusals when they agree (1 for an unknown code or a refused transition, 77 for a policy
  /// out of reach), else 1.
  private static func failure(_ refusal: SubmitRefusal, _ requests: [Request]) -> CommandFailure {
    let sentences = refusal.problems.map { problem in
      (requests[problem.index].location.map { "\($0): " } ?? "") + problem.error.message
    }
    let exitCodes = Set(refusal.problems.map { StoreFailure.exitCode($0.error) })
    let exitCode = exitCodes.count == 1 ? exitCodes.first ?? 1 : 1
    guard sentences.count > 1 else {
      return CommandFailure(message: sentences[0] + " Nothing was submitted.", exitCode: exitCode)
    }
    for sentence in sentences { Terminal.error(sentence) }
    return CommandFailure(
      message: "\(sentences.count) of \(requests.count) policies cannot be submitted; nothing was submitted.",
      exitCode: exitCode)
  }
}
