/// Every problem found compiling one expression.
public struct LogicCompileFailure: Error, Sendable, CustomStringConvertible {
  public struct Problem: Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer relative to the compiled expression (`/and/2/in/1`).
    public var pointer: String
    public var message: String
    /// The JsonLogic error the problem is when the rule is evaluated as it stands:
    /// `Unknown Operator` or `Invalid Arguments`.
    public var type: String

    public init(pointer: String, message: String, type: String = LogicError.invalidArgumentsType) {
      self.pointer = pointer
      self.message = message
      self.type = type
    }

    /// `/and/1/sbustr: unknown operator 'sbustr'. Did you mean 'substr'?`
    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
  }

  public var problems: [Problem]

  public init(problems: [Problem]) { self.problems = problems }

  public var description: String { problems.map(\.description).joined(separator: "; ") }
}
