/// Test results as JUnit XML, the report CI systems (GitLab, Jenkins, GitHub actions that
/// publish test results) read: one `testsuite` per test file, one `testcase` per test or case,
/// a `failure` with the differences for each failing one.
public enum CatalogTestJUnit {
  public static func xml(_ results: [CatalogTestResult], suiteName: String = "policyflow test") -> String {
    var files: [String] = []
    var byFile: [String: [CatalogTestResult]] = [:]
    for result in results {
      if byFile[result.test.file] == nil { files.append(result.test.file) }
      byFile[result.test.file, default: []].append(result)
    }
    let failures = results.filter { !$0.passed }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml +=
      "<testsuites name=\"\(escape(suiteName))\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"0\">\n"
    for file in files {
      let cases = byFile[file]!
      xml +=
        "  <testsuite name=\"\(escape(file))\" tests=\"\(cases.count)\" "
        + "failures=\"\(cases.filter { !$0.passed }.count)\" errors=\"0\">\n"
      for result in cases {
        let name = escape(result.test.caseName ?? file)
        let head =
          "    <testcase classname=\"\(escape(file))\" name=\"\(name)\" file=\"\(escape(file))\" "
          + "line=\"\(result.location.line)\""
        if result.passed {
          xml += head + "/>\n"
        } else {
          let summary = result.differences.map(\.description).joined(separator: "; ")
          let body = result.differences.map { "\(file):\($0.location): \($0)" }.joined(separator: "\n")
          xml += head + ">\n"
          xml += "      <failure message=\"\(escape(summary))\" type=\"expectation\">\(escape(body))</failure>\n"
          xml += "    </testcase>\n"
        }
      }
      xml += "  </testsuite>\n"
    }
    xml += "</testsuites>\n"
    return xml
  }

  /// The report of a run that could not start, for CI to show rather than find no file: one
  /// `testcase` per problem (of the catalog or a test file), each with an `error`.
  public static func xml(problems: [Finding], suiteName: String = "policyflow test") -> String {
    let errors = problems.filter { $0.severity == .error }
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml +=
      "<testsuites name=\"\(escape(suiteName))\" tests=\"\(errors.count)\" failures=\"0\" errors=\"\(errors.count)\">\n"
    xml +=
      "  <testsuite name=\"nothing was run\" tests=\"\(errors.count)\" failures=\"0\" errors=\"\(errors.count)\">\n"
    for finding in errors {
      xml +=
        "    <testcase classname=\"\(escape(finding.file))\" name=\"\(escape(finding.file)):\(finding.location.line)\" "
        + "file=\"\(escape(finding.file))\" line=\"\(finding.location.line)\">\n"
      xml +=
        "      <error message=\"\(escape(finding.message))\" type=\"invalid\">\(escape(finding.description))</error>\n"
      xml += "    </testcase>\n"
    }
    xml += "  </testsuite>\n</testsuites>\n"
    return xml
  }

  /// Text safe inside an XML attribute or element: the five predefined entities, and control
  /// characters XML 1.0 cannot carry replaced by a space.
  static func escape(_ text: String) -> String {
    var escaped = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&apos;"
      case "\n", "\t": escaped.unicodeScalars.append(scalar)
      default: escaped.unicodeScalars.append(scalar.value < 0x20 ? " " : scalar)
      }
    }
    return escaped
  }
}
