import Foundation
import PolicyFlowCore

/// `policyflow logic eval`: evaluate JsonLogic, one expression or a stream of them.
enum LogicEval {
  static let command = Command(
    name: "eval",
    abstract: "Evaluate a JsonLogic rule against data and print the result as JSON.",
    discussion: """
      With --jsonl, reads one {"rule": R, "data": D} object per line of stdin (a missing data means null) \
      and writes exactly one line per input line, in order: {"result": V} or {"error": {"type": T, "message": M}}. \
      With --jsonl the exit status is 0 once every line is answered, error lines included. The domain \
      operators (today, now, age_at, …) use --at as the reference time.
      """,
    options: [
      .value("--rule", "json", "The JsonLogic rule."),
      .value("--data", "json", "The data the rule reads.", default: "null"),
      .flag("--jsonl", "Read rule/data pairs from stdin, one JSON object per line."),
      .value("--at", "time", "The reference time, ISO 8601.", default: "now"),
    ],
    run: run)

  static func run(_ invocation: Invocation) throws -> Int32 {
    let path = invocation.commandPath
    let context = LogicContext(
      now: try PoliciesValidate.referenceTime(invocation.value("--at"), commandPath: invocation.commandPath))
    if invocation.flag("--jsonl") {
      if invocation.value("--rule") != nil || invocation.value("--data") != nil {
        throw UsageError(
          message: "--jsonl reads rules from stdin; it cannot be combined with --rule or --data.", commandPath: path)
      }
      // Read as bytes: `readLine` replaces bytes that are not UTF-8, and the answer would be about
      // a line the user did not write.
      var lines = StandardInputLines()
      while var line = try lines.next() {
        if line.last == 0x0D { line.removeLast() }
        Terminal.out(LogicEvaluation.evaluateLine(bytes: line, context: context))
      }
      return 0
    }
    guard let ruleText = invocation.value("--rule") else {
      throw UsageError(
        message: "Missing expected argument '--rule <json>' (or --jsonl to read from stdin).", commandPath: path)
    }
    let rule = try parse(ruleText, option: "--rule", path: path)
    // The data is read as a policy is imported: a name given twice or an integer beyond 64 bits
    // would be read as something else than what was written (a rounded amount).
    let data =
      try invocation.value("--data").map { try parse($0, option: "--data", path: path, strictly: true) } ?? .null
    switch LogicEvaluation.evaluate(rule: rule, data: data, context: context) {
    case .success(let value):
      Terminal.out(value.serialized())
      return 0
    case .failure(let error):
      Terminal.error("Error: " + (error.message == error.type ? error.type : "\(error.type): \(error.message)"))
      return 1
    }
  }

  private static func parse(_ text: String, option: String, path: [String], strictly: Bool = false) throws -> JSON {
    do throws(JSONParseError) {
      return try strictly ? JSON.parsingStrictly(text) : JSON(parsing: text)
    } catch {
      let what = error.isValidJSON ? "Refused the JSON of" : "Invalid JSON for"
      throw UsageError(
        message: "\(what) '\(option) <json>' at column \(error.location.column): \(error.message).",
        commandPath: path)
    }
  }
}

/// Standard input's lines as bytes, without their line feeds, read as they arrive (a pipe
/// answered line by line stays interactive).
struct StandardInputLines {
  private var pending: [UInt8] = []
  /// Where the unread part of `pending` starts.
  private var start = 0
  /// Where to look for the next line feed: the bytes before it, from `start`, have none.
  private var scanned = 0
  private var ended = false

  /// The next line, or nil at the end of the input; a failure to read is thrown.
  mutating func next() throws -> [UInt8]? {
    while true {
      if let feed = pending[scanned...].firstIndex(of: 0x0A) {
        defer { (start, scanned) = (feed + 1, feed + 1) }
        return Array(pending[start..<feed])
      }
      scanned = pending.count
      if ended {
        guard start < pending.count else { return nil }
        defer { (start, scanned) = (pending.count, pending.count) }
        return Array(pending[start...])
      }
      pending.removeSubrange(..<start)
      (scanned, start) = (scanned - start, 0)
      var chunk = [UInt8](repeating: 0, count: 65_536)
      let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw CommandFailure(message: "Cannot read standard input: \(String(cString: strerror(errno))).")
      }
      if count == 0 {
        ended = true
      } else {
        pending += chunk[..<count]
      }
    }
  }
}
