/// A flow's `calculation` member while the catalog is read.
struct CalculationDraft {
  var currency: LogicExpression?
  var lines: [CalculationLineDraft]
  var calculateOnCancellation: Bool
  var cancellationLines: [CalculationLineDraft]
  var feesFromInception: Bool

  /// The definition, or nil when a part is missing or did not compile (already reported).
  var definition: CalculationDefinition? {
    guard let currency else { return nil }
    let premium = lines.compactMap(\.definition)
    let fees = cancellationLines.compactMap(\.definition)
    guard premium.count == lines.count, fees.count == cancellationLines.count else { return nil }
    return CalculationDefinition(
      currency: currency, lines: premium, calculateOnCancellation: calculateOnCancellation, cancellationLines: fees,
      feesFromInception: feesFromInception)
  }
}

struct CalculationLineDraft {
  var code: Located<String>?
  var description: String?
  var amount: LogicExpression?
  var refundable: Bool
  /// The constant `var` paths the amount reads, each where it is written.
  var reads: [Located<String>]

  var definition: CalculationLineDefinition? {
    guard let code, let description, let amount else { return nil }
    var line = CalculationLineDefinition(
      code: code.value, description: description, amount: amount, refundable: refundable)
    line.definedAt = code.site
    return line
  }
}

extension CatalogAssembler {
  /// The names under `cancellation.` a cancellation line may read.
  static let cancellationInputs = ["date", "daysCovered", "daysInTerm", "fromInception", "earned", "premiumPaid"]

  /// Reads a flow's `calculation` and checks it on its own: line codes unique (and not the
  /// reserved `PREMIUM_PAID`), and every `lines.CODE` a line reads computed before it, because a
  /// misspelt or later line would silently read as null, which arithmetic takes as 0.
  mutating func collectCalculation(_ reader: ObjectReader, flow: String) -> CalculationDraft {
    var lines: [CalculationLineDraft] = []
    for item in reader.objects("lines") { lines.append(collectLine(item)) }
    let cancellation = reader.child("cancellation")
    var fees: [CalculationLineDraft] = []
    for item in cancellation?.objects("lines") ?? [] { fees.append(collectLine(item)) }
    let calculateOnCancellation = reader.bool("calculateOnCancellation") ?? false

    var seen: [String: DefinitionLocation] = [:]
    for (index, line) in (lines + fees).enumerated() {
      guard let code = line.code else { continue }
      if code.value == PremiumCalculator.premiumPaidCode {
        error(
          code.site,
          "line code \(Excerpt.name(code.value)) is reserved for the premium paid in a cancellation; choose another code"
        )
      } else if let earlier = seen[code.value] {
        error(
          code.site,
          "duplicate calculation line code \(Excerpt.name(code.value)) in flow \(Excerpt.name(flow)); first at \(earlier.location)"
        )
      }
      checkReads(of: line, code: code.value, readable: Set(seen.keys), isFee: index >= lines.count)
      if let fraction = line.amount.flatMap({ Self.firstFraction(in: $0.source) }) {
        warning(
          code.site,
          "line \(Excerpt.name(code.value)) writes the fraction \(fraction.serialized()): a calculation line computes "
            + "with whole numbers, exactly, and fails with CALCULATION_ERROR where a fraction takes part in "
            + "arithmetic; write a rate as integers and divide last, e.g. {\"/\": [{\"*\": [amount, 725]}, 10000]} "
            + "for 7.25%")
      }
      if seen[code.value] == nil { seen[code.value] = code.site }
    }
    return CalculationDraft(
      currency: compile(reader, "currency"), lines: lines, calculateOnCancellation: calculateOnCancellation,
      cancellationLines: fees, feesFromInception: cancellation?.bool("feesFromInception") ?? false)
  }

  private mutating func collectLine(_ item: ObjectReader) -> CalculationLineDraft {
    let reads = item.object["amount"].map { Self.varReads(in: $0, at: item.pointer("amount")) } ?? []
    return CalculationLineDraft(
      code: item.located("code"), description: item.string("description"), amount: compile(item, "amount"),
      refundable: item.bool("refundable") ?? true,
      reads: reads.map { Located(value: $0.path, site: item.source.site($0.pointer)) })
  }

  /// Reports `lines.X` reads of lines not computed before `line`, and `cancellation.x` reads that
  /// do not exist (or appear in a premium line, which has no cancellation).
  private mutating func checkReads(
    of draft: CalculationLineDraft, code line: String, readable: Set<String>, isFee: Bool
  ) {
    for read in draft.reads {
      let parts = read.value.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
      guard parts.count >= 2 else { continue }
      let site = read.site
      switch parts[0] {
      case "lines" where !readable.contains(parts[1]):
        var message = "line \(Excerpt.name(line)) reads 'lines.\(parts[1])', which is not computed before it; "
        message +=
          readable.isEmpty
          ? "it is the first line, so it can read no other line"
          : "a line can read only the lines above it (\(readable.sorted().joined(separator: ", ")))"
        if isFee { message += " and the premium lines" }
        error(site, message)
      case "cancellation" where !isFee:
        error(
          site,
          "premium line \(Excerpt.name(line)) reads \(Excerpt.name(read.value)); cancellation values exist only in the cancellation lines"
        )
      case "cancellation" where !Self.cancellationInputs.contains(parts[1]):
        var message =
          "line \(Excerpt.name(line)) reads \(Excerpt.name(read.value)), which does not exist; a cancellation line can read "
        message += Self.cancellationInputs.map { "cancellation.\($0)" }.joined(separator: ", ")
        if let close = Suggestion.closest(to: parts[1], among: Self.cancellationInputs) {
          message += "; did you mean 'cancellation.\(close)'?"
        }
        error(site, message)
      default:
        break
      }
    }
  }

  /// Every constant `var` path in an expression, with the pointer of the path.
  static func varReads(in value: JSON, at pointer: String) -> [(path: String, pointer: String)] {
    switch value {
    case .array(let items):
      return items.enumerated().flatMap { varReads(in: $1, at: "\(pointer)/\($0)") }
    case .object(let object):
      if object.count == 1, let argument = object["var"] {
        let varPointer = pointer + "/var"
        if let path = argument.stringValue { return [(path, varPointer)] }
        if let path = argument.arrayValue?.first?.stringValue { return [(path, varPointer + "/0")] }
      }
      return object.flatMap { varReads(in: $0.value, at: "\(pointer)/\(JSONDocument.escape($0.key))") }
    default:
      return []
    }
  }

  /// The first number of an expression's text that is not whole (`0.0725`), depth first.
  static func firstFraction(in source: JSON) -> JSON? {
    switch source {
    case .double(let number) where number.rounded() != number: return source
    case .array(let items): return items.lazy.compactMap(firstFraction).first
    case .object(let object): return object.lazy.compactMap { firstFraction(in: $0.value) }.first
    default: return nil
    }
  }
}
