extension Invocation {
  /// The value of `option` as a whole number above zero; nil when it was not given. Anything
  /// else is a usage error that names the option as its help does.
  func positiveInteger(_ option: Option) throws(UsageError) -> Int? {
    guard let text = value(option.name) else { return nil }
    guard let number = Int(text), number > 0 else {
      throw UsageError(
        message: "Invalid value '\(text)' for '\(option.synopsis)': expected a whole number above zero.",
        commandPath: commandPath)
    }
    return number
  }
}
