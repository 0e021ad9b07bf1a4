// Low-level code: a stored outcome's rules found by a scan of its bytes through an
// `UnsafeBufferPointer`. Benchmark: `policyflow-bench replay` (BENCHMARKS.md: reading the
// recorded outcome's rules 14.8% of the replay's CPU with a full parse, 3.8% with this scan).

/// The rules on a stored outcome (``CycleOutcome/storedText``), read by a scan of its bytes
/// instead of a parse.
///
/// Why a hand-written scan: a replay reads the recorded outcome of every policy it replays, and
/// those outcomes carry the values each rule read and the premium's lines; parsing them in full
/// to find the `rule` of each message and pend reason was 15% of `policies replay`'s CPU time
/// (perf, 50,000 generated policies, `policyflow-bench replay`), more than parsing the policies
/// themselves. The scan builds nothing: it follows strings and brackets, and reads the string
/// value of `rule` in the objects of the top-level `messages` and `pendReasons` arrays, but for
/// a message whose `code` is `RULE_ERROR` or `CALCULATION_ERROR` (the rule or premium line failed: it
/// did not fire).
///
/// Stored outcomes are written by ``CycleOutcome`` and are JSON by construction; for anything
/// the scan does not expect (an escape in a rule's name, an unterminated string, unbalanced
/// brackets) it gives nil, and the caller parses in full.
enum StoredOutcomeRules {
  static func scan(_ text: String) -> Set<String>? {
    var text = text
    return text.withUTF8 { scan($0) }
  }

  private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), colon = UInt8(ascii: ":")
  private static let messages = Array("messages".utf8), pendReasons = Array("pendReasons".utf8)
  private static let rule = Array("rule".utf8), code = Array("code".utf8)
  private static let ruleError = Array(ReplayReport.ruleError.utf8)
  private static let calculationError = Array(ReplayReport.calculationError.utf8)

  private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Set<String>? {
    var rules = Set<String>()
    // The open containers, `{` or `[`, outermost first.
    var open: [UInt8] = []
    open.reserveCapacity(8)
    var inRuleArray = false
    var isRuleKey = false
    var isCodeKey = false
    // The item being read: its rule, and whether it is a failed rule's RULE_ERROR.
    var itemRule: String?
    var itemIsRuleError = false
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case quote:
        let start = index + 1
        var end = start
        var escaped = false
        while end < bytes.count, bytes[end] != quote {
          if bytes[end] == backslash {
            escaped = true
            end += 1
          }
          end += 1
        }
        guard end < bytes.count else { return nil }
        let string = UnsafeBufferPointer(rebasing: bytes[start..<end])
        index = end + 1
        var next = index
        while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x0A || bytes[next] == 0x09 { next += 1 }
        let isKey = next < bytes.count && bytes[next] == colon
        if isKey {
          if open.count == 1 { inRuleArray = string.elementsEqual(messages) || string.elementsEqual(pendReasons) }
          if open.count == 3 {
            isRuleKey = string.elementsEqual(rule)
            isCodeKey = string.elementsEqual(code)
          }
        } else if isRuleKey || isCodeKey, open.count == 3, inRuleArray,
          open == [UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "{")]
        {
          guard !escaped else { return nil }
          if isRuleKey {
            itemRule = String(decoding: string, as: UTF8.self)
          } else {
            itemIsRuleError = string.elementsEqual(ruleError) || string.elementsEqual(calculationError)
          }
          (isRuleKey, isCodeKey) = (false, false)
        }
        continue
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        open.append(byte)
        if open.count == 3 { (isRuleKey, isCodeKey, itemRule, itemIsRuleError) = (false, false, nil, false) }
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        if open.count == 3, inRuleArray, let rule = itemRule, !itemIsRuleError { rules.insert(rule) }
        guard open.popLast() != nil else { return nil }
        if open.count < 3 { (isRuleKey, isCodeKey, itemRule) = (false, false, nil) }
      default:
        // A value after `"rule":` or `"code":` that is not a string ends the member.
        if open.count == 3, byte == UInt8(ascii: ",") { (isRuleKey, isCodeKey) = (false, false) }
      }
      index += 1
    }
    return open.isEmpty ? rules : nil
  }
}
