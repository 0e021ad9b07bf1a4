/// Computes the premium a flow declares, and the reversal and settlement when a policy is
/// canceled. Pure: the same data, flow and time give the same result.
///
/// Each line's `amount` is JsonLogic evaluated against the policy data with two reserved
/// top-level names laid over it (a policy field with either name is hidden from calculation lines):
///
/// - `lines.CODE`: the amount of a line computed before this one (premium lines see the premium
///   lines above them; cancellation lines see the earned premium lines and the fees above them);
/// - `cancellation.*` (cancellation lines only): `date` (the effective date, `YYYY-MM-DD`),
///   `daysCovered`, `daysInTerm`, `fromInception` (no day of cover used), `earned` (the premium
///   lines of the settlement together) and `premiumPaid` (the total of the results in force).
///
/// Rounding: see ``MinorUnits`` — half to even, per line, at the end of the line's expression.
public enum PremiumCalculator {
  /// A line code no catalog may use: settlements before schema 7 ended with a line of this code
  /// taking back the premium paid, and stored results still show it.
  public static let premiumPaidCode = "PREMIUM_PAID"

  static let linesSegment = LogicPath.Segment("lines")

  /// The premium of `data` by the flow's calculation, in declaration order; nil when the flow
  /// declares no calculation.
  ///
  /// - Throws: the first line that cannot be evaluated (or a currency that is not ISO 4217), with
  ///   the line's code and description in the message.
  public static func premium(for data: JSON, flow: ProcessFlow, at time: Timestamp) throws(LogicError)
    -> CalculationResult?
  {
    do {
      return try computePremium(for: data, flow: flow, at: time)
    } catch {
      throw error.logicError
    }
  }

  /// The settlement of a cancellation: the flow's lines computed again for the cover up to the
  /// cancellation date, then its cancellation lines (fees). Nil when the flow declares no
  /// calculation. Its total is what the policyholder is charged for the cover; the refund is
  /// what was in force minus that.
  ///
  /// The premium lines are computed in declaration order, each seeing the earned amounts above
  /// it as `lines.CODE`:
  /// - a line declared `refundable: false` (a policy fee) is earned in full: its amount for the
  ///   whole term, as the premium has it, even when it reads lines above it;
  /// - a line that reads lines above it (a tax, a discount) is computed again from their earned
  ///   amounts, so tax is charged on what is actually charged;
  /// - any other line is a term amount, earned pro rata by ``CancellationPeriod`` days.
  ///
  /// A cancellation from inception (no day of cover used) earns nothing, and charges the fees
  /// (`refundable: false` and cancellation lines) only when the flow says `feesFromInception`.
  ///
  /// - Parameters:
  ///   - data: the document of the version whose results were in force (its dates bound the cover).
  ///   - flow: that version's flow, as the catalog that approved it has it.
  ///   - premiumPaid: the total of the results in force, which cancellation lines read as
  ///     `cancellation.premiumPaid`.
  ///   - period: the cover up to the cancellation date.
  ///   - time: the reference time the lines' JsonLogic sees.
  /// - Throws: a line that cannot be evaluated, with its code and description.
  public static func settlement(
    of data: JSON, flow: ProcessFlow, premiumPaid: Int, period: CancellationPeriod, at time: Timestamp
  ) throws(LogicError) -> CalculationResult? {
    do {
      return try computeSettlement(of: data, flow: flow, premiumPaid: premiumPaid, period: period, at: time)
    } catch {
      throw error.logicError
    }
  }

  /// Whether canceling `data` computes a settlement: the policy's own `calculateOnCancellation`,
  /// else its flow's; and which of the two said so. Nil when the flow declares no calculation.
  public static func calculatesOnCancellation(_ data: JSON, flow: ProcessFlow?) -> (applies: Bool, setBy: String)? {
    if case .bool(let own)? = data[path: calculateOnCancellationField] { return (own, "policy") }
    guard let calculation = flow?.calculation else { return nil }
    return (calculation.calculateOnCancellation, "flow")
  }

  /// The policy attribute that overrides the flow's default.
  public static let calculateOnCancellationField = "calculateOnCancellation"

  static func computePremium(for data: JSON, flow: ProcessFlow, at time: Timestamp) throws(CalculationFailure)
    -> CalculationResult?
  {
    guard let calculation = flow.calculation else { return nil }
    let context = LogicContext(now: time, exactIntegers: true)
    let currency = try currency(of: calculation, for: data, in: context)
    var input = data
    let lines = try evaluate(calculation.lines, on: &input, in: context)
    return CalculationResult(kind: .premium, currency: currency, lines: lines)
  }

  static func computeSettlement(
    of data: JSON, flow: ProcessFlow, premiumPaid: Int, period: CancellationPeriod, at time: Timestamp
  ) throws(CalculationFailure) -> CalculationResult? {
    guard let calculation = flow.calculation else { return nil }
    let context = LogicContext(now: time, exactIntegers: true)
    // A premium approved in a code that names no money (before such codes were refused) is still
    // settled in it: refusing would leave the policy in force with no way out.
    let currency = try currency(of: calculation, for: data, in: context, settlingIn: true)
    let chargesFees = !period.isFromInception || calculation.feesFromInception
    var input = data
    input.set([linesSegment], to: .object(JSONObject(minimumCapacity: calculation.lines.count)))
    // The lines as the premium has them, for the whole term: what a line not refundable charges
    // in full, even when it reads lines above it (a fee of 2% of the base premium was charged on
    // the earned base, refunding most of it).
    var wholeTerm = input
    var lines: [CalculationLine] = []
    for definition in calculation.lines {
      let full = try amount(of: definition, on: wholeTerm, in: context)
      wholeTerm.set(definition.linePath[...], to: .int(full))
      let (amount, description): (Int, String)
      if !definition.refundable {
        (amount, description) =
          chargesFees
          ? (full, "\(definition.description) (not refundable)")
          : (0, "\(definition.description) (not charged from inception)")
      } else if definition.readsEarlierLines {
        (amount, description) = (
          try self.amount(of: definition, on: input, in: context), "\(definition.description), on the amounts charged"
        )
      } else {
        (amount, description) = (
          MinorUnits.prorate(full, period.daysCovered, period.daysInTerm),
          "\(definition.description), earned \(period.daysCovered) of \(period.daysInTerm) days"
        )
      }
      lines.append(CalculationLine(code: definition.code, description: description, amount: amount))
      input.set(definition.linePath[...], to: .int(amount))
    }
    if chargesFees {
      input.set(
        path: "cancellation",
        to: [
          "date": .string(period.effectiveDate), "daysCovered": .int(period.daysCovered),
          "daysInTerm": .int(period.daysInTerm), "fromInception": .bool(period.isFromInception),
          "earned": .int(lines.reduce(0) { $0 + $1.amount }), "premiumPaid": .int(premiumPaid),
        ])
      lines += try evaluate(calculation.cancellationLines, on: &input, in: context)
    }
    return CalculationResult(kind: .cancellation, currency: currency, lines: lines)
  }

  /// The calculation's ISO 4217 currency for `data`.
  private static func currency(
    of calculation: CalculationDefinition, for data: JSON, in context: LogicContext, settlingIn: Bool = false
  ) throws(CalculationFailure) -> String {
    let currencyValue: JSON
    do {
      currencyValue = try calculation.currency.evaluate(data, in: context)
    } catch {
      throw CalculationFailure(line: nil, source: calculation.currency.source, error: error)
    }
    guard let currency = currencyValue.stringValue,
      ISOCodes.currencies.contains(currency) || (settlingIn && ISOCodes.notMoney.contains(currency))
    else {
      let why =
        currencyValue.stringValue.map { ISOCodes.notMoney.contains($0) } == true
        ? "an ISO 4217 code for no money a policy is priced in (a precious metal, a unit of account, testing or no "
          + "currency); it must be the currency of the premium, such as \"EUR\""
        : "it must be an ISO 4217 currency code such as \"EUR\""
      throw CalculationFailure(
        line: nil, source: calculation.currency.source,
        error: LogicError.invalidArguments("the currency gave \(currencyValue.serialized()); \(why)"))
    }
    return currency
  }

  /// One line's amount on `input`, rounded to a whole minor unit.
  private static func amount(of definition: CalculationLineDefinition, on input: JSON, in context: LogicContext)
    throws(CalculationFailure) -> Int
  {
    do {
      return try MinorUnits.amount(definition.amount.evaluate(input, in: context))
    } catch {
      // What the line read, for `explain`: evaluated again with a trace, on this error path only.
      var trace = LogicTrace()
      _ = try? definition.amount.evaluate(input, in: context, trace: &trace)
      throw CalculationFailure(line: definition, source: definition.amount.source, error: error, trace: trace)
    }
  }

  /// Evaluates `definitions` in order, each one seeing the ones before it under `lines.CODE`.
  private static func evaluate(
    _ definitions: [CalculationLineDefinition], on input: inout JSON, in context: LogicContext
  ) throws(CalculationFailure) -> [CalculationLine] {
    var lines: [CalculationLine] = []
    if input.objectValue?[linesSegment.key]?.objectValue == nil {
      input.set([linesSegment], to: .object(JSONObject(minimumCapacity: definitions.count)))
    }
    for definition in definitions {
      let amount = try amount(of: definition, on: input, in: context)
      lines.append(CalculationLine(code: definition.code, description: definition.description, amount: amount))
      input.set(definition.linePath[...], to: .int(amount))
    }
    return lines
  }
}

/// A calculation that could not be completed, with the line it stopped at (nil for the currency
/// or the cancellation period) so the cycle can name it.
struct CalculationFailure: Error {
  var line: CalculationLineDefinition?
  /// The expression that failed, for `explain`.
  var source: JSON?
  var error: LogicError
  /// What the failing line read before it failed, for `explain` (a failing line showed none).
  var trace = LogicTrace()

  /// "line TAX (Insurance premium tax): …" or just the error's message.
  var message: String {
    guard let line else { return error.message }
    return "line \(line.code) (\(line.description)): \(error.message)"
  }

  var logicError: LogicError { LogicError(type: error.type, message: message, value: error.value) }
}
