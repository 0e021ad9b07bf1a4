import Foundation
import PolicyFlowCore
import PolicyFlowStore
import Testing

/// Help, usage errors and exit codes, following swift-argument-parser's conventions.
struct CommandLineTests {
  @Test(arguments: [
    ["--help"], ["help"], ["flows", "--help"], ["help", "flows", "check"], ["flows", "check", "-h"],
    ["policies", "validate", "--help"], ["logic", "eval", "--help"],
  ])
  func helpGoesToStdoutWithTheStandardSections(arguments: [String]) throws {
    let result = try PolicyFlowBinary.run(arguments)
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    #expect(result.stdout.hasPrefix("OVERVIEW: "))
    #expect(result.stdout.contains("\nUSAGE: policyflow"))
    #expect(result.stdout.contains("\nOPTIONS:\n"))
    #expect(result.stdout.contains("-h, --help"))
  }

  @Test func rootHelpListsSubcommands() throws {
    let result = try PolicyFlowBinary.run([])
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("SUBCOMMANDS:"))
    for name in ["flows", "policies", "logic"] { #expect(result.stdout.contains("\n  \(name) ")) }
  }

  /// The version for people, and for scripts with the store schema this build writes.
  @Test func versionAsTextAndAsJSON() throws {
    let text = try PolicyFlowBinary.run(["--version"])
    #expect(text.exitCode == 0)
    #expect(text.stdout.hasPrefix("policyflow "))
    for arguments in [["--version", "--json"], ["--json", "--version"]] {
      let json = try PolicyFlowBinary.run(arguments)
      #expect(json.exitCode == 0, "\(json.stderr)")
      let document = try JSON(parsing: json.stdout)
      #expect(document[path: "name"] == "policyflow")
      #expect(document[path: "version"]?.stringValue.map { text.stdout == "policyflow \($0)\n" } == true)
      #expect(document[path: "schemaVersion"] == .int(PolicyStore.latestSchemaVersion))
    }
  }

  @Test func unknownOptionSuggestsTheClosestAndExits64() throws {
    let result = try PolicyFlowBinary.run(["flows", "check", "--catalgo", "."])
    #expect(result.exitCode == 64)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("Error: Unknown option '--catalgo'. Did you mean '--catalog'?\n"))
    #expect(result.stderr.contains("Usage: policyflow flows check"))
    #expect(result.stderr.contains("See 'policyflow flows check --help'"))
  }

  /// `pends resolve` takes reasons or --all: given neither or both, the error says which.
  @Test(arguments: [
    (
      ["--reason", "MED"],
      "Give --reason CODE (one or more) or --all, not both: --all already resolves every open reason you may."
    ),
    ([], "Give --reason CODE (one or more), or --all for every open reason you may resolve."),
  ])
  func resolvingTakesReasonsOrAllAndSaysWhichWasWrong(_ reasons: [String], _ message: String) throws {
    let all = reasons.isEmpty ? [] : ["--all"]
    let result = try PolicyFlowBinary.run(["pends", "resolve", "P-1"] + reasons + all + ["--note", "fine"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: \(message)\nUsage: policyflow pends resolve"), "\(result.stderr)")
  }

  @Test func unknownSubcommandSuggestsTheClosest() throws {
    let result = try PolicyFlowBinary.run(["flws", "check"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: Unknown subcommand 'flws'. Did you mean 'flows'?"))
  }

  @Test func missingRequiredOptionIsAUsageError() throws {
    let result = try PolicyFlowBinary.run(["policies", "validate"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: Missing expected argument '--file <path>'."))
  }

  @Test func missingOptionValueIsAUsageError() throws {
    let result = try PolicyFlowBinary.run(["flows", "check", "--catalog"])
    #expect(result.exitCode == 64)
    #expect(result.stderr.hasPrefix("Error: Missing value for '--catalog <dir>'."))
  }

  /// An option that takes one value, given two, is refused rather than filtering by the last
  /// alone; the same value twice is harmless; an option that may be repeated keeps every value.
  @Test func anOptionGivenTwoValuesIsAUsageError() throws {
    let twice = try PolicyFlowBinary.run([
      "logic", "eval", "--rule", "{\"var\": \"a\"}", "--data", "{}", "--data={\"a\": 1}",
    ])
    #expect(twice.exitCode == 64)
    #expect(twice.stdout.isEmpty)
    #expect(
      twice.stderr.hasPrefix("Error: '--data' was given twice ('{}' and '{\"a\": 1}'); it takes one value.\n"),
      "\(twice.stderr)")
    #expect(twice.stderr.contains("Usage: policyflow logic eval"))
    let same = try PolicyFlowBinary.run([
      "logic", "eval", "--rule", "{\"var\": \"a\"}", "--data", "{\"a\": 2}", "--data", "{\"a\": 2}",
    ])
    #expect(same.exitCode == 0, "\(same.stderr)")
    #expect(same.stdout == "2\n")
  }

  @Test func optionValueMayFollowAnEqualsSign() throws {
    let result = try PolicyFlowBinary.run(["logic", "eval", "--rule={\"+\":[1,2]}"])
    #expect(result.exitCode == 0)
    #expect(result.stdout == "3\n")
  }

  /// `--data` is read as a policy is imported: an integer beyond 64 bits is refused rather than
  /// rounded (an amount of 1234567890123456789012 minor units printed as 1.2345678901234568e+21),
  /// and a name given twice rather than read as its last value. A rule's constants are not.
  @Test func logicEvalRefusesDataItWouldReadAsSomethingElse() throws {
    let rounded = try PolicyFlowBinary.run([
      "logic", "eval", "--rule", #"{"var":"a"}"#, "--data", #"{"a":1234567890123456789012}"#,
    ])
    #expect(rounded.exitCode == 64)
    #expect(rounded.stdout.isEmpty)
    #expect(
      rounded.stderr.hasPrefix(
        "Error: Refused the JSON of '--data <json>' at column 6: the integer 1234567890123456789012 does not fit in 64 bits"
      ))
    let twice = try PolicyFlowBinary.run(["logic", "eval", "--rule", #"{"var":"a"}"#, "--data", #"{"a":1,"a":2}"#])
    #expect(twice.exitCode == 64)
    #expect(twice.stderr.contains("appears twice"))
    let exact = try PolicyFlowBinary.run([
      "logic", "eval", "--rule", #"{"var":"a"}"#, "--data", #"{"a":9223372036854775807}"#,
    ])
    #expect(exact.stdout == "9223372036854775807\n")
  }

  /// An argument of 100 kB (a rule pasted where `--rule` was forgotten) is quoted short.
  @Test func aHugeUnexpectedArgumentIsQuotedAsAnExcerpt() throws {
    let huge = String(repeating: "[", count: 100_000)
    let result = try PolicyFlowBinary.run(["logic", "eval", huge])
    #expect(result.exitCode == 64)
    let first = try #require(result.stderr.split(separator: "\n").first)
    #expect(first == "Error: Unexpected argument '\(String(repeating: "[", count: 60))…' (100000 bytes).")
    #expect(result.stderr.utf8.count < 500)
  }
}
