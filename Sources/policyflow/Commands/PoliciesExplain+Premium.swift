import PolicyFlowCore

/// The premium a cycle calculated, line by line, with what each line read: conditions carry
/// their reads, and an auditor could only rebuild a premium by running the catalog's formulas
/// again by hand (auditor trial).
extension PoliciesExplain {
  /// The explanation of `cycle`'s premium (nil when it calculated none): its lines computed again
  /// from the version's document with the flow of the snapshot that produced it, at the cycle's
  /// reference time (a calculation is a pure function of them), and shown only when they give the
  /// lines the cycle recorded; otherwise `note` says why the reads are not shown.
  static func premium(of cycle: JSON, data: JSON, catalog: Catalog?) -> (
    explanation: PremiumExplanation?, note: String?
  )? {
    guard let recorded = cycle[path: "calculation"].flatMap(CalculationResult.init(json:)) else { return nil }
    guard let catalog else {
      return (nil, "the catalog snapshot that calculated it is missing from the store: the values read are not shown")
    }
    guard let flow = cycle[path: "flow"]?.stringValue.flatMap({ catalog.flows[$0] }),
      let at = cycle[path: "at"]?.stringValue.flatMap(Timestamp.init(iso8601:)),
      let explained = try? PremiumCalculator.explainPremium(for: data, flow: flow, at: at),
      explained.currency == recorded.currency,
      explained.lines.map({ [$0.code: $0.amount] }) == recorded.lines.map({ [$0.code: $0.amount] })
    else {
      // An approved version's document is not changed by the engine (an edit makes a new
      // version); the snapshot's flow, or an older engine's answers, may differ.
      return (
        nil,
        "computed again from the version's document with the flow of the catalog snapshot, it does not give the "
          + "lines its cycle recorded (the document, the snapshot or the engine's arithmetic differs from that "
          + "cycle's; 'policyflow audit verify' checks the document against its history), so the values read are "
          + "not shown"
      )
    }
    return (explained, nil)
  }

  /// The premium as `--json` gives it: `lines` with each one's `unrounded` value and `reads`.
  static func json(_ premium: (explanation: PremiumExplanation?, note: String?)) -> JSON {
    guard let explanation = premium.explanation else {
      return ["explained": false, "note": .string(premium.note ?? "")]
    }
    return [
      "explained": true, "currency": .string(explanation.currency), "total": .int(explanation.total),
      "lines": .array(
        explanation.lines.map { line in
          [
            "code": .string(line.code), "description": .string(line.description), "amount": .int(line.amount),
            "unrounded": line.unrounded,
            "reads": .array(line.reads.map { ["path": .string($0.path), "value": $0.value ?? .null] as JSON }),
          ]
        }),
    ]
  }

  /// The premium as text: each line's amount and description, its value before rounding when it
  /// was rounded, and what it read.
  static func text(_ premium: (explanation: PremiumExplanation?, note: String?), recorded: JSON) -> [String] {
    guard let explanation = premium.explanation else {
      let total = CalculationResult(json: recorded).map {
        " total \(MinorUnits.format($0.total, currency: $0.currency)) \($0.currency)"
      }
      return ["\nPremium\(total ?? ""): \(premium.note ?? "")."]
    }
    var lines = [
      "\nPremium: total \(MinorUnits.format(explanation.total, currency: explanation.currency)) "
        + "\(explanation.currency), by line (amounts in \(explanation.currency); each line's value in minor units, "
        + "rounded half to even to a whole one):"
    ]
    for line in explanation.lines {
      lines.append(
        "  \(line.code)  \(MinorUnits.format(line.amount, currency: explanation.currency))  \(line.description)")
      if case .double(let value) = line.unrounded, value.rounded() != value {
        lines.append("    = \(line.unrounded.serialized()) before rounding, \(line.amount) after")
      }
      for read in line.reads {
        lines.append("    read \(read.path) = \(read.value.map { $0.serialized() } ?? "(missing)")")
      }
    }
    return lines
  }
}
