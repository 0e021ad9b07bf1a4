import Foundation
import PolicyFlowCore

/// `policyflow test`: run the catalog's tests (`tests/*.json`) and report the failures.
enum TestCommand {
  static let command = Command(
    name: "test",
    abstract: "Run the catalog's tests: one processing cycle per test, checked against its expectation.",
    discussion: """
      Reads the test files named (default: the catalog's tests/ directory; a directory stands for the \
      .json files directly in it), runs every test and case in parallel, and prints one line per failing \
      test, FILE:LINE:COLUMN: FAIL [case] what was expected and what happened, then 'N passed, N failed' \
      on a line of its own. --coverage adds, per flow and step, the rules no test made fire and the \
      rules that fired in every test that reached their step. Exit status: 0 when every test passes, 1 \
      when one fails, 65 when the catalog or a test file is invalid (nothing is run then).
      """,
    arguments: [
      Positional(name: "path", help: "Test files or directories.", isRepeating: true, isOptional: true)
    ],
    options: [
      CommonOptions.catalog,
      .value("--filter", "text", "Run only the tests whose name (FILE [case]) contains this text, in any case."),
      .flag("--coverage", "Also report which rules the tests made fire, per flow and step."),
      .value("--junit", "file", "Also write the results as JUnit XML to this file, for CI systems."),
      CommonOptions.json,
    ],
    run: run)

  /// Why the JUnit report cannot be written at `path` (a folder named, or one that is missing
  /// or not writable), or nil.
  static func reportProblem(_ path: String) -> String? {
    let name = (path as NSString).deletingLastPathComponent
    let folder = name.isEmpty ? "." : name
    var isFolder: ObjCBool = false
    if path.hasSuffix("/")
      || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue)
    {
      let inside = path.hasSuffix("/") ? path : path + "/"
      return "'--junit \(path)' names a folder; name the report's file, such as '\(inside)junit.xml'"
    }
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
      return "The folder of '--junit \(path)' does not exist; create it or name a file in an existing folder."
    }
    guard access(folder, W_OK) == 0 else {
      return "The folder of '--junit \(path)' is not writable by this user; name a file in a folder you may write to."
    }
    return nil
  }

  /// The catalog directory the test files or folders `paths` are in (`CATALOG/tests/…` where
  /// `CATALOG/flows` exists), when they are all in one, as the user would type it for --catalog.
  static func catalogOfTests(_ paths: [String]) -> URL? {
    let catalogs = Set(
      paths.map { path -> URL? in
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while url.pathComponents.count > 1 {
          if url.lastPathComponent == "tests" {
            let catalog = url.deletingLastPathComponent()
            return FileManager.default.fileExists(atPath: catalog.appendingPathComponent("flows").path) ? catalog : nil
          }
          url.deleteLastPathComponent()
        }
        return nil
      })
    guard catalogs.count == 1, let only = catalogs.first else { return nil }
    return only
  }

  /// `url` relative to the current directory when it is under it.
  static func typed(_ url: URL) -> String {
    let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
    return url.path.hasPrefix(here + "/") ? String(url.path.dropFirst(here.count + 1)) : url.path
  }

  static func run(_ invocation: Invocation) throws -> Int32 {
    // Before any test runs: a report that cannot be written is known now, not after the run.
    if let junit = invocation.value("--junit"), let problem = reportProblem(junit) {
      throw UsageError(message: problem, commandPath: invocation.commandPath)
    }
    let directory = CommonOptions.catalogDirectory(invocation)
    // A run that cannot start still writes its report, naming why: CI that publishes the report
    // would otherwise show nothing, or the last run's.
    let junit = invocation.value("--junit")
    func reportNothingRan(_ problems: [Finding]) throws {
      if let junit { try AtomicFile.write(CatalogTestJUnit.xml(problems: problems), to: junit) }
    }
    let loadedCatalog = CatalogLoader.load(directory: directory)
    if loadedCatalog.catalog == nil {
      try reportNothingRan(loadedCatalog.findings)
      // Compared as places, not as typed (`.`, `./cat` and an absolute path may name one folder).
      if let elsewhere = catalogOfTests(invocation.positionals),
        elsewhere != URL(fileURLWithPath: directory).standardizedFileURL
      {
        Terminal.error(
          "Note: the catalog is read from --catalog (here \(directory)), not from where the tests are; the tests "
            + "given are in the catalog \(typed(elsewhere)): 'policyflow test --catalog \(typed(elsewhere))'.")
      }
    }
    let catalog = try CatalogCommand.catalog(of: loadedCatalog, in: directory)
    let paths = invocation.positionals.isEmpty ? [testsDirectory(of: directory)] : invocation.positionals
    let (files, missing) = CatalogTestLoader.files(in: paths)
    let now = try PoliciesValidate.referenceTime(nil, commandPath: invocation.commandPath)
    let loaded = CatalogTestLoader.load(files: files, catalog: catalog, now: now)
    let findings = (missing + loaded.findings).sorted()
    for finding in findings { Terminal.error(finding.description) }
    if !findings.errors.isEmpty {
      try reportNothingRan(findings)
      let count = findings.errors.count
      throw CommandFailure(
        message: "the tests have \(count) problem\(count == 1 ? "" : "s"); nothing was run.",
        exitCode: ExitCode.invalidInput, details: ["findings": .array(findings.map(FindingOutput.json))])
    }
    var tests = loaded.tests
    if let filter = invocation.value("--filter") {
      tests = tests.filter { $0.name.lowercased().contains(filter.lowercased()) }
      if tests.isEmpty {
        try reportNothingRan([
          Finding(
            file: "--filter", location: SourceLocation(line: 1, column: 1),
            message: "no test matches --filter '\(filter)'")
        ])
        throw UsageError(
          message: "No test matches --filter '\(filter)' among the \(loaded.tests.count) tests of \(files.count) "
            + "file\(files.count == 1 ? "" : "s") (the filter is a part of a test's name, in any case).",
          commandPath: invocation.commandPath)
      }
    }
    let results = CatalogTestRunner(catalog: catalog).run(tests)
    let coverage = invocation.flag("--coverage") ? RuleCoverage(catalog: catalog, results: results) : nil
    if let junit {
      try AtomicFile.write(CatalogTestJUnit.xml(results), to: junit)
    }
    let failed = results.filter { !$0.passed }.count
    if invocation.flag("--json") {
      var report: JSON = [
        "passed": .int(results.count - failed), "failed": .int(failed),
        "tests": .array(results.map(TestOutput.json)),
      ]
      if let coverage { report.set(path: "coverage", to: coverage.json) }
      Terminal.out(report.serialized(pretty: true))
    } else {
      for result in results { if let line = result.failureLine { Terminal.out(line) } }
      if let coverage { Terminal.out(coverage.text) }
      Terminal.out("\(results.count - failed) passed, \(failed) failed")
    }
    return failed == 0 ? 0 : 1
  }

  /// `DIR/tests`, written as the user wrote DIR.
  static func testsDirectory(of catalog: String) -> String {
    catalog == "." ? "tests" : (catalog.hasSuffix("/") ? catalog + "tests" : catalog + "/tests")
  }
}

/// Test results as scripts read them.
enum TestOutput {
  static func json(_ result: CatalogTestResult) -> JSON {
    var object: JSON = [
      "name": .string(result.test.name), "file": .string(result.test.file),
      "case": result.test.caseName.map(JSON.string) ?? .null,
      "line": .int(result.location.line), "column": .int(result.location.column),
      "passed": .bool(result.passed),
    ]
    object.set(
      path: "differences",
      to: .array(
        result.differences.map { difference in
          [
            "member": .string(difference.member), "expected": .string(difference.expected),
            "actual": .string(difference.actual), "missing": .array(difference.missing.map(JSON.string)),
            "unexpected": .array(difference.unexpected.map(JSON.string)),
            "line": .int(difference.location.line), "column": .int(difference.location.column),
          ]
        }))
    return object
  }
}
