import PolicyFlowCore
import PolicyFlowStore

/// What `pends work` shows of one pended policy: its key facts, each open pend reason with why
/// it fired (the rule and the values it read, from the recorded cycle), and its history in brief.
struct PendCard {
  let details: PolicyDetails

  var lines: [String] {
    let policy = details.stored.policy
    let data = policy.data
    var lines = [
      TerminalStyle.bold.apply("\(policy.code)  version \(policy.version)  \(policy.status.rawValue)")
        + "  flow \(details.processFlow ?? "-")"
    ]
    lines += facts(data).map { "  " + $0 }
    lines.append("")
    lines.append(TerminalStyle.bold.apply("Open pend reasons:"))
    let open = Set(details.pendReasons.compactMap { $0[path: "code"]?.stringValue })
    let fired = (details.lastCycle?[path: "pendReasons"]?.arrayValue ?? []).filter {
      open.contains($0[path: "code"]?.stringValue ?? "")
    }
    for reason in details.pendReasons {
      let code = text(reason, "code")
      lines.append("  \(TerminalStyle.yellow.apply(code))  \(text(reason, "description"))")
      guard let why = fired.first(where: { text($0, "code") == code }) else { continue }
      let reads = (why[path: "reads"]?.arrayValue ?? []).map {
        "\(text($0, "path")) = \($0[path: "value"].map { $0.serialized() } ?? "(missing)")"
      }
      lines.append(
        "    rule \(text(why, "rule")) in step \(text(why, "stepDisplayName"))"
          + (reads.isEmpty ? "" : ", read \(reads.joined(separator: ", "))"))
    }
    lines.append("")
    lines.append(TerminalStyle.bold.apply("History:"))
    for row in details.statusHistory.suffix(5) {
      let event = row[path: "event"]?.stringValue.map { " (\($0))" } ?? ""
      lines.append(
        "  \(text(row, "at"))  v\(text(row, "version"))  \(text(row, "status"))\(event) by \(text(row, "actor"))")
    }
    return lines
  }

  /// The facts an underwriter looks at first, where the document has them.
  private func facts(_ data: JSON) -> [String] {
    var facts: [String] = []
    let holder = [data[path: "policyholder.name"], data[path: "policyholder.country"]].compactMap { $0?.stringValue }
    if !holder.isEmpty { facts.append("policyholder " + holder.joined(separator: ", ")) }
    if let business = data[path: "lineOfBusiness"]?.stringValue {
      facts.append("line of business \(business)" + (data[path: "brand"]?.stringValue.map { ", brand \($0)" } ?? ""))
    }
    if case .int(let sum)? = data[path: "sumAssured"] {
      let currency = data[path: "currency"]?.stringValue ?? ""
      facts.append("sum assured \(MinorUnits.format(sum, currency: currency)) \(currency)")
    }
    if let start = data[path: "startDate"]?.stringValue {
      facts.append("cover \(start) to \(data[path: "endDate"]?.stringValue ?? "open end")")
    }
    if let enrollments = data[path: "enrollments"]?.arrayValue { facts.append("\(enrollments.count) enrollments") }
    return facts
  }

  private func text(_ object: JSON, _ key: String) -> String { PoliciesList.text(object, key) }
}
