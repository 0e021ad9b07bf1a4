/// The premium calculation a flow declares: lines of JsonLogic that each give an amount in minor
/// units, and what happens when an approved policy is canceled.
///
/// A line's `amount` reads the policy data (after the cycle's derivations) and the lines above it
/// as `lines.CODE`. Cancellation lines (fees) also read `cancellation.*`; see ``PremiumCalculator``.
public struct CalculationDefinition: Sendable {
  /// Gives the ISO 4217 currency code of the amounts, e.g. `{"var": "currency"}` or `"EUR"`.
  public var currency: LogicExpression
  /// The premium lines, in the order they are computed and shown.
  public var lines: [CalculationLineDefinition]
  /// The default of a policy's `calculateOnCancellation`: when it applies, canceling computes
  /// the lines again for the cover up to the cancellation date and adds the cancellation lines;
  /// otherwise canceling only reverses.
  public var calculateOnCancellation: Bool
  /// Fees charged on cancellation (a cancellation fee), computed after the earned premium.
  public var cancellationLines: [CalculationLineDefinition]
  /// Whether a cancellation from inception (no day of cover used) still charges the fees: the
  /// lines declared `refundable: false` and the cancellation lines. Default false: such a
  /// cancellation charges nothing.
  public var feesFromInception: Bool

  public init(
    currency: LogicExpression, lines: [CalculationLineDefinition], calculateOnCancellation: Bool = false,
    cancellationLines: [CalculationLineDefinition] = [], feesFromInception: Bool = false
  ) {
    self.currency = currency
    self.lines = lines
    self.calculateOnCancellation = calculateOnCancellation
    self.cancellationLines = cancellationLines
    self.feesFromInception = feesFromInception
  }
}

/// One declared line of a calculation.
public struct CalculationLineDefinition: Sendable {
  /// Unique within the calculation (premium and cancellation lines together).
  public let code: String
  public var description: String
  /// JsonLogic giving the amount in minor units; a non-integer result is rounded half to even.
  public var amount: LogicExpression
  /// Where later lines read this line's amount (`lines.CODE`), interned once.
  let linePath: [LogicPath.Segment]
  /// False for a premium line that is fully earned once the policy is approved (a policy fee):
  /// a cancellation keeps all of it instead of pro-rating it by days. Ignored on cancellation lines.
  public var refundable: Bool
  /// True for a line computed from lines above it (a tax, a discount): on cancellation it is
  /// computed again from their earned amounts instead of being pro-rated itself.
  public var readsEarlierLines: Bool
  /// Where the line's code is written, for diagnostics; nil for lines built in code.
  public var definedAt: DefinitionLocation? = nil

  public init(code: String, description: String, amount: LogicExpression, refundable: Bool = true) {
    self.code = code
    self.description = description
    self.amount = amount
    self.refundable = refundable
    readsEarlierLines = CatalogAssembler.varReads(in: amount.source, at: "").contains { $0.path.hasPrefix("lines.") }
    linePath = [PremiumCalculator.linesSegment, LogicPath.Segment(code)]
  }
}
