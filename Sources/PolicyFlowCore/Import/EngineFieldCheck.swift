/// Checks the fields the engine itself relies on, so that a bad policy is refused at import
/// with a sentence instead of failing later inside a processing cycle.
///
/// Types, required fields, `source` and the `processFlow` pattern come from the embedded
/// policy schema (``JSONSchema/policy``); the checks a schema cannot express are here: the
/// code's format, ISO 8601 dates with start ≤ end, ISO 4217 currency and the sum assured in
/// integer minor units. `source` may be left out: the import command supplies it.
struct EngineFieldCheck {
  /// One problem: the dotted path of the field and a sentence.
  struct Problem: Equatable {
    var field: String
    var sentence: String
  }

  /// Fields that hold an ISO 8601 date or date-time: `startDate`, `endDate` and any property
  /// the policy schema declares with `"format": "date"` or `"date-time"`.
  static let dateFields: Set<String> = {
    var fields: Set<String> = ["startDate", "endDate"]
    for (name, schema) in JSONSchema.policy.root[path: "properties"]?.objectValue ?? JSONObject() {
      if let format = schema[path: "format"]?.stringValue, format == "date" || format == "date-time" {
        fields.insert(name)
      }
    }
    return fields
  }()

  /// Keys interned once: looking a member up by its `String` name interns it again, under a
  /// lock, for every row (a sixth of an import's checks).
  private static let orderedDateFields = dateFields.sorted().map { (name: $0, key: JSONKey($0)) }
  private static let accessGroupKey = JSONKey("accessGroup")
  private static let currencyKey = JSONKey("currency")
  private static let sumAssuredKey = JSONKey("sumAssured")
  private static let calculateOnCancellationKey = JSONKey(PremiumCalculator.calculateOnCancellationField)

  /// Names the engine keeps outside the document, so a document may not hold them: the gid,
  /// version and status are the store's columns, and a cancellation is engine data.
  static let reservedFields: [(name: String, key: JSONKey, sentence: String)] = [
    ("gid", "the engine issues it when the policy is created"),
    ("version", "the engine numbers versions as the policy is edited"),
    ("status", "the engine sets it as the policy moves through its lifecycle"),
    ("cancellation", "a cancellation is recorded by 'policyflow policies cancel', not written into the data"),
  ].map { (name: $0.0, key: JSONKey($0.0), sentence: "is reserved for the engine (\($0.1)); remove it") }

  /// The top-level fields a rule may never derive: the schema's fields (the policy's identity
  /// and flow), its data access group and the names reserved for the engine. A derived code or
  /// group would move a policy where no person chose to (and leave it uneditable).
  static let underivableFields: Set<String> = {
    var fields: Set<String> = ["accessGroup"]
    fields.formUnion(reservedFields.map(\.name))
    fields.formUnion((JSONSchema.policy.root[path: "properties"]?.objectValue ?? JSONObject()).names)
    return fields
  }()

  /// The top-level fields a rule may derive only with a value an import would accept (a cycle
  /// checks it, ``problems(deriving:into:)``): the dates, currency, sum and cancellation setting
  /// the money is computed from.
  static let checkedFields: Set<String> = dateFields.union([
    "currency", "sumAssured", PremiumCalculator.calculateOnCancellationField,
  ])

  /// The top-level field a dotted `path` writes (its first segment), when it is one of the
  /// engine's (``underivableFields`` or ``checkedFields``).
  static func engineField(of path: String) -> String? {
    let first = String(path.prefix { $0 != "." })
    return underivableFields.contains(first) || checkedFields.contains(first) ? first : nil
  }

  /// Why setting `path` to `value` in `data` would leave a document an import refuses, in the
  /// field `path` writes: nil when it would not, or when the field is not the engine's.
  static func problem(deriving path: String, _ value: JSON, into data: JSON) -> String? {
    guard let field = engineField(of: path) else { return nil }
    if underivableFields.contains(field) {
      return "'\(field)' is a field the engine relies on (identity, access or lifecycle); a rule may not set it"
    }
    var candidate = data
    candidate.set(path: path, to: value)
    let problems = EngineFieldCheck().check(candidate).filter { $0.field == field || $0.field.hasPrefix(field + ".") }
    return problems.isEmpty ? nil : problems.map { "\($0.field): \($0.sentence)" }.joined(separator: "; ")
  }

  /// What the policy schema asks of each top-level string field, when it asks only for a type,
  /// a minimum length, an enumeration or a pattern. The validator spends about 35 µs a row
  /// building pointers and sentences, so a row that plainly meets these is passed without it;
  /// any other row, and any field the schema describes with other keywords, goes through the
  /// validator, which writes the sentences.
  private struct FastRule: Sendable {
    var field: JSONKey
    var minLength = 0
    var allowed: Set<String>?
    var pattern: String?
  }

  private static let (required, fastRules, fastPathUsable): ([JSONKey], [FastRule], Bool) = {
    let root = JSONSchema.policy.root
    let simple: Set<String> = ["description", "type", "minLength", "enum", "pattern", "title", "examples"]
    var rules: [FastRule] = []
    var usable = root[path: "additionalProperties"] == nil
    for (name, property) in root[path: "properties"]?.objectValue ?? JSONObject() {
      guard let keywords = property.objectValue?.names, keywords.allSatisfy(simple.contains) else {
        usable = false
        continue
      }
      let allowed = property[path: "enum"]?.arrayValue?.compactMap(\.stringValue)
      guard property[path: "type"] == "string" || (allowed != nil && property[path: "type"] == nil) else {
        usable = false
        continue
      }
      var rule = FastRule(field: JSONKey(name))
      if case .int(let minimum)? = property[path: "minLength"] { rule.minLength = minimum }
      rule.allowed = allowed.map(Set.init)
      rule.pattern = property[path: "pattern"]?.stringValue
      rules.append(rule)
    }
    let required = root[path: "required"]?.arrayValue?.compactMap(\.stringValue) ?? []
    return (required.filter { $0 != "source" }.map(JSONKey.init), rules, usable)
  }()

  /// `Regex` is not `Sendable`, so each checker (one per file) compiles its own, and remembers
  /// the values it has matched (a file repeats a handful of flow codes).
  private final class Patterns {
    var regexes: [String: Regex<AnyRegexOutput>] = [:]
    var matched: Set<String> = []
    /// Each top-level member name met, with the engine field it misspells, if any.
    var misspelt: [String: String?] = [:]

    func misspeltEngineField(_ name: String) -> String? {
      if let known = misspelt[name] { return known }
      let field = CSVHeader.misspeltEngineField(name)
      if misspelt.count < 1024 { misspelt[name] = field }
      return field
    }

    func matches(_ text: String, _ pattern: String) -> Bool {
      let key = pattern + "\u{0}" + text
      if matched.contains(key) { return true }
      if regexes[pattern] == nil { regexes[pattern] = try? Regex(pattern) }
      guard let regex = regexes[pattern], (try? regex.firstMatch(in: text)) != nil else { return false }
      if matched.count < 1024 { matched.insert(key) }
      return true
    }
  }

  private let patterns = Patterns()

  init() {}

  /// Whether `object` plainly meets the schema's simple rules.
  private func passesFastPath(_ object: JSONObject) -> Bool {
    guard Self.fastPathUsable else { return false }
    for key in Self.required where object[key] == nil { return false }
    for rule in Self.fastRules {
      guard let value = object[rule.field] else { continue }
      guard case .string(let text) = value else { return false }
      if rule.minLength > 0, text.count < rule.minLength { return false }
      if let allowed = rule.allowed, !allowed.contains(text) { return false }
      if let pattern = rule.pattern, !patterns.matches(text, pattern) { return false }
    }
    return true
  }

  /// Every problem with `data`'s engine fields, in field order.
  func check(_ data: JSON) -> [Problem] {
    guard case .object(let object) = data else {
      return [Problem(field: "record", sentence: "a policy must be a JSON object, found \(data.typeName)")]
    }
    let depth = data.nestingDepth
    guard depth <= PolicyImport.maximumDepth else {
      return [
        Problem(
          field: "record",
          sentence: "nests objects and arrays \(depth) levels deep; a policy nests at most \(PolicyImport.maximumDepth)"
        )
      ]
    }
    return (passesFastPath(object) ? [] : schemaProblems(data)) + fieldProblems(object)
  }

  /// Why a top-level member named close to the engine's `field` is refused.
  static func misspelling(of field: String) -> String {
    "is not a field the engine reads but is close to '\(field)', which it does: did you mean '\(field)'? (the "
      + "policy would be kept without it)"
  }

  /// Whether a policy whose top level is `topLevel` plainly has no problem, where the objects
  /// and arrays inside `topLevel` may stand in empty (``JSON/topLevel(parsing:)``). True only
  /// when ``check(_:)`` of the whole document finds nothing: neither the fast path nor the field
  /// checks read inside an object or array, and every field they check refuses one (the fast
  /// path's fields must be strings; a date, currency, amount or access group that is an object
  /// or array is a problem). False asks for the whole document and ``check(_:)``, which also
  /// writes the sentences.
  func plainlyPasses(_ topLevel: JSON) -> Bool {
    guard case .object(let object) = topLevel else { return false }
    return passesFastPath(object) && fieldProblems(object).isEmpty
  }

  /// The problems of the checks a schema cannot express, in field order.
  private func fieldProblems(_ object: JSONObject) -> [Problem] {
    var problems: [Problem] = []
    // As a CSV header's column: `calculateOnCancelation: false` imported without a word, and the
    // policy was settled on cancellation as its flow says (money trial).
    for index in 0..<object.count {
      let name = object.key(at: index).name
      guard let field = patterns.misspeltEngineField(name) else { continue }
      problems.append(Problem(field: name, sentence: Self.misspelling(of: field)))
    }
    for reserved in Self.reservedFields where object[reserved.key] != nil {
      problems.append(Problem(field: reserved.name, sentence: reserved.sentence))
    }
    if let value = object[Self.calculateOnCancellationKey], !value.isBool {
      problems.append(
        Problem(
          field: PremiumCalculator.calculateOnCancellationField,
          sentence: "must be true or false, found \(Excerpt.found(value))"
            + (["true", "false"].contains(value.stringValue?.lowercased()) ? Self.textNotBoolean : "")))
    }
    if case .string(let code)? = object[PolicyImport.codeKey], !code.isEmpty, !PolicyImport.isValidCode(code) {
      problems.append(
        Problem(
          field: "code",
          sentence:
            "\(Excerpt.name(code)) is not a valid policy code; use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        ))
    }

    // A group that is not a non-empty string would be stored as no group: visible to everyone.
    // Null says so plainly (an administrator's `--set accessGroup=null` takes a policy out of its
    // group), and is the same as no member.
    if let group = object[Self.accessGroupKey], group != .null, group.stringValue?.isEmpty != false {
      problems.append(
        Problem(
          field: "accessGroup",
          sentence:
            "must be the name of a data access group, such as \"north\", or null for none, found \(Excerpt.found(group))"
        )
      )
    }

    // The two dates compared below; a dictionary of every date field cost more than the checks.
    var start: LogicDate?
    var end: LogicDate?
    for (field, key) in Self.orderedDateFields {
      guard let value = object[key] else { continue }
      if case .string(let text) = value, let date = LogicDate(parsing: text) {
        if field == "startDate" { start = date } else if field == "endDate" { end = date }
      } else {
        let found = Excerpt.found(value)
        let why = value.stringValue.flatMap(Self.missingDay).map { " (\($0))" } ?? ""
        problems.append(
          Problem(
            field: field,
            sentence:
              "\(found) is not an ISO 8601 date\(why); write a date (2026-02-01) or a date-time with an offset "
              + "(2026-02-01T00:00:00+01:00)"
          ))
      }
    }
    if let start, let end, end.instant < start.instant {
      problems.append(
        Problem(
          field: "endDate",
          sentence: "'\(end.iso8601)' is before startDate '\(start.iso8601)'; a policy cannot end before it starts"))
    }

    if let currency = object[Self.currencyKey] {
      if case .string(let code) = currency, ISOCodes.currencies.contains(code) {
      } else {
        let found = Excerpt.found(currency)
        var sentence = "\(found) is not an ISO 4217 currency code; use three capital letters such as EUR, USD or GBP"
        if let text = currency.stringValue, ISOCodes.notMoney.contains(text.uppercased()) {
          sentence =
            "'\(text)' is an ISO 4217 code for no money a policy is priced in (a precious metal, a unit of account, "
            + "testing or no currency); use the currency of the premium, such as EUR, USD or GBP"
        } else if let text = currency.stringValue, ISOCodes.currencies.contains(text.uppercased()) {
          sentence += "; did you mean '\(text.uppercased())'?"
        }
        problems.append(Problem(field: "currency", sentence: sentence))
      }
    }

    if let sum = object[Self.sumAssuredKey] {
      switch sum {
      case .int(let amount) where amount >= 0:
        break
      case .int(let amount):
        problems.append(
          Problem(field: "sumAssured", sentence: "\(amount) is negative; a sum assured is 0 or more, in minor units"))
      // Digits in quotes (JSON): a number written as text. Not a CSV cell with a leading zero or
      // too many digits, which CSV typing leaves as text for those reasons.
      case .string(let text)
      where (1...18).contains(text.utf8.count) && text.utf8.allSatisfy({ (48...57).contains($0) })
        && (text == "0" || !text.hasPrefix("0")):
        problems.append(
          Problem(
            field: "sumAssured",
            sentence: "\(Excerpt.name(text)) is text, not a number; write the number without quotes"))
      // A whole number too large for 64 bits (a CSV cell of that many digits stays text).
      case .string(let text)
      where text.utf8.count > 18 && text.utf8.allSatisfy({ (48...57).contains($0) }) && !text.hasPrefix("0")
        && Int(text) == nil:
        problems.append(
          Problem(
            field: "sumAssured",
            sentence: "\(Excerpt.name(text)) is too large for an amount in minor units (at most \(Int.max))"))
      // A whole number written with a point or an exponent (`2.5e7`, `25000000.0`) is read as a
      // floating-point number: said so, with the digits to write (the sentence said to write a
      // whole number, of a value that was one).
      case .double(let number) where number.rounded() == number && number.magnitude < 0x1p63:
        problems.append(
          Problem(
            field: "sumAssured",
            sentence: "\(Excerpt.found(sum)) is written with a decimal point or an exponent (2.5e7), which makes it a "
              + "floating-point number, not an amount in minor units; write it in digits alone: \(Int(number))"))
      default:
        let found = Excerpt.found(sum)
        let currency = object[Self.currencyKey]?.stringValue.flatMap { ISOCodes.currencies.contains($0) ? $0 : nil }
        problems.append(
          Problem(
            field: "sumAssured",
            sentence: "\(found) is not an amount in minor units; write a whole number of the currency's minor "
              + "units, e.g. \(Self.example(in: currency ?? "EUR"))"))
      }
    }
    return problems
  }

  /// Said of the text `true` or `false` where a boolean belongs: how a CSV cell becomes one.
  static let textNotBoolean =
    " (text, not a boolean: write true or false without quotes; a CSV cell is read as text unless its column is "
    + "named with ':json', such as 'calculateOnCancellation:json')"

  /// `150000 for 1500.00 EUR`: 1500 in `currency`'s minor units.
  static func example(in currency: String) -> String {
    let decimals = MinorUnits.decimals(of: currency)
    var minor = 1500
    for _ in 0..<decimals { minor *= 10 }
    let shown = decimals == 0 ? "1500" : "1500." + String(repeating: "0", count: decimals)
    return "\(minor) for \(shown) \(currency)"
  }

  /// Why `text`, written as a date, is none when its day is not in its month: `February 2026
  /// has 28 days`; nil for any other text.
  static func missingDay(_ text: String) -> String? {
    let bytes = Array(text.utf8.prefix(10))
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      guard bytes[range].allSatisfy({ (48...57).contains($0) }) else { return nil }
      return bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) }
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month)
    else { return nil }
    let days = CivilDate.daysInMonth(month, of: year)
    guard day > days else { return nil }
    let months = [
      "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
      "December",
    ]
    return "\(months[month - 1]) \(year) has \(days) days"
  }

  /// The policy schema's violations as field problems. A missing `source` is not one: the
  /// import command's `--source` fills it in.
  private func schemaProblems(_ data: JSON) -> [Problem] {
    JSONSchema.policy.violations(of: data).compactMap { violation in
      let tokens = violation.pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
      if tokens.isEmpty, violation.message.hasPrefix("missing required key '") {
        let name = violation.message.dropFirst("missing required key '".count).prefix { $0 != "'" }
        guard name != "source" else { return nil }
        return Problem(field: String(name), sentence: "missing; every policy needs a \(name)")
      }
      let field = tokens.map { SchemaValidator.unescape($0) }.joined(separator: ".")
      var sentence = Substring(violation.message)
      if let last = tokens.last, sentence.hasPrefix("'\(SchemaValidator.unescape(last))' ") {
        sentence = sentence.dropFirst(SchemaValidator.unescape(last).count + 3)
      }
      return Problem(field: field.isEmpty ? "record" : field, sentence: String(sentence))
    }
  }
}

extension JSON {
  fileprivate var isBool: Bool {
    if case .bool = self { return true }
    return false
  }
}
