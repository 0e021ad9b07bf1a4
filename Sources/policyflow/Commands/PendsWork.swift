import PolicyFlowCore
import PolicyFlowStore

/// `policyflow pends work`: an interactive loop over the open pends this user may resolve,
/// oldest first, one policy at a time under a short claim so that operators working the queue
/// side by side never review the same case at once. Each action is the command a script would
/// run (`pends resolve`, `policies decline`, `policies edit`, `policies explain`).
enum PendsWork {
  /// How long a claim lasts without a key pressed; an abandoned session frees its policy then.
  static let claimMilliseconds: Int64 = 15 * 60 * 1000

  static let command = Command(
    name: "work",
    abstract: "Work the open pends you may resolve, one policy at a time, on a terminal.",
    discussion: """
      Oldest first. For each pended policy: its key facts, the open pend reasons with the rule and the values \
      that made each fire, its history in brief; then one key: r resolve (asks for the note), d decline \
      (asks for the reason), e edit a field (PATH=JSON, then offers to submit), x the full explanation, \
      s skip, q quit. The policy is claimed while you look at it: another operator working the queue is \
      given another one. A claim ends on skip, quit or an action, or 15 minutes after your last key. \
      Needs a terminal; scripts use 'pends list' and 'pends resolve'.
      """,
    options: [
      StoreOptions.db, StoreOptions.actor, CommonOptions.catalog,
      .value("--reason", "code", "Only this pend reason."),
      .value("--step", "step", "Only pends attached in this step (name or display name)."),
      .value("--flow", "flow", "Only policies processed through this flow."),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    guard KeyReader.isInteractive else {
      throw CommandFailure(
        message: "'pends work' is interactive and needs a terminal; in scripts, list with 'policyflow pends list' "
          + "and resolve with 'policyflow pends resolve CODE --all --note TEXT'.")
    }
    let store = try StoreOptions.open(invocation)
    let actor = StoreOptions.actor(invocation)
    let filter = PolicyStore.PendFilter(
      reason: invocation.value("--reason"), step: invocation.value("--step"), flow: invocation.value("--flow"))
    var skipped: Set<String> = []
    var done = 0
    while true {
      let next = try StoreCommand.run {
        try store.claimNextPend(filter, actor: actor, skipping: skipped, leaseMilliseconds: claimMilliseconds)
      }
      guard let claim = next else {
        Terminal.out(
          "No more open pends for you to work (\(done) handled, \(skipped.count) skipped"
            + "; pends others are reviewing are left to them).")
        return 0
      }
      let outcome = try review(claim, store: store, invocation: invocation)
      try? store.release(claim)
      switch outcome {
      case .quit:
        Terminal.out("Bye: \(done) handled, \(skipped.count) skipped.")
        return 0
      case .skipped: skipped.insert(claim.code)
      case .handled: done += 1
      }
    }
  }

  enum Outcome { case handled, skipped, quit }

  /// Shows one claimed policy and carries out the keys pressed until one moves on.
  private static func review(_ claim: PendClaim, store: PolicyStore, invocation: Invocation) throws -> Outcome {
    let details = try StoreCommand.run { try store.details(claim.code, readBy: StoreOptions.actor(invocation)) }
    Terminal.out("\n" + PendCard(details: details).lines.joined(separator: "\n"))
    while true {
      Terminal.out("\n[r] resolve  [d] decline  [e] edit a field  [x] explain  [s] skip  [q] quit")
      guard let key = KeyReader.key() else { return .quit }
      guard try store.renew(claim, leaseMilliseconds: claimMilliseconds) || key == "q" || key == "s" else {
        Terminal.out("Your claim on \(claim.code) lapsed and another operator has it now; moving on.")
        return .skipped
      }
      switch key {
      case "r":
        guard let note = ask("Note (why it is resolved): ") else { continue }
        if perform(
          Pends.runResolve, "pends resolve", invocation, claim.code, values: ["--note": note], flags: ["--all"])
        {
          return .handled
        }
      case "d":
        guard let reason = ask("Reason for declining: ") else { continue }
        if perform(PoliciesDecline.run, "policies decline", invocation, claim.code, values: ["--reason": reason]) {
          return .handled
        }
      case "e":
        guard let assignment = ask("Field to set, PATH=JSON (e.g. sumAssured=50000000): ") else { continue }
        guard perform(PoliciesChange.runEdit, "policies edit", invocation, claim.code, values: ["--set": assignment])
        else { continue }
        if ask("Submit it again now? [y/n] ")?.lowercased().hasPrefix("y") == true {
          _ = perform(PoliciesSubmit.run, "policies submit", invocation, claim.code, values: [:])
        }
        return .handled
      case "x": _ = perform(PoliciesExplain.run, "policies explain", invocation, claim.code, values: [:])
      case "s": return .skipped
      case "q": return .quit
      default: Terminal.out("Unknown key '\(key)'.")
      }
    }
  }

  /// Asks for a line; nil (and nothing done) when it is empty or input ended.
  private static func ask(_ prompt: String) -> String? {
    guard let answer = KeyReader.line(prompt: prompt)?.trimmingTrailingSpaces(), !answer.isEmpty else {
      Terminal.out("Nothing entered; nothing done.")
      return nil
    }
    return answer
  }

  /// Runs another command as if typed with this session's store, user and catalog; reports its
  /// failure as that command would and returns whether it succeeded.
  private static func perform(
    _ run: (Invocation) throws -> Int32, _ name: String, _ session: Invocation, _ code: String,
    values: [String: String], flags: Set<String> = []
  ) -> Bool {
    var invocation = Invocation(commandPath: ["policyflow"] + name.split(separator: " ").map(String.init))
    for option in ["--db", "--as", "--catalog"] { invocation.values[option] = session.values[option] }
    for (option, value) in values { invocation.values[option] = [value] }
    invocation.flags = flags
    invocation.positionals = [code]
    do {
      return try run(invocation) == 0
    } catch let failure as CommandFailure {
      Terminal.error("Error: \(failure.message)")
    } catch let error as UsageError {
      Terminal.error("Error: \(error.message)")
    } catch let error as FindingError {
      Terminal.error(error.finding.description)
    } catch {
      Terminal.error("Error: \(error)")
    }
    return false
  }
}
