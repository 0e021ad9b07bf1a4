/// What a replay finds about premiums: a version approved before and again whose premium the
/// candidate catalog would calculate differently (a new rate, a new line). Counted apart from
/// changed outcomes: the policy stays Approved, but what it costs moves.
public struct ReplayPremiumChange: Sendable, Hashable {
  public var code: String
  public var version: Int
  /// The currency of the recorded premium, and of the candidate's.
  public var recordedCurrency: String
  public var currency: String
  /// The total its recorded cycle calculated, and the candidate's, in minor units.
  public var recorded: Int
  public var new: Int
  /// The codes of the lines whose amount differs, with those added or removed, in the
  /// candidate's order then the recorded one's: a tax moved between lines changes no total.
  public var lines: [String] = []

  /// The new total less the recorded one; nil when the currency changed (they do not subtract).
  public var difference: Int? { recordedCurrency == currency ? new - recorded : nil }
}

extension ReplayReport {
  /// The recorded premium of a stored outcome (``CycleOutcome/storedText``): the currency and
  /// total of its `calculation`; nil when it has none.
  ///
  /// Read by a scan where the text is as the engine writes it: `calculation` is the outcome's last
  /// member and `total` its own, and no string of it holds an unescaped quote, so the last
  /// `"total":` and `"currency":"` are the calculation's (a full parse of every approved version's
  /// outcome would add a tenth to a replay). Else, parsed.
  static func recordedPremium(ofStored text: String) -> (currency: String, total: Int)? {
    if text.hasSuffix("\"calculation\":null}") { return nil }
    var text = text
    let scanned = text.withUTF8 { bytes -> (currency: String, total: Int)? in
      guard let total = ByteSearch.lastOffset(of: Array("\"total\":".utf8), in: bytes),
        let currency = ByteSearch.lastOffset(of: Array("\"currency\":\"".utf8), in: bytes), currency < total
      else { return nil }
      var index = total + 8
      var isNegative = false
      if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
        isNegative = true
        index += 1
      }
      var value = 0
      var digits = 0
      while index < bytes.count, (48...57).contains(bytes[index]), digits < 18 {
        value = value * 10 + Int(bytes[index] - 48)
        digits += 1
        index += 1
      }
      guard digits > 0, bytes[index...].elementsEqual("}}".utf8) else { return nil }
      let start = currency + 12
      guard start + 4 <= bytes.count, bytes[start + 3] == UInt8(ascii: "\"") else { return nil }
      return (String(decoding: bytes[start..<(start + 3)], as: UTF8.self), isNegative ? -value : value)
    }
    if let scanned { return scanned }
    guard let stored = try? JSON(parsing: text), let calculation = stored[path: "calculation"],
      let currency = calculation[path: "currency"]?.stringValue, case .int(let total)? = calculation[path: "total"]
    else { return nil }
    return (currency, total)
  }

  /// Counts the premium of a version approved before and by the candidate, when it differs. Only
  /// of a version Approved now: a canceled one's premium in force is its settlement, not the
  /// premium its cycle calculated (a replay counted canceled policies as priced differently, with
  /// the full term's premium as theirs now; audit trial).
  ///
  /// A premium of the same total counts too when its lines differ (a tax moved from one line to
  /// another, which replay did not show): told by the recorded calculation's text, which the
  /// engine writes as it writes the candidate's, and parsed only when the two differ.
  mutating func comparePremium(_ input: ReplayInput, outcome: CycleOutcome) {
    guard input.recorded == .approved, input.status == PolicyStatus.approved.rawValue,
      let calculation = outcome.calculation,
      let text = input.recordedOutcomeText, let recorded = Self.recordedPremium(ofStored: text)
    else { return }
    let sameTotal = recorded.currency == calculation.currency && recorded.total == calculation.total
    // Compared as UTF-8 bytes from the end (a Unicode-aware suffix test costs more).
    if sameTotal,
      text.utf8.reversed().starts(with: ("\"calculation\":" + calculation.json.serialized() + "}").utf8.reversed())
    {
      return
    }
    // The lines of a changed total are named only for the changes kept (a rate changed on every
    // version need not parse each one's calculation).
    let lines =
      sameTotal || premiumChanges.count < keptChanges ? Self.changedLines(ofStored: text, calculation) : []
    guard !sameTotal || !lines.isEmpty else { return }
    premiumChanged += 1
    if recorded.currency == calculation.currency {
      premiumDifference[calculation.currency, default: 0] += calculation.total - recorded.total
    }
    guard premiumChanges.count < keptChanges else { return }
    premiumChanges.append(
      ReplayPremiumChange(
        code: input.code, version: input.version, recordedCurrency: recorded.currency, currency: calculation.currency,
        recorded: recorded.total, new: calculation.total, lines: lines))
  }

  /// The codes of the lines whose amount differs between the stored outcome `text`'s
  /// calculation and `calculation`, with lines only one of them has. The stored calculation is
  /// the outcome's last member, and `"calculation":{` cannot occur unescaped inside a string.
  static func changedLines(ofStored text: String, _ calculation: CalculationResult) -> [String] {
    var text = text
    let member = Array("\"calculation\":".utf8)
    let object = text.withUTF8 { bytes -> String? in
      guard let start = ByteSearch.lastOffset(of: member + [UInt8(ascii: "{")], in: bytes) else { return nil }
      return String(decoding: bytes[(start + member.count)..<(bytes.count - 1)], as: UTF8.self)
    }
    guard let object, let stored = try? JSON(parsing: object) else { return calculation.lines.map(\.code) }
    var recorded: [String: Int] = [:]
    var order: [String] = []
    for line in stored[path: "lines"]?.arrayValue ?? [] {
      guard let code = line[path: "code"]?.stringValue, case .int(let amount)? = line[path: "amount"] else { continue }
      recorded[code] = amount
      order.append(code)
    }
    let now = Dictionary(calculation.lines.map { ($0.code, $0.amount) }) { first, _ in first }
    return calculation.lines.filter { recorded[$0.code] != $0.amount }.map(\.code)
      + order.filter { now[$0] == nil }
  }
}
