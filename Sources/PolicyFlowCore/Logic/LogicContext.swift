/// What an expression may know beyond its data: the reference time of the cycle and the codes of
/// the messages attached to the policy so far (for the message-present operator).
public struct LogicContext: Sendable {
  public var now: Timestamp
  public var messageCodes: Set<String>
  /// Money: arithmetic on integers that would leave exact integers (a sum or product beyond 64
  /// bits, a fraction of integers too large for a `Double` to hold exactly enough to round to the
  /// right minor unit) is an error instead of falling back to floating point, as JsonLogic does
  /// elsewhere. Calculation lines run with it.
  public var exactIntegers: Bool

  public init(
    now: Timestamp = Timestamp(secondsSinceEpoch: 0), messageCodes: Set<String> = [], exactIntegers: Bool = false
  ) {
    self.now = now
    self.messageCodes = messageCodes
    self.exactIntegers = exactIntegers
  }
}
