/// `matches` with a computed pattern, `has_message`, `is_country` and `is_currency`.
extension LogicEvaluator {
  func domain(_ op: LogicOperator, _ values: [JSON]) throws(LogicError) -> JSON {
    switch op {
    case .matches:
      guard case .string(let pattern) = values[1] else {
        throw LogicError.invalidArguments("'matches' needs a pattern string, found \(Excerpt.json(values[1]))")
      }
      guard case .string(let subject) = values[0] else { return false }
      do {
        return .bool(try LogicPattern(pattern).matches(subject))
      } catch {
        throw LogicError.invalidArguments("invalid regular expression \(Excerpt.json(values[1])): \(error)")
      }
    case .hasMessage:
      return .bool(try hasMessage(values))
    default:
      guard case .string(let code) = values[0] else { return false }
      return .bool(Self.isValid(code, op))
    }
  }

  /// `is_date`, `is_country` and `is_currency` of a string (any other value answers false). One
  /// answer for the general call and for ``PathPredicateNode``, which reads the string in place.
  static func isValid(_ text: String, _ op: LogicOperator) -> Bool {
    switch op {
    case .isDate: LogicDate(parsing: text) != nil
    case .isCountry: ISOCodes.countries.contains(text)
    case .isCurrency: ISOCodes.currencies.contains(text)
    default: preconditionFailure("isValid answers is_date, is_country and is_currency, not \(op.rawValue)")
    }
  }

  /// True when any of the codes is attached; each code looked at is traced as a read of
  /// `has_message CODE`.
  private func hasMessage(_ values: [JSON]) throws(LogicError) -> Bool {
    var codes: [String] = []
    for value in values {
      switch value {
      case .string(let code): codes.append(code)
      case .array(let list):
        for element in list {
          guard case .string(let code) = element else {
            throw LogicError.invalidArguments("'has_message' needs message codes, found \(element.serialized())")
          }
          codes.append(code)
        }
      default:
        throw LogicError.invalidArguments("'has_message' needs message codes, found \(value.serialized())")
      }
    }
    for code in codes {
      let present = contextPointer.pointee.messageCodes.contains(code)
      if let recorder { recorder.record("has_message \(code)", .bool(present)) }
      if present { return true }
    }
    return false
  }
}
