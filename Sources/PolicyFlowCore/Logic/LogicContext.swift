/// What an expression may know beyond its data: the reference time of the cycle and the codes of
/// the messages attached to the policy so far (for the message-present operator).
public struct LogicContext: Sendable {
  public var now: Timestamp
  public var messageCodes: Set<String>
  /// Money: `+ - * / %` take whole numbers only and give exact results, or fail (a sum or
  /// product beyond 64 bits, a fraction as an operand, a fraction of a numerator from 2^52 on),
  /// where JsonLogic elsewhere falls back to floating point. Calculation lines run with it.
  public var exactIntegers: Bool

  public init(
    now: Timestamp = Timestamp(secondsSinceEpoch: 0), messageCodes: Set<String> = [], exactIntegers: Bool = false
  ) {
    self.now = now
    self.messageCodes = messageCodes
    self.exactIntegers = exactIntegers
  }
}
