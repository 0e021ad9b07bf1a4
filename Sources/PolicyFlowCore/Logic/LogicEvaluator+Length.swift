/// `length`, as the community specification defines it.
extension LogicEvaluator {
  /// The number of elements of an array, or of characters (Unicode scalars, as `substr` counts
  /// them) of a string; any other value is `Invalid Arguments`.
  static func length(_ value: JSON) throws(LogicError) -> JSON {
    switch value {
    case .array(let elements): return .int(elements.count)
    case .string(let text): return .int(text.unicodeScalars.count)
    default: throw LogicError.invalidArguments("'length' takes an array or a string, found \(value.serialized())")
    }
  }
}
