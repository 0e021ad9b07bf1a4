/// Exact arithmetic on amounts in minor units (cents), with the one rounding rule of the
/// calculation: **round half to even** to a whole minor unit (banker's rounding: 0.5 → 0,
/// 1.5 → 2, 2.5 → 2, −2.5 → −2), so rounding errors do not drift one way over many policies.
public enum MinorUnits {
  /// The amount a line's JsonLogic result stands for.
  ///
  /// An integer is taken as is. A non-integer number (a line's division that does not come out
  /// even, or a fraction the data holds) is rounded half to even with
  /// `Double.rounded(.toNearestOrEven)`; a line's arithmetic gives such a fraction only from a
  /// numerator below 2^52, where it rounds as the exact fraction would (``LogicContext/exactIntegers``).
  /// Anything else (null, a string, a boolean…) is an error: an amount is never guessed.
  public static func amount(_ value: JSON) throws(LogicError) -> Int {
    switch value {
    case .int(let amount):
      // The same bound as for doubles: far above any premium, and low enough that a result's
      // lines can be summed and negated without overflowing.
      guard amount.magnitude < 9_000_000_000_000_000 else {
        throw LogicError.notANumber("\(amount) is too large to be an amount in minor units\(Self.bound)")
      }
      return amount
    case .double(let number):
      let rounded = number.rounded(.toNearestOrEven)
      guard rounded.isFinite, abs(rounded) < 9.0e15 else {
        throw LogicError.notANumber("\(value.serialized()) is too large to be an amount in minor units\(Self.bound)")
      }
      return Int(rounded)
    default:
      throw LogicError(
        type: "Invalid Arguments",
        message:
          "gave \(value == .null ? "null (a value it reads is missing?)" : "\(value.typeName) \(value.serialized())"); "
          + "an amount must be a number of minor units")
    }
  }

  /// The largest amount a line may give, said with its refusal (it was said nowhere).
  static let bound = " (a line's amount is below 9,000,000,000,000,000 minor units)"

  /// `amount × numerator ÷ denominator`, rounded half to even, in exact integer arithmetic (the
  /// product is held in 128 bits, so it cannot overflow). Used to pro-rate a premium by days.
  ///
  /// - Precondition: `denominator > 0`.
  public static func prorate(_ amount: Int, _ numerator: Int, _ denominator: Int) -> Int {
    precondition(denominator > 0, "pro-rating needs a positive denominator")
    let product = Int128(amount) * Int128(numerator)
    let divisor = Int128(denominator)
    // Truncating division, then settle the remainder by comparing twice it with the divisor.
    var quotient = product / divisor
    let remainder = product % divisor
    let twice = 2 * (remainder < 0 ? -remainder : remainder)
    let away: Int128 = product < 0 ? -1 : 1
    if twice > divisor || (twice == divisor && quotient % 2 != 0) { quotient += away }
    return Int(quotient)
  }

  /// `amount` minor units of `currency` as its major units: `179988` EUR as `1799.88`, JPY
  /// (no minor unit) as `179988`, KWD (three decimals) as `179.988`.
  public static func format(_ amount: Int, currency: String) -> String {
    format(amount, decimals: decimals(of: currency))
  }

  /// How many decimals a currency's minor unit has (ISO 4217's "minor unit"): 2 for most; 0
  /// for the currencies without one (JPY, KRW…) and for precious metals, units of account and
  /// codes without a minor unit (XAU, XDR, XXX…); 3 for BHD, IQD, JOD, KWD, LYD, OMR and TND; 4 for
  /// CLF and UYW. A code not in the list is shown with 2.
  public static func decimals(of currency: String) -> Int {
    switch currency {
    case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
      "XOF", "XPF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX":
      0
    case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": 3
    case "CLF", "UYW": 4
    default: 2
    }
  }

  /// `12345` as `123.45` for a two-decimal currency; for messages and examples.
  public static func format(_ amount: Int, decimals: Int = 2) -> String {
    guard decimals > 0 else { return String(amount) }
    var scale = 1
    for _ in 0..<decimals { scale *= 10 }
    let magnitude = amount.magnitude
    let fraction = String(magnitude % UInt(scale))
    let padded = String(repeating: "0", count: decimals - fraction.count) + fraction
    return (amount < 0 ? "-" : "") + String(magnitude / UInt(scale)) + "." + padded
  }
}
