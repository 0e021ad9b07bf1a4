import PolicyFlowCore

/// How a cycle outcome reads for a person and for a script.
enum OutcomeOutput {
  static func text(_ outcome: CycleOutcome, file: String, code: String?) -> String {
    var lines: [String] = []
    let flow = outcome.flowCode.map { " in flow \($0)" } ?? ""
    let stopped = outcome.disposition == .clean ? "" : (outcome.stepsRun.last.map { ", stopped at step \($0)" } ?? "")
    lines.append("\(file): \(code ?? "(no code)") → \(outcome.status.rawValue)\(flow)\(stopped)")
    if !outcome.messages.isEmpty {
      lines.append("  Messages:")
      for message in outcome.messages {
        let step = message.step.map { " in step \($0.name)" } ?? ""
        lines.append("    \(message.severity.rawValue.uppercased()) \(message.code): \(message.text)")
        lines.append("      rule \(message.rule)\(step)\(because(message.trace))")
      }
    }
    if !outcome.pendReasons.isEmpty {
      lines.append("  Pend reasons:")
      for reason in outcome.pendReasons {
        lines.append("    \(reason.code): \(reason.description)")
        lines.append("      rule \(reason.rule) in step \(reason.step.name)\(because(reason.trace))")
      }
    }
    // The premium an approval would put in force, as `policies show` lists a calculation.
    if let premium = outcome.calculation {
      lines.append(
        "  Premium: total \(MinorUnits.format(premium.total, currency: premium.currency)) \(premium.currency)")
      for line in premium.lines {
        lines.append(
          "    " + line.code.padding(24) + " "
            + MinorUnits.format(line.amount, currency: premium.currency).leftPadded(14) + "  " + line.description)
      }
    }
    return lines.joined(separator: "\n")
  }

  /// `, because sumAssured = 75000000, policyholder.country is missing`.
  static func because(_ trace: LogicTrace) -> String {
    guard !trace.reads.isEmpty else { return "" }
    var seen = Set<String>()
    let parts = trace.reads.compactMap { read -> String? in
      guard seen.insert(read.path).inserted else { return nil }
      guard let value = read.value else { return "\(read.path) is missing" }
      return "\(read.path) = \(value.serialized())"
    }
    return ", because " + parts.joined(separator: ", ")
  }
}
