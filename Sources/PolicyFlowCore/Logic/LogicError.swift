/// A JsonLogic evaluation error: `type` is `NaN`, `Invalid Arguments`, or what `throw` threw.
public struct LogicError: Error, Sendable, Hashable, CustomStringConvertible {
  public var type: String
  public var message: String
  /// The error as JSON (`{"type": "NaN"}` or the thrown value), what `try` hands to its handler.
  public var value: JSON

  public init(type: String, message: String, value: JSON? = nil) {
    self.type = type
    self.message = message
    self.value = value ?? ["type": .string(type)]
  }

  public var description: String { "\(type): \(message)" }
}

extension LogicError {
  /// The type of an operator given values or a number of arguments it cannot work with.
  public static let invalidArgumentsType = "Invalid Arguments"
  /// The type of an operation whose operator is not known (or an object with several members).
  public static let unknownOperatorType = "Unknown Operator"

  /// Arithmetic on something that is not a number (or a result JSON cannot hold).
  static func notANumber(_ message: String) -> LogicError {
    LogicError(type: "NaN", message: message)
  }

  /// An operator given values it cannot work with.
  static func invalidArguments(_ message: String) -> LogicError {
    LogicError(type: invalidArgumentsType, message: message)
  }
}
