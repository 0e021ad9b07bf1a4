/// Why each line of a premium is what it is: the amount before and after its rounding, and every
/// value its expression read, for `policies explain` (the rules' messages carry their reads the
/// same way).
public struct PremiumExplanation: Sendable, Hashable {
  /// One line: the amount as the calculation gives it, the result of its expression before the
  /// rounding to a whole minor unit (an integer when there was nothing to round), and its reads
  /// in the order read (`lines.CODE` for a line above it).
  public struct Line: Sendable, Hashable {
    public var code: String
    public var description: String
    public var amount: Int
    public var unrounded: JSON
    public var reads: [LogicTrace.Read]
  }

  public var currency: String
  public var lines: [Line]

  /// The total of the lines, as the calculation's.
  public var total: Int { lines.reduce(0) { $0 + $1.amount } }
}

extension PremiumCalculator {
  /// The premium of `data` by the flow's calculation, as ``premium(for:flow:at:)`` computes it,
  /// with each line's reads and its value before rounding; nil when the flow declares no
  /// calculation. The same data, flow and time give the lines a cycle recorded.
  ///
  /// - Throws: as ``premium(for:flow:at:)`` does.
  public static func explainPremium(for data: JSON, flow: ProcessFlow, at time: Timestamp) throws(LogicError)
    -> PremiumExplanation?
  {
    guard let calculation = flow.calculation, let premium = try premium(for: data, flow: flow, at: time) else {
      return nil
    }
    let context = LogicContext(now: time, exactIntegers: true)
    // The input as the premium's own evaluation lays it out (``evaluate(_:on:in:)``).
    var input = data
    if input.objectValue?[linesSegment.key]?.objectValue == nil {
      input.set([linesSegment], to: .object(JSONObject(minimumCapacity: calculation.lines.count)))
    }
    var lines: [PremiumExplanation.Line] = []
    // The premium above already evaluated every line: none fails here, and each gives its amount.
    for (definition, line) in zip(calculation.lines, premium.lines) {
      var trace = LogicTrace()
      let unrounded = try definition.amount.evaluate(input, in: context, trace: &trace)
      guard try MinorUnits.amount(unrounded) == line.amount else { return nil }
      lines.append(
        PremiumExplanation.Line(
          code: definition.code, description: definition.description, amount: line.amount, unrounded: unrounded,
          reads: trace.reads))
      input.set(definition.linePath[...], to: .int(line.amount))
    }
    return PremiumExplanation(currency: premium.currency, lines: lines)
  }
}
