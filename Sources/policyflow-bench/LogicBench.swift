import PolicyFlowCore

/// `logic --case FILE [--seconds S]`: one rule compiled once, its data parsed once, evaluated
/// over and over; every result is checked against the case's `expected`.
enum LogicBench {
  static func run(_ options: BenchOptions) throws -> JSON {
    guard let file = options.string("--case") else {
      throw BenchUsageError("'logic' needs '--case FILE' (a {\"rule\", \"data\", \"expected\"} object).")
    }
    let seconds = try options.seconds("--seconds", default: 3)
    let document = try JSON(parsing: try Bench.readFile(file))
    guard let rule = document[path: "rule"], let data = document[path: "data"],
      let expected = document[path: "expected"]
    else { throw BenchFailure("\(file) needs the members rule, data and expected") }
    let expression = try LogicExpression.compile(rule)
    let context = LogicContext()

    let first = try expression.evaluate(data, in: context)
    guard first == expected else {
      throw BenchFailure("\(file): the rule gave \(first.serialized()), expected \(expected.serialized())")
    }
    Bench.progress("logic: evaluating \(file) for \(seconds) s")
    // Rounds of a fixed size keep the clock out of the loop; the first round warms up.
    let round = 100_000
    var evaluations = 0
    var mismatches = 0
    _ = try evaluate(expression, data, context, expected, round, &mismatches)
    let start = Bench.nanoseconds()
    var elapsed = 0.0
    repeat {
      try evaluate(expression, data, context, expected, round, &mismatches)
      evaluations += round
      elapsed = Bench.seconds(since: start)
    } while elapsed < seconds
    guard mismatches == 0 else {
      throw BenchFailure("\(file): \(mismatches) evaluations differed from expected \(expected.serialized())")
    }
    let perSecond = Double(evaluations) / elapsed
    return [
      "scenario": "logic",
      "case": .string(file),
      "evaluations": .int(evaluations),
      "seconds": Bench.rounded(elapsed, 3),
      "evals_per_sec": .int(Int(perSecond)),
      "ns_per_eval": Bench.rounded(1e9 / perSecond, 2),
      "result": expected,
      "machine": Bench.machine(),
    ]
  }

  /// `count` evaluations, counting results that differ from `expected`.
  @inline(never)
  static func evaluate(
    _ expression: LogicExpression, _ data: JSON, _ context: LogicContext, _ expected: JSON, _ count: Int,
    _ mismatches: inout Int
  ) throws {
    for _ in 0..<count where try expression.evaluate(data, in: context) != expected {
      mismatches += 1
    }
  }
}
