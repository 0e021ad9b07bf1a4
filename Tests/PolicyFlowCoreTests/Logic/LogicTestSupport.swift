import PolicyFlowCore

/// Compiles and evaluates rule and data written as JSON text.
func evaluate(_ rule: String, _ data: String = "null", context: LogicContext = LogicContext()) throws -> JSON {
  let expression = try LogicExpression.compile(try JSON(parsing: rule))
  return try expression.evaluate(try JSON(parsing: data), in: context)
}

/// The error an evaluation throws, or nil when it succeeds.
func evaluationError(_ rule: String, _ data: String = "null") throws -> LogicError? {
  let expression = try LogicExpression.compile(try JSON(parsing: rule))
  let input = try JSON(parsing: data)
  do throws(LogicError) {
    _ = try expression.evaluate(input)
    return nil
  } catch {
    return error
  }
}

/// The problems compiling a rule reports (empty when it compiles).
func compileProblems(_ rule: String) throws -> [LogicCompileFailure.Problem] {
  let json = try JSON(parsing: rule)
  do throws(LogicCompileFailure) {
    _ = try LogicExpression.compile(json)
    return []
  } catch {
    return error.problems
  }
}
