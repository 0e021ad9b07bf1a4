/// What an expression may know beyond its data: the reference time of the cycle and the codes of
/// the messages attached to the policy so far (for the message-present operator).
public struct LogicContext: Sendable {
  public var now: Timestamp
  public var messageCodes: Set<String>

  public init(now: Timestamp = Timestamp(secondsSinceEpoch: 0), messageCodes: Set<String> = []) {
    self.now = now
    self.messageCodes = messageCodes
  }
}
