/// Computes the premium a flow declares, and the reversal and settlement when a policy is
/// canceled. Pure: the same data, flow and time give the same result.
///
/// Each line's `amount` is JsonLogic evaluated against the policy data with two reserved
/// top-level names laid over it (a policy field with either name is hidden from calculation lines):
///
/// - `lines.CODE`: the amount of a line computed before this one (premium lines see the premium
///   lines above them; cancellation lines see the earned premium lines and the fees above them);
/// - `cancellation.*` (cancellation lines only): `date` (the effective date, `YYYY-MM-DD`),
///   `daysCovered`, `daysInTerm`, `earned` (the earned premium, all premium lines together) and
///   `premiumPaid` (the total of the earlier premium result).
///
/// Rounding: see ``MinorUnits`` — half to even, per line, at the end of the line's expression.
public enum PremiumCalculator {
  /// The code of the settlement line that takes back the premium paid.
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

  /// What canceling a policy with premium result `earlier` gives.
  ///
  /// The reversal negates every line of `earlier`. When the flow says `calculateOnCancellation`,
  /// the settlement has, in order: each earlier line earned up to `effectiveDate` (pro rata by
  /// ``CancellationPeriod`` days, or in full for a line declared `refundable: false`), the flow's
  /// cancellation lines (fees), and `PREMIUM_PAID` = −`earlier.total`; its total is the refund
  /// (negative) or the amount owed (positive). Otherwise `recalculated` is nil.
  ///
  /// - Parameters:
  ///   - data: the policy's document (its `startDate` and `endDate` bound the cover).
  ///   - flow: the policy's flow, with the calculation's cancellation lines.
  ///   - earlier: the calculation result being reversed.
  ///   - effectiveDate: the first day no longer covered, `YYYY-MM-DD`.
  ///   - time: the reference time the lines' JsonLogic sees.
  /// - Throws: when the policy's `startDate`/`endDate` or `effectiveDate` are not dates, or a
  ///   cancellation line cannot be evaluated.
  public static func cancellation(
    of data: JSON, flow: ProcessFlow, earlier: CalculationResult, effectiveDate: String, at time: Timestamp
  ) throws(LogicError) -> (reversal: CalculationResult, recalculated: CalculationResult?) {
    do {
      return try computeCancellation(
        of: data, flow: flow, earlier: earlier, effectiveDate: effectiveDate, at: time)
    } catch {
      throw error.logicError
    }
  }

  static func computePremium(for data: JSON, flow: ProcessFlow, at time: Timestamp) throws(CalculationFailure)
    -> CalculationResult?
  {
    guard let calculation = flow.calculation else { return nil }
    let context = LogicContext(now: time)
    let currencyValue: JSON
    do {
      currencyValue = try calculation.currency.evaluate(data, in: context)
    } catch {
      throw CalculationFailure(line: nil, source: calculation.currency.source, error: error)
    }
    guard let currency = currencyValue.stringValue, ISOCodes.currencies.contains(currency) else {
      throw CalculationFailure(
        line: nil, source: calculation.currency.source,
        error: LogicError.invalidArguments(
          "the currency gave \(currencyValue.serialized()); it must be an ISO 4217 code such as \"EUR\""))
    }
    var input = data
    let lines = try evaluate(calculation.lines, on: &input, in: context)
    return CalculationResult(kind: .premium, currency: currency, lines: lines)
  }

  static func computeCancellation(
    of data: JSON, flow: ProcessFlow, earlier: CalculationResult, effectiveDate: String, at time: Timestamp
  ) throws(CalculationFailure) -> (reversal: CalculationResult, recalculated: CalculationResult?) {
    let reversal = earlier.reversed
    guard let calculation = flow.calculation, calculation.calculateOnCancellation else { return (reversal, nil) }
    let period: CancellationPeriod
    do {
      period = try CancellationPeriod(policy: data, effectiveDate: effectiveDate)
    } catch {
      throw CalculationFailure(line: nil, source: nil, error: error)
    }
    let nonRefundable = Set(calculation.lines.filter { !$0.refundable }.map(\.code))
    var lines = earlier.lines.map { line in
      if nonRefundable.contains(line.code) {
        return CalculationLine(
          code: line.code, description: "\(line.description) (not refundable)", amount: line.amount)
      }
      return CalculationLine(
        code: line.code, description: "\(line.description), earned \(period.daysCovered) of \(period.daysInTerm) days",
        amount: MinorUnits.prorate(line.amount, period.daysCovered, period.daysInTerm))
    }
    var input = data
    input.set(
      path: "cancellation",
      to: [
        "date": .string(period.effectiveDate), "daysCovered": .int(period.daysCovered),
        "daysInTerm": .int(period.daysInTerm), "earned": .int(lines.reduce(0) { $0 + $1.amount }),
        "premiumPaid": .int(earlier.total),
      ])
    for line in lines { input.set(path: "lines.\(line.code)", to: .int(line.amount)) }
    lines += try evaluate(calculation.cancellationLines, on: &input, in: LogicContext(now: time))
    lines.append(CalculationLine(code: premiumPaidCode, description: "Premium paid", amount: -earlier.total))
    return (reversal, CalculationResult(kind: .cancellation, currency: earlier.currency, lines: lines))
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
      let amount: Int
      do {
        amount = try MinorUnits.amount(definition.amount.evaluate(input, in: context))
      } catch {
        throw CalculationFailure(line: definition, source: definition.amount.source, error: error)
      }
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

  /// "line TAX (Insurance premium tax): …" or just the error's message.
  var message: String {
    guard let line else { return error.message }
    return "line \(line.code) (\(line.description)): \(error.message)"
  }

  var logicError: LogicError { LogicError(type: error.type, message: message, value: error.value) }
}
