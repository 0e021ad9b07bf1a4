// CONTRACT STUB — replaced by the JsonLogic implementation. The public API below is the contract
// the catalog and the engine build on; the implementation may add to it but not change it.

/// A JsonLogic expression compiled once, evaluated many times.
public struct LogicExpression: Sendable {
  /// The JSON the expression was compiled from (for display and snapshots).
  public let source: JSON

  /// Compiles `rule`, reporting every problem at once (unknown operators with a suggestion,
  /// wrong number of arguments, malformed domain-operator arguments). Each problem carries a JSON
  /// Pointer relative to `rule`, so a caller can map it to a file location.
  public static func compile(_ rule: JSON) throws(LogicCompileFailure) -> LogicExpression {
    LogicExpression(source: rule)
  }

  /// Evaluates against `data`. Errors are JsonLogic errors (`{"type": "NaN"}`, thrown values…).
  public func evaluate(_ data: JSON, in context: LogicContext = LogicContext()) throws(LogicError) -> JSON {
    source
  }

  /// Evaluates and records every value the expression read (each `var`/`val` path and what it
  /// found), for explaining an outcome.
  public func evaluate(_ data: JSON, in context: LogicContext = LogicContext(), trace: inout LogicTrace)
    throws(LogicError) -> JSON
  {
    source
  }
}

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

/// The values an evaluation read, in the order it read them.
public struct LogicTrace: Sendable, Hashable {
  public struct Read: Sendable, Hashable {
    /// The path as written in the rule (`policyholder.country`), or the operator for context
    /// reads (`has_message CODE`).
    public var path: String
    /// What was found; nil when the path was missing.
    public var value: JSON?

    public init(path: String, value: JSON?) {
      self.path = path
      self.value = value
    }
  }

  public var reads: [Read] = []

  public init(reads: [Read] = []) { self.reads = reads }
}

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

/// Every problem found compiling one expression.
public struct LogicCompileFailure: Error, Sendable {
  public struct Problem: Sendable, Hashable {
    /// JSON Pointer relative to the compiled expression (`/and/2/in/1`).
    public var pointer: String
    public var message: String

    public init(pointer: String, message: String) {
      self.pointer = pointer
      self.message = message
    }
  }

  public var problems: [Problem]

  public init(problems: [Problem]) { self.problems = problems }
}

extension JSON {
  /// JsonLogic truthiness: false, null, 0, NaN, "" and [] are false; everything else is true.
  public var isTruthy: Bool {
    switch self {
    case .null: false
    case .bool(let b): b
    case .int(let i): i != 0
    case .double(let d): d != 0 && !d.isNaN
    case .string(let s): !s.isEmpty
    case .array(let a): !a.isEmpty
    case .object: true
    }
  }
}
