@testable import PolicyFlowCore

/// Fuzz target `logic`: one `logic eval --jsonl` line — a JSON object with a JsonLogic `rule`
/// and its `data` — compiled and evaluated, untraced and traced.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogic(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  onSmallStack {
    let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    let context = LogicContext(now: Timestamp(secondsSinceEpoch: 1_780_000_000), messageCodes: ["MSG_A"])
    _ = LogicEvaluation.evaluateLine(text, context: context)
    guard let input = try? JSON(parsing: text), let rule = input.objectValue?["rule"],
      let expression = try? LogicExpression.compile(rule)
    else { return }
    var trace = LogicTrace()
    _ = try? expression.evaluate(input.objectValue?["data"] ?? .null, in: context, trace: &trace)
  }
  return 0
}
