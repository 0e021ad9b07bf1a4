/// Entry points for evaluating one rule against one data value from the command line
/// (`policyflow logic eval`): nothing here throws or prints.
public enum LogicEvaluation {
  /// Compiles and evaluates. A rule that does not compile fails with the error its first problem
  /// would be at evaluation (`Unknown Operator`, `Invalid Arguments`), with a message that lists
  /// every problem with its JSON Pointer.
  public static func evaluate(rule: JSON, data: JSON, context: LogicContext) -> Result<JSON, LogicError> {
    let expression: LogicExpression
    do {
      expression = try LogicExpression.compile(rule)
    } catch {
      let type = error.problems.first?.type ?? LogicError.invalidArgumentsType
      return .failure(LogicError(type: type, message: error.description))
    }
    do {
      return .success(try expression.evaluate(data, in: context))
    } catch {
      return .failure(error)
    }
  }

  /// ``evaluateLine(_:context:)`` for a line read as bytes: a line that is not UTF-8 is answered
  /// with an `Invalid JSON` error naming the byte and its column, not read with the byte replaced.
  public static func evaluateLine(bytes line: [UInt8], context: LogicContext) -> String {
    if let (location, byte) = UTF8Text.firstInvalidByte(in: line) {
      let hex = String(byte, radix: 16, uppercase: true)
      return errorLine(
        LogicError(
          type: "Invalid JSON",
          message: "the line is not UTF-8 text at column \(location.column) (byte 0x\(hex.count == 1 ? "0" : "")\(hex))"
        ))
    }
    return evaluateLine(String(decoding: line, as: UTF8.self), context: context)
  }

  /// One line of `--jsonl` input, `{"rule": R, "data": D}` (`data` defaults to null), to exactly
  /// one line of output: `{"result": V}` or `{"error": {"type": T, "message": M}}`.
  /// A line that is not such an object gives an `Invalid JSON` or `Invalid Input` error line.
  public static func evaluateLine(_ line: String, context: LogicContext) -> String {
    let input: JSON
    do {
      input = try JSON(parsing: line)
    } catch {
      return errorLine(LogicError(type: "Invalid JSON", message: error.description))
    }
    guard case .object(let object) = input else {
      return errorLine(
        LogicError(
          type: "Invalid Input", message: "expected an object with \"rule\" and \"data\", found \(input.typeName)"))
    }
    guard let rule = object[ruleKey] else {
      return errorLine(LogicError(type: "Invalid Input", message: "missing \"rule\""))
    }
    switch evaluate(rule: rule, data: object[dataKey] ?? .null, context: context) {
    case .success(let value):
      var output = JSONObject()
      output.set(resultKey, value)
      return JSON.object(output).serialized()
    case .failure(let error):
      return errorLine(error)
    }
  }

  private static let ruleKey = JSONKey("rule")
  private static let dataKey = JSONKey("data")
  private static let resultKey = JSONKey("result")

  private static func errorLine(_ error: LogicError) -> String {
    let line: JSON = ["error": ["type": .string(error.type), "message": .string(error.message)]]
    return line.serialized()
  }
}
