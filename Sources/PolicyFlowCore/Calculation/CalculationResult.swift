/// The outcome of a calculation: amounts in integer minor units of one ISO 4217 currency. The
/// lines always add up to the total.
public struct CalculationResult: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable {
    /// The premium computed when a cycle approves a policy version.
    case premium
    /// Cancels an earlier result: every line negated.
    case reversal
    /// The settlement on cancellation: earned premium, fees and the premium paid (a negative
    /// line), so the total is the refund (negative) or the amount owed (positive).
    case cancellation
  }

  public var kind: Kind
  public var currency: String
  public var lines: [CalculationLine]
  public var total: Int

  /// The total is the sum of the lines.
  public init(kind: Kind, currency: String, lines: [CalculationLine]) {
    self.kind = kind
    self.currency = currency
    self.lines = lines
    total = lines.reduce(0) { $0 + $1.amount }
  }

  /// The amount of the line with this code, if there is one.
  public subscript(code: String) -> Int? {
    lines.first { $0.code == code }?.amount
  }

  /// This result cancelled out: the same lines with every amount negated.
  public var reversed: CalculationResult {
    CalculationResult(
      kind: .reversal, currency: currency,
      lines: lines.map { CalculationLine(code: $0.code, description: $0.description, amount: -$0.amount) })
  }
}

/// One line of a result.
public struct CalculationLine: Sendable, Hashable {
  public var code: String
  public var description: String
  /// In minor units of the result's currency (`12345` is 123.45 EUR).
  public var amount: Int

  public init(code: String, description: String, amount: Int) {
    self.code = code
    self.description = description
    self.amount = amount
  }
}

extension CalculationResult {
  /// `{"kind", "currency", "lines": [{"code", "description", "amount"}], "total"}`, amounts as
  /// integers in minor units; what the store keeps and `--json` prints.
  public var json: JSON {
    // Keys interned once: a literal interns each of its keys under a lock, and a worker writes
    // a result with every approval.
    typealias Key = CalculationResult.Key
    return .object(
      JSONObject(members: [
        (Key.kind, .string(kind.rawValue)),
        (Key.currency, .string(currency)),
        (
          Key.lines,
          .array(
            lines.map {
              .object(
                JSONObject(members: [
                  (Key.code, .string($0.code)), (Key.description, .string($0.description)),
                  (Key.amount, .int($0.amount)),
                ]))
            })
        ),
        (Key.total, .int(total)),
      ]))
  }

  private enum Key {
    static let kind = JSONKey("kind")
    static let currency = JSONKey("currency")
    static let lines = JSONKey("lines")
    static let total = JSONKey("total")
    static let code = JSONKey("code")
    static let description = JSONKey("description")
    static let amount = JSONKey("amount")
  }

  /// Reads back what ``json`` wrote; nil when `json` is not such a result.
  public init?(json: JSON) {
    guard let kind = json[path: "kind"]?.stringValue.flatMap(Kind.init(rawValue:)),
      let currency = json[path: "currency"]?.stringValue, let items = json[path: "lines"]?.arrayValue,
      case .int(let total)? = json[path: "total"]
    else { return nil }
    var lines: [CalculationLine] = []
    for item in items {
      guard let code = item[path: "code"]?.stringValue, let description = item[path: "description"]?.stringValue,
        case .int(let amount)? = item[path: "amount"]
      else { return nil }
      lines.append(CalculationLine(code: code, description: description, amount: amount))
    }
    self.init(kind: kind, currency: currency, lines: lines)
    guard self.total == total else { return nil }
  }
}
