/// `--name value` / `--name=value` options and `--flag` switches of one scenario.
struct BenchOptions {
  private var values: [String: String] = [:]
  private var flags: Set<String> = []
  /// A last option with no value after it: reported by ``allow(_:for:)``, after an unknown name,
  /// so that a mistyped trailing option is called unknown rather than missing its value.
  private var dangling: String?

  /// Names of options that are switches, taking no value.
  static let switches: Set<String> = ["--keep", "--reuse"]

  init(_ arguments: [String]) throws {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      guard argument.hasPrefix("--") else { throw BenchUsageError("Unexpected argument '\(argument)'.") }
      if let equals = argument.firstIndex(of: "=") {
        values[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
      } else if BenchOptions.switches.contains(argument) {
        flags.insert(argument)
      } else {
        guard index < arguments.count else {
          dangling = argument
          break
        }
        values[argument] = arguments[index]
        index += 1
      }
    }
  }

  /// Refuses an option `scenario` does not take, naming the ones it does.
  func allow(_ names: [String], for scenario: String) throws {
    for name in Set(values.keys).union(flags).union(dangling.map { [$0] } ?? []).sorted() where !names.contains(name) {
      throw BenchUsageError(
        "Unknown option '\(name)' for '\(scenario)'; it takes \(names.isEmpty ? "no options" : names.joined(separator: ", "))."
      )
    }
    if let dangling { throw BenchUsageError("Missing value for '\(dangling)'.") }
  }

  func string(_ name: String) -> String? { values[name] }

  func flag(_ name: String) -> Bool { flags.contains(name) }

  /// A positive integer option (underscores allowed: `1_000_000`), or `fallback` when absent.
  func positive(_ name: String, default fallback: Int) throws -> Int {
    guard let text = values[name] else { return fallback }
    guard let value = Int(text.filter { $0 != "_" }), value > 0 else {
      throw BenchUsageError("Invalid value '\(text)' for '\(name)': expected a positive integer.")
    }
    return value
  }

  /// A positive number of seconds, or `fallback` when absent.
  func seconds(_ name: String, default fallback: Double) throws -> Double {
    guard let text = values[name] else { return fallback }
    guard let value = Double(text), value > 0 else {
      throw BenchUsageError("Invalid value '\(text)' for '\(name)': expected a positive number of seconds.")
    }
    return value
  }
}

/// A mistake on the command line (exit 64).
struct BenchUsageError: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

/// A benchmark that could not run or whose result was wrong (exit 1).
struct BenchFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
